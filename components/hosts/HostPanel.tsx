'use client';
/**
 * Host actions: pin the host key (explicitly, after seeing its fingerprint), check what the host
 * supports, and start a tool run.
 */
import { useRouter } from 'next/navigation';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api.client';
import type { PublicHost } from '@/lib/hosts/service';
import { ErrorBox } from '@/components/ui/ErrorBox';
import type { Role } from '@/lib/auth/roles';

const btn = 'rounded px-3 py-1.5 text-sm font-medium disabled:opacity-50';

/**
 * `role`: what the signed-in person may do here (the server enforces it too): only admins fetch, pin
 * and re-pin host keys; operators and admins check hosts.
 */
export function HostPanel({ initialHost, role = 'admin' }: { initialHost: PublicHost; role?: Role }) {
  const isAdmin = role === 'admin';
  const [host, setHost] = useState(initialHost);
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
      router.refresh(); // tool availability is computed on the server from the new capabilities
    },
  });
  const caps = host.capabilities;

  return (
    <div className="grid gap-4 md:grid-cols-2">
      <section className="space-y-3 rounded border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Host key</h2>
        {host.hostKey ? (
          <p className="text-sm">
            Pinned{' '}
            <span data-testid="pinned-fingerprint" className="font-mono text-xs">
              {host.hostKey.fingerprint}
            </span>{' '}
            ({host.hostKey.algo}) on {new Date(host.hostKey.pinnedAt).toLocaleString()}. A different key will be refused.
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
            <div className="font-mono text-xs" data-testid="offered-fingerprint">
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

      <section className="space-y-3 rounded border border-slate-200 bg-white p-4">
        <div className="flex items-center justify-between">
          <h2 className="font-semibold">What this host supports</h2>
          <button
            type="button"
            className={`${btn} border border-slate-300 hover:bg-slate-50`}
            disabled={!host.hostKey || check.isPending || role === 'viewer'}
            onClick={() => check.mutate()}
          >
            {check.isPending ? 'Checking…' : 'Check host'}
          </button>
        </div>
        {caps ? (
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm" data-testid="capabilities">
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
            <dd className="text-slate-600">{new Date(caps.checkedAt).toLocaleString()}</dd>
          </dl>
        ) : (
          <p className="text-sm text-slate-600">Not checked yet.</p>
        )}
        <ErrorBox error={check.error} title="Host check failed" />
      </section>
    </div>
  );
}
