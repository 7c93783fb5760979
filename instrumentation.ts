/**
 * Runs once when the bpfdeck server starts (Next.js instrumentation hook). The Node-only part lives in
 * lib/runs/lifecycle.ts, loaded only in the Node.js runtime.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { onServerStart } = await import('@/lib/runs/lifecycle');
    await onServerStart();
  }
}
