/**
 * Runs once when the bpfdeck server starts (Next.js instrumentation hook). The Node-only part lives in
 * lib/runs/lifecycle.ts, loaded only in the Node.js runtime.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    // Access control: the client address for audit and limits, and the first-run hint (lib/auth).
    const { installPeerAddressHeader } = await import('@/lib/auth/client-ip');
    installPeerAddressHeader();
    const { announceSetupIfNeeded } = await import('@/lib/auth/first-run');
    await announceSetupIfNeeded();
    const { onServerStart } = await import('@/lib/runs/lifecycle');
    await onServerStart();
  }
}
