'use client';
/**
 * Host actions: pin the host key (explicitly, after seeing its fingerprint), check what the host
 * supports, edit and delete the host (admins). Once the host is checked, the key and capability panels
 * fold into one line (the dashboard gets the screen), which expands.
 */
import { useRouter } from 'next/navigation';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api.client';
import type { PublicHost } from '@/lib/hosts/service';
import { ErrorBox } from '@/components/ui/ErrorBox';
import type { Role } from '@/lib/auth/roles';
import { formatDateTime } from '@/lib/format/date';
import { hostStatus, HOST_STATUS_LABEL } from '@/lib/hosts/status';
import { AuthHelp } from '@/components/hosts/AuthHelp';
import { HostSettings } from '@/components/hosts/HostSettings';

const btn = 'rounded px-3 py-1.5 text-sm font-medium disabled:opacity-50';

/**
 * `role`: what the signed-in person may do here (the server enforces it too): only admins fetch, pin
 * and re-pin host keys; operators and admins check hosts.
 */
export function HostPanel({ initialHost, role = 'admin' }: { initialHost: PublicHost; role?: Role }) {
  const isAdmin = role === 'admin';
  const [host, setHost] = useState(initialHost);
  // the key and capability panels of a checked host start folded
  const [open, setOpen] = useState(false);
  const router = useRouter();
  const scan = useMutation({
    mutationFn: () =>
      api<{ hostKey: { algo: string; fingerprint: string; pinned: string | null; matchesPinned: boolean } }>(`/api/hosts/${host.id}/hostkey/scan`, {
        body: {},
      }),
  });
  const accept = useMutation({
    mutationFn: (fingerprint: string) => api<{ host: PublicHost }>(`/api/hosts/${host.id}/hostkey/accept`, { body: { fingerprint, replace: !!host.hostKey } }),
    onSuccess: ({ host: h }) => {
      setHost(h);
      scan.reset();
      check.mutate();
    },
  });
  const check = useMutation({
    mutationFn: () => api<{ host: PublicHost }>(`/api/hosts/${host.id}/check`, { body: {} }),
    onSuccess: ({ host: h }) => {
      setHost(h);
      setOpen(true); // show what the check just found; the next visit opens folded
      router.refresh(); // tool availability is computed on the server from the new capabilities
    },
    // the host now carries the failure (its status says "auth failed"): fetch it again
    onError: () => {
      api<{ host: PublicHost }>(`/api/hosts/${host.id}`)
        .then(({ host: h }) => setHost(h))
        .catch(() => {});
    },
  });
  const caps = host.capabilities;
  const status = hostStatus(host);
  // folded once the host is known to work; a key being compared, a check running or failing keeps it open
  const canFold = !!host.hostKey && !!caps && status.status === 'ok';
  const unfolded = !canFold || open || !!scan.data || check.isPending || !!check.error;

  const checkButton = (
    <button
      type="button"
      className={`${btn} border border-slate-300 hover:bg-slate-50`}
      disabled={!host.hostKey || check.isPending || role === 'viewer'}
      onClick={() => check.mutate()}
    >
      {check.isPending ? 'Checking…' : 'Check host'}
    </button>
  );

  const panels = (
    <div className="grid gap-4 md:grid-cols-2" id="host-details" data-testid="host-details">
      <section className="min-w-0 space-y-3 rounded border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Host key</h2>
        {host.hostKey ? (
          <p className="text-sm">
            Pinned{' '}
            <span data-testid="pinned-fingerprint" className="break-all font-mono text-xs">
              {host.hostKey.fingerprint}
            </span>{' '}
            ({host.hostKey.algo}) on {formatDateTime(host.hostKey.pinnedAt)}. A different key will be refused.
          </p>
        ) : (
          <p className="text-sm text-amber-800">Not pinned yet: bpfdeck will not connect until you have checked and accepted this host&apos;s key.</p>
        )}
        {isAdmin ? (
          <button type="button" className={`${btn} border border-slate-300 hover:bg-slate-50`} disabled={scan.isPending} onClick={() => scan.mutate()}>
            {scan.isPending ? 'Fetching key…' : host.hostKey ? 'Compare with the key offered now' : 'Fetch host key'}
          </button>
        ) : (
          <p className="text-xs text-slate-500">Only admins can pin or replace a host key.</p>
        )}
        {scan.data && (
          <div className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="hostkey-offer">
            <div>The host offers this {scan.data.hostKey.algo} key:</div>
            <div className="break-all font-mono text-xs" data-testid="offered-fingerprint">
              {scan.data.hostKey.fingerprint}
            </div>
            {scan.data.hostKey.matchesPinned ? (
              <div className="text-emerald-800">It matches the pinned key.</div>
            ) : (
              <>
                <div>
                  Compare it with <code className="font-mono">ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</code> on the host before accepting.
                </div>
                <button
                  type="button"
                  className={`${btn} bg-amber-600 text-white hover:bg-amber-700`}
                  disabled={accept.isPending}
                  onClick={() => accept.mutate(scan.data.hostKey.fingerprint)}
                >
                  {host.hostKey ? 'Replace the pinned key with this one' : 'Accept and pin this key'}
                </button>
              </>
            )}
          </div>
        )}
        <ErrorBox error={scan.error ?? accept.error} title="Host key" />
      </section>

      <section className="min-w-0 space-y-3 rounded border border-slate-200 bg-white p-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="font-semibold">What this host supports</h2>
          {checkButton}
        </div>
        {caps ? (
          <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 break-words text-sm" data-testid="capabilities">
            <dt className="text-slate-500">bpftrace</dt>
            <dd>{caps.bpftraceVersion ?? <span className="text-red-700">{caps.sudoMessage}</span>}</dd>
            <dt className="text-slate-500">kernel</dt>
            <dd className="font-mono text-xs">{caps.kernelRelease}</dd>
            <dt className="text-slate-500">BTF / tracefs</dt>
            <dd>
              {caps.btf ? 'BTF yes' : 'BTF no'} · {caps.tracefs ? 'tracefs yes' : 'tracefs no'}
            </dd>
            {Object.entries(caps.probes).map(([type, c]) => (
              <div key={type} className="contents">
                <dt className="text-slate-500">{type}</dt>
                <dd className={c?.ok ? 'text-emerald-800' : 'text-slate-600'}>{c?.ok ? 'attaches' : c?.message}</dd>
              </div>
            ))}
            <dt className="text-slate-500">checked</dt>
            <dd className="text-slate-600">{formatDateTime(caps.checkedAt)}</dd>
          </dl>
        ) : (
          <p className="text-sm text-slate-600">Not checked yet.</p>
        )}
        <ErrorBox error={check.error} title="Host check failed" />
      </section>
    </div>
  );

  return (
    <div className="space-y-4">
      {canFold && (
        <section aria-label="Host key and capabilities" className="rounded border border-slate-200 bg-white px-4 py-2" data-testid="host-summary">
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
            <button
              type="button"
              aria-expanded={unfolded}
              aria-controls="host-details"
              onClick={() => setOpen((v) => !v)}
              className="rounded border border-slate-300 px-2 py-0.5 font-medium hover:bg-slate-50"
            >
              {unfolded ? '▾ Hide host details' : '▸ Host details'}
            </button>
            <span className="rounded bg-emerald-100 px-1.5 py-0.5 text-xs font-medium text-emerald-900">{HOST_STATUS_LABEL[status.status]}</span>
            <span className="min-w-0 break-all">
              key{' '}
              <span className="font-mono text-xs" data-testid="summary-fingerprint">
                {host.hostKey!.fingerprint}
              </span>
            </span>
            <span>bpftrace {caps!.bpftraceVersion}</span>
            <span className="break-all font-mono text-xs">{caps!.kernelRelease}</span>
            <span className="text-slate-600">
              {Object.values(caps!.probes).filter((p) => p?.ok).length} of {Object.keys(caps!.probes).length} probe types attach
            </span>
            <span className="text-slate-600">checked {formatDateTime(caps!.checkedAt)}</span>
            {!unfolded && <span className="ml-auto">{checkButton}</span>}
          </div>
        </section>
      )}
      {unfolded && panels}
      <AuthHelp host={host} error={check.error} />
      {isAdmin && <HostSettings host={host} onSaved={(h) => setHost(h)} />}
    </div>
  );
}
