/** Where to send someone after sign-in: only a local path, never another site (no open redirect). */
export function safeNext(path: string | null | undefined): string {
  if (!path || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\u007f]/.test(path)) return '/';
  return path;
}
