export function ErrorBox({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900">
      <div className="font-medium">{title}</div>
      <pre className="mt-1 whitespace-pre-wrap font-mono text-xs">{message}</pre>
    </div>
  );
}
