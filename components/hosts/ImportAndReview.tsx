'use client';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api.client';
import { ErrorBox } from '@/components/ui/ErrorBox';
import type { ImportPreview } from '@/lib/hosts/import';
import type { ReviewRow } from '@/lib/hosts/key-review';
import type { PublicHost } from '@/lib/hosts/service';

interface IdentityOption {
  id: string;
  name: string;
  fingerprint: string;
}

const input = 'mt-1 w-full rounded border border-slate-300 px-2 py-1 font-mono text-xs';
const button = 'rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50';

/** Import: paste, preview, map IdentityFiles to identities, create. Review: known_hosts, pin matching, accept the rest one by one. */
export function ImportAndReview({ identities }: { identities: IdentityOption[] }) {
  const [format, setFormat] = useState<'ssh_config' | 'list'>('ssh_config');
  const [text, setText] = useState('');
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [defaultId, setDefaultId] = useState('');
  const [knownHosts, setKnownHosts] = useState('');
  const [created, setCreated] = useState<PublicHost[]>([]);
  const [rows, setRows] = useState<ReviewRow[]>([]);

  const preview = useMutation({ mutationFn: () => api<{ preview: ImportPreview }>('/api/hosts/import/preview', { body: { format, text } }) });
  const create = useMutation({
    mutationFn: () =>
      api<{ hosts: PublicHost[] }>('/api/hosts/import', {
        body: {
          format,
          text,
          identities: Object.fromEntries(Object.entries(mapping).filter(([, v]) => v)),
          ...(defaultId ? { defaultIdentityId: defaultId } : {}),
        },
      }),
    onSuccess: ({ hosts }) => setCreated(hosts),
  });
  const review = useMutation({
    mutationFn: () =>
      api<{ rows: ReviewRow[] }>('/api/hosts/hostkeys/review', {
        body: { knownHosts, pinMatching: true, ...(created.length ? { hostIds: created.map((h) => h.id) } : {}) },
      }),
    onSuccess: ({ rows }) => setRows(rows),
  });
  const accept = useMutation({
    mutationFn: (r: ReviewRow) => api<{ host: PublicHost }>(`/api/hosts/${r.hostId}/hostkey/accept`, { body: { fingerprint: r.fingerprint } }).then(() => r),
    onSuccess: (r) => setRows((all) => all.map((x) => (x.hostId === r.hostId ? { ...x, status: 'already_pinned', pinned: true } : x))),
  });
  const p = preview.data?.preview;
  const pick = (value: string, onChange: (v: string) => void, label: string) => (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} className="rounded border border-slate-300 px-2 py-1 text-sm">
      <option value="">(none)</option>
      {identities.map((i) => (
        <option key={i.id} value={i.id}>
          {i.name} {i.fingerprint}
        </option>
      ))}
    </select>
  );

  return (
    <div className="space-y-8">
      <section className="space-y-3 rounded border border-slate-200 bg-white p-4">
        <h2 className="text-lg font-semibold">1. Import</h2>
        <div className="flex gap-4 text-sm">
          <label>
            <input type="radio" checked={format === 'ssh_config'} onChange={() => setFormat('ssh_config')} /> ssh_config
          </label>
          <label>
            <input type="radio" checked={format === 'list'} onChange={() => setFormat('list')} /> list (user@host:port a line)
          </label>
        </div>
        <label className="block text-sm">
          <span className="text-slate-700">{format === 'ssh_config' ? 'ssh_config (Host, HostName, Port, User, IdentityFile, ProxyJump)' : 'Hosts'}</span>
          <textarea name="importText" rows={10} value={text} onChange={(e) => setText(e.target.value)} className={input} />
        </label>
        <button type="button" className={button} disabled={!text || preview.isPending} onClick={() => preview.mutate()}>
          Preview
        </button>
        <ErrorBox error={preview.error} title="The import cannot be read" />
        {p && (
          <>
            <table className="w-full text-sm" aria-label="Import preview">
              <thead className="bg-slate-100 text-left text-slate-600">
                <tr>
                  <th className="px-2 py-1">Name</th>
                  <th className="px-2 py-1">Endpoint</th>
                  <th className="px-2 py-1">IdentityFile</th>
                  <th className="px-2 py-1">Via</th>
                </tr>
              </thead>
              <tbody>
                {p.entries.map((e) => (
                  <tr key={e.name} className="border-t border-slate-100 font-mono text-xs">
                    <td className="px-2 py-1">{e.name}</td>
                    <td className="px-2 py-1">
                      {e.username}@{e.address}:{e.port}
                    </td>
                    <td className="px-2 py-1">{e.identityFile ?? '—'}</td>
                    <td className="px-2 py-1">{e.jump.join(' → ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="space-y-2 text-sm">
              <p className="text-slate-600">
                IdentityFile paths are files on your machine: map each to an SSH identity (add keys as identities first), or pick one for all.
              </p>
              {p.identityFiles.map((f) => (
                <div key={f} className="flex items-center gap-2">
                  <span className="font-mono text-xs">{f}</span>
                  {pick(mapping[f] ?? '', (v) => setMapping({ ...mapping, [f]: v }), `identity for ${f}`)}
                </div>
              ))}
              <div className="flex items-center gap-2">
                <span>Default identity</span>
                {pick(defaultId, setDefaultId, 'default identity')}
              </div>
            </div>
            <button type="button" className={button} disabled={create.isPending} onClick={() => create.mutate()}>
              Create {p.entries.length} hosts
            </button>
            <ErrorBox error={create.error} title="Nothing was created" />
            {created.length > 0 && (
              <p role="status" className="text-sm text-emerald-800">
                Created {created.length} hosts. Their keys are not pinned: review them below.
              </p>
            )}
          </>
        )}
      </section>

      <section className="space-y-3 rounded border border-slate-200 bg-white p-4">
        <h2 className="text-lg font-semibold">2. Host keys</h2>
        <label className="block text-sm">
          <span className="text-slate-700">known_hosts (your out-of-band source; hashed entries are fine). Only keys it vouches for are pinned.</span>
          <textarea name="knownHosts" rows={6} value={knownHosts} onChange={(e) => setKnownHosts(e.target.value)} className={input} />
        </label>
        <button type="button" className={button} disabled={review.isPending} onClick={() => review.mutate()}>
          {review.isPending ? 'Scanning…' : `Scan ${created.length ? 'the new hosts' : 'all unpinned hosts'} and pin matching keys`}
        </button>
        <ErrorBox error={review.error} title="The review failed" />
        <ErrorBox error={accept.error} title="The key was not pinned" />
        {rows.length > 0 && (
          <table className="w-full text-sm" aria-label="Host keys">
            <thead className="bg-slate-100 text-left text-slate-600">
              <tr>
                <th className="px-2 py-1">Host</th>
                <th className="px-2 py-1">SHA256 fingerprint</th>
                <th className="px-2 py-1">known_hosts</th>
                <th className="px-2 py-1">
                  <span className="sr-only">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.hostId} className="border-t border-slate-100 text-xs" data-status={r.status}>
                  <td className="px-2 py-1 font-mono">{r.name}</td>
                  <td className="px-2 py-1 font-mono">
                    {r.fingerprint ?? '—'} {r.algo && <span className="text-slate-500">({r.algo})</span>}
                  </td>
                  <td className="px-2 py-1">
                    {r.status.replace(/_/g, ' ')}
                    {r.pinned && ' — pinned'}
                    {r.error && <span className="block text-red-700">{r.error}</span>}
                    {r.status === 'differs_from_known_hosts' && <span className="block text-red-700">known_hosts has {r.knownFingerprints.join(', ')}</span>}
                  </td>
                  <td className="px-2 py-1">
                    {(r.status === 'not_in_known_hosts' || r.status === 'differs_from_known_hosts') && r.fingerprint && (
                      <button type="button" className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100" onClick={() => accept.mutate(r)}>
                        Accept {r.fingerprint.slice(0, 15)}…
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
