/** Browser-side fetch for our JSON API: errors carry the server's message, ready to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** a 422's messages per request field (its first path element), to show under each form field */
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * The server's zod issues (lib/http errorResponse) by field; the field's own name is not repeated
 * ("name: name: ..."). Issues about the whole request (no path) are under "".
 */
export function fieldErrorsOf(issues: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(issues)) return out;
  for (const i of issues as Array<{ path?: unknown[]; message?: string }>) {
    if (typeof i?.message !== 'string') continue;
    const field = typeof i.path?.[0] === 'string' ? (i.path[0] as string) : '';
    const msg = field && i.message.startsWith(`${field}: `) ? i.message.slice(field.length + 2) : i.message;
    out[field] = out[field] ? `${out[field]}; ${msg}` : msg;
  }
  return out;
}

export async function api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const res = await fetch(path, {
    method: init?.method ?? (init?.body !== undefined ? 'POST' : 'GET'),
    headers: init?.body !== undefined ? { 'content-type': 'application/json' } : undefined,
    body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  // The session ended (expired, signed out elsewhere, revoked): back to sign-in, then to this page.
  if (res.status === 401 && !path.startsWith('/api/auth/') && typeof window !== 'undefined') {
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? 'http', json?.error?.message ?? `HTTP ${res.status}`, fieldErrorsOf(json?.error?.issues));
  return json as T;
}
