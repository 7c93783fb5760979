/**
 * An error in a red box. `live` (default) announces it (role=alert): for errors of what the user just did.
 * Historical failures (a past run's error shown on page load) pass live={false}, so they are not announced.
 */
export function ErrorBox({ error, title = 'Something went wrong', live = true }: { error: unknown; title?: string; live?: boolean }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div role={live ? 'alert' : undefined} className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900">
      <div className="font-medium">{title}</div>
      <pre className="mt-1 whitespace-pre-wrap font-mono text-xs">{message}</pre>
    </div>
  );
}
