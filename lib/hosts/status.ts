/**
 * A host's status in one word, for the hosts list and the host page: what its last check found.
 * Pure (universal): from the public host only.
 */
import type { PublicHost } from '@/lib/hosts/service';

export type HostStatus = 'ok' | 'auth_failed' | 'sudo_denied' | 'no_bpftrace' | 'unreachable' | 'check_failed' | 'not_pinned' | 'not_checked';

export const HOST_STATUS_LABEL: Record<HostStatus, string> = {
  ok: 'ok',
  auth_failed: 'auth failed',
  sudo_denied: 'sudo denied',
  no_bpftrace: 'no bpftrace',
  unreachable: 'unreachable',
  check_failed: 'check failed',
  not_pinned: 'not checked (key not pinned)',
  not_checked: 'not checked',
};

export function hostStatus(h: Pick<PublicHost, 'capabilities' | 'checkError' | 'hostKey'>): { status: HostStatus; detail: string | null } {
  // a failed check is newer than the capabilities it left in place
  if (h.checkError) {
    const status: HostStatus = h.checkError.code === 'auth_failed' ? 'auth_failed' : h.checkError.code === 'unreachable' ? 'unreachable' : 'check_failed';
    return { status, detail: h.checkError.message };
  }
  const c = h.capabilities;
  if (!c) return { status: h.hostKey ? 'not_checked' : 'not_pinned', detail: null };
  if (!c.sudoOk) {
    // preflight's explanation says which (lib/bpftrace/preflight explainSudoFailure)
    const missing = !c.bpftracePath || /not installed/.test(c.sudoMessage ?? '');
    return { status: missing ? 'no_bpftrace' : 'sudo_denied', detail: c.sudoMessage ?? null };
  }
  return { status: 'ok', detail: null };
}
