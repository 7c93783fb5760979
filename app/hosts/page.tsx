import Link from 'next/link';
import { lastRunAtByHost, listHosts } from '@/lib/hosts/service';
import { hostStatus, HOST_STATUS_LABEL, type HostStatus } from '@/lib/hosts/status';
import { formatDateTime } from '@/lib/format/date';
import { AddHostForm } from '@/components/hosts/AddHostForm';
import { requirePage } from '@/lib/auth/page-guard';
import { AppError } from '@/lib/errors';
import { EscapedText } from '@/components/viz/EscapedText';
import { RunOnFleetForm } from '@/components/fleet/RunOnFleetForm';
import { roleAtLeast } from '@/lib/auth/roles';
import { listTools } from '@/lib/tools/catalog';

export const metadata = { title: 'Hosts · bpfdeck' };

export const dynamic = 'force-dynamic';

const STATUS_CLASS: Record<HostStatus, string> = {
  ok: 'bg-emerald-100 text-emerald-900',
  auth_failed: 'bg-red-100 text-red-900',
  sudo_denied: 'bg-amber-100 text-amber-900',
  no_bpftrace: 'bg-amber-100 text-amber-900',
  unreachable: 'bg-red-100 text-red-900',
  check_failed: 'bg-red-100 text-red-900',
  not_pinned: 'bg-slate-100 text-slate-800',
  not_checked: 'bg-slate-100 text-slate-800',
};

export default async function HostsPage({ searchParams }: { searchParams: Promise<{ selector?: string | string[] }> }) {
  const me = await requirePage('viewer');
  const raw = (await searchParams).selector;
  const selector = typeof raw === 'string' && raw.trim() !== '' ? raw : undefined;
  const all = await listHosts();
  let hosts = all;
  let selectorError: string | null = null;
  if (selector !== undefined) {
    try {
      hosts = await listHosts({ selector });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      selectorError = e.message;
    }
  }
  const nameOf = new Map(all.map((h) => [h.id, h.name]));
  const lastRun = await lastRunAtByHost();
  return (
    <div className="space-y-8">
      <section>
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h1 className="text-xl font-semibold">Hosts</h1>
          {me.role === 'admin' && (
            <Link className="text-sm text-indigo-700 hover:underline" href="/hosts/import">
              Import hosts / review keys
            </Link>
          )}
        </div>
        {/* a plain GET form: the selector is in the URL, so a filtered list is a link to share */}
        <form method="get" className="mb-3 flex flex-wrap items-center gap-2 text-sm" role="search">
          <label htmlFor="selector" className="text-slate-700">
            Selector
          </label>
          <input
            id="selector"
            name="selector"
            defaultValue={selector ?? ''}
            placeholder="role=web,az=b   name=db-*"
            className="w-80 max-w-full rounded border border-slate-300 px-2 py-1 font-mono"
          />
          <button type="submit" className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100">
            Filter
          </button>
          {selector !== undefined && (
            <Link className="text-indigo-700 hover:underline" href="/hosts">
              clear
            </Link>
          )}
          <span className="text-xs text-slate-500">comma = AND; key=value, key!=value, key; globs * and ?</span>
        </form>
        {selectorError && (
          <p role="alert" className="mb-3 rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {selectorError}
          </p>
        )}
        {selector !== undefined && !selectorError && hosts.length === 0 && all.length > 0 && (
          <p className="mb-3 text-sm text-amber-800">The selector {selector} matches no host.</p>
        )}
        {all.length === 0 ? (
          <p className="text-slate-600">No hosts yet. Add one below: bpfdeck needs sshd, sudo and bpftrace on it, nothing else.</p>
        ) : (
          // the table scrolls in its own box on a narrow screen; the page never gets wider than it
          <div className="relative overflow-x-auto rounded border border-slate-200">
            <table className="w-full bg-white text-sm" data-testid="hosts-table">
              <thead className="bg-slate-100 text-left text-slate-600">
                <tr>
                  <th className="px-3 py-2">Name</th>
                  <th className="px-3 py-2">Status</th>
                  <th className="px-3 py-2">Last check</th>
                  <th className="px-3 py-2">Last run</th>
                  <th className="px-3 py-2">Address</th>
                  <th className="px-3 py-2">User</th>
                  <th className="px-3 py-2">Via</th>
                  <th className="px-3 py-2">Tags</th>
                  <th className="px-3 py-2">Host key</th>
                  <th className="px-3 py-2">bpftrace</th>
                  <th className="px-3 py-2">Kernel</th>
                </tr>
              </thead>
              <tbody>
                {hosts.map((h) => {
                  const st = hostStatus(h);
                  const checkedAt = h.checkError?.at ?? h.capabilities?.checkedAt ?? null;
                  return (
                    <tr key={h.id} className="border-t border-slate-100" data-testid="host-row" data-host={h.name}>
                      <td className="px-3 py-2">
                        <Link className="font-medium text-indigo-700 hover:underline" href={`/hosts/${h.id}`}>
                          <EscapedText text={h.name} />
                        </Link>
                      </td>
                      <td className="px-3 py-2" data-testid="host-status" data-status={st.status}>
                        <span
                          className={`whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_CLASS[st.status]}`}
                          title={st.detail ?? undefined}
                        >
                          {HOST_STATUS_LABEL[st.status]}
                        </span>
                      </td>
                      <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-600">{checkedAt ? formatDateTime(checkedAt) : '—'}</td>
                      <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-600">{lastRun.has(h.id) ? formatDateTime(lastRun.get(h.id)!) : '—'}</td>
                      <td className="px-3 py-2 font-mono">
                        {h.address}:{h.port}
                      </td>
                      <td className="px-3 py-2 font-mono">{h.username}</td>
                      <td className="px-3 py-2 font-mono text-xs">
                        {h.jumpHostIds.length ? h.jumpHostIds.map((id) => nameOf.get(id) ?? '?').join(' → ') : '—'}
                      </td>
                      <td className="px-3 py-2 font-mono text-xs">
                        {Object.entries(h.tags)
                          .map(([k, v]) => `${k}=${v}`)
                          .join(' ') || '—'}
                      </td>
                      <td className="px-3 py-2">
                        {h.hostKey ? (
                          <span className="break-all font-mono text-xs">{h.hostKey.fingerprint}</span>
                        ) : (
                          <span className="text-amber-800">not pinned</span>
                        )}
                      </td>
                      <td className="px-3 py-2">{h.capabilities?.bpftraceVersion ?? '—'}</td>
                      <td className="px-3 py-2 font-mono text-xs">{h.capabilities?.kernelRelease ?? '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {roleAtLeast(me.role, 'operator') && all.length > 0 && (
        <section className="space-y-2">
          <div className="flex items-baseline justify-between">
            <h2 className="text-lg font-semibold">Run on the fleet</h2>
            <Link className="text-sm text-indigo-700 hover:underline" href="/fleet-runs">
              Fleet history
            </Link>
          </div>
          <RunOnFleetForm
            key={selector ?? ''}
            hosts={all.map((h) => ({ id: h.id, name: h.name, tags: h.tags, pinned: h.hostKey !== null }))}
            tools={listTools().map((t) => ({
              id: t.id,
              title: t.title,
              defaultDurationSec: t.defaultDurationSec,
              minDurationSec: t.minDurationSec,
              maxDurationSec: t.maxDurationSec,
            }))}
            selector={selectorError ? undefined : selector}
          />
        </section>
      )}
      {me.role === 'admin' && (
        <section className="max-w-xl">
          <h2 className="mb-3 text-lg font-semibold">Add a host</h2>
          <AddHostForm />
        </section>
      )}
    </div>
  );
}
