import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getHost } from '@/lib/hosts/service';
import { latestRunsByTool, listRuns } from '@/lib/runs/service';
import { chooseVariant, listTools } from '@/lib/tools/catalog';
import { AppError } from '@/lib/errors';
import { HostPanel } from '@/components/hosts/HostPanel';
import { HostDashboard, type DashboardTool } from '@/components/dashboard/HostDashboard';
import { RunStatusBadge } from '@/components/runs/RunStatusBadge';
import { requirePage } from '@/lib/auth/page-guard';
import { EscapedText } from '@/components/viz/EscapedText';
import { formatDateTime } from '@/lib/format/date';
import { upstreamBlocker, upstreamDocs } from '@/lib/bpftrace/upstream-tools';
import type { UpstreamToolRow } from '@/components/dashboard/UpstreamTools';

export const dynamic = 'force-dynamic';

/** The tab names the host (only for a signed-in user: requirePage redirects anyone else first). */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  await requirePage('viewer');
  const { id } = await params;
  const host = await getHost(id).catch(() => null);
  return { title: host ? `${host.name} · bpfdeck` : 'Host not found · bpfdeck' };
}

export default async function HostPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePage('viewer');
  const { id } = await params;
  const host = await getHost(id).catch((e) => {
    if (e instanceof AppError && e.code === 'not_found') notFound();
    throw e;
  });
  const runs = await listRuns({ hostId: id, limit: 20 });
  // Say before anything runs whether each tool can run here, and why not (from the last host check).
  const tools: DashboardTool[] = listTools().map((t) => {
    const choice = host.capabilities ? chooseVariant(t, host.capabilities) : null;
    return {
      id: t.id,
      title: t.title,
      summary: t.summary,
      viz: t.viz,
      overhead: t.overhead,
      defaultDurationSec: t.defaultDurationSec,
      minDurationSec: t.minDurationSec,
      maxDurationSec: t.maxDurationSec,
      variant: choice?.ok ? choice.variant.id : null,
      unavailable: choice && !choice.ok ? choice.reason : null,
      docs: t.docs,
      params: (t.params ?? []).map(({ name, label, description, min, max, default: def }) => ({ name, label, description, min, max, default: def })),
    };
  });
  const latest = await latestRunsByTool(id);
  // the host package's own tools, from its last check: docs at its bpftrace release, the plain reason
  // for those whose probes cannot attach here (checked again against the file when one runs)
  const caps = host.capabilities;
  const upstream: UpstreamToolRow[] | null =
    caps?.upstreamTools?.map((t) => ({
      name: t.name,
      path: t.path,
      description: t.description,
      ...upstreamDocs(t.name, caps.bpftraceVersion),
      blocker: upstreamBlocker(t, caps.probes.kprobe?.ok) ?? (caps.sudoOk ? null : (caps.sudoMessage ?? 'bpftrace cannot run on this host')),
    })) ?? null;
  return (
    <div className="space-y-6">
      <div>
        <Link href="/hosts" className="text-sm text-slate-500 hover:underline">
          ← Hosts
        </Link>
        <h1 className="text-xl font-semibold">
          <EscapedText text={host.name} />
        </h1>
        <p className="font-mono text-sm text-slate-600">
          {host.username}@{host.address}:{host.port}
          <Link href={`/hosts/${host.id}/history`} className="ml-3 font-sans text-indigo-700 hover:underline">
            History and reports
          </Link>
        </p>
      </div>
      <HostPanel initialHost={host} role={me.role} />
      {/* viewers see the dashboard; its run buttons stay disabled (the API refuses them anyway) */}
      <HostDashboard
        hostId={host.id}
        pinned={!!host.hostKey && me.role !== 'viewer'}
        checked={!!host.capabilities}
        tools={tools}
        initialLatest={latest}
        upstream={{ tools: upstream, bpftraceVersion: caps?.bpftraceVersion ?? null }}
      />
      <section>
        <h2 className="mb-2 text-lg font-semibold">Recent runs</h2>
        {runs.length === 0 ? (
          <p className="text-sm text-slate-600">No runs yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded border border-slate-200 bg-white text-sm">
            {runs.map((r) => (
              <li key={r.id} className="flex items-center gap-3 px-3 py-2">
                <RunStatusBadge status={r.status} />
                <Link href={`/runs/${r.id}`} className="font-medium text-indigo-700 hover:underline">
                  {r.toolId}
                </Link>
                <span className="text-slate-600">{r.durationSec} s</span>
                <span className="text-slate-500">{formatDateTime(r.createdAt)}</span>
                {r.errorMessage && <span className="truncate text-red-700">{r.errorMessage.split('\n')[0]}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
