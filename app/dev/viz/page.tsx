/**
 * Dev gallery of the visualization components, drawn from real captures parsed on the server (see
 * fixtures.ts), with their empty, loading, partial and error states and large generated inputs for
 * performance checks. Only served when BPFDECK_DEV_GALLERY=1 (the e2e tests set it); 404 otherwise,
 * so it never ships in production. Checked before the sign-in guard, so a production server does not
 * even reveal that the page exists.
 */
import { notFound } from 'next/navigation';
import { requirePage } from '@/lib/auth/page-guard';
import type { ProfileResult, ToolResult } from '@/lib/tools/types';
import { ToolResultView } from '@/components/viz/ToolResultView';
import { toolLabel } from '@/lib/viz/labels';
import { loadGallery, type GalleryEntry } from './fixtures';
import { genericCaptures } from './captures';
import { PerfLab, type PerfLabProps } from './PerfLab';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const metadata = { title: 'bpfdeck · viz gallery', robots: { index: false } };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function VizGalleryPage({ searchParams }: { searchParams: SearchParams }) {
  // read here on purpose, not through lib/env: a dev-only switch that must not become app config
  if (process.env.BPFDECK_DEV_GALLERY !== '1') notFound();
  // a page like any other once enabled: signed-in people only (it shows no host data, but runs parsers)
  await requirePage('viewer');
  const sp = await searchParams;
  const version = typeof sp.version === 'string' ? sp.version : undefined;
  const data = loadGallery(version);

  return (
    <div className="space-y-8">
      <header className="space-y-1">
        <h1 className="text-xl font-semibold">Visualization gallery</h1>
        <p className="text-sm text-slate-600">
          Every view with real captures from <code>tests/fixtures/&lt;tool&gt;/&lt;version&gt;/</code> run through the tool&apos;s parser. Version:{' '}
          {['newest', '0.17.0', '0.23.2'].map((v) => (
            <a
              key={v}
              href={v === 'newest' ? '?' : `?version=${v}`}
              className={`mr-2 ${(version ?? 'newest') === v ? 'font-semibold' : 'text-indigo-700 hover:underline'}`}
            >
              {v}
            </a>
          ))}
        </p>
        <nav aria-label="Gallery sections" className="flex flex-wrap gap-3 text-sm">
          {data.entries.map((e) => (
            <a key={e.toolId} href={`#tool-${e.toolId}`} className="text-indigo-700 hover:underline">
              {e.toolId}
            </a>
          ))}
          <a href="#generic" className="text-indigo-700 hover:underline">
            generic
          </a>
          <a href="#states" className="text-indigo-700 hover:underline">
            states
          </a>
          <a href="#perf" className="text-indigo-700 hover:underline">
            large inputs
          </a>
        </nav>
      </header>

      {data.entries.map((e) => (
        <ToolSection key={e.toolId} entry={e} />
      ))}

      <section id="generic" aria-labelledby="generic-h" className="space-y-4">
        <h2 id="generic-h" className="text-lg font-semibold">
          Any bpftrace program (generic views)
        </h2>
        {genericCaptures(version).map((g) => (
          <div key={g.name} data-testid={`gallery-generic-${g.name}`} className="min-w-0 space-y-2 rounded border border-slate-200 bg-white p-4">
            <h3 className="text-sm font-medium">
              {g.name} <span className="font-mono text-xs font-normal text-slate-500">{g.source}</span>
            </h3>
            <ToolResultView toolId={g.name} viz="generic" result={g.result} />
          </div>
        ))}
      </section>

      <section id="states" aria-labelledby="states-h" className="space-y-4">
        <h2 id="states-h" className="text-lg font-semibold">
          States
        </h2>
        <div className="grid gap-4 lg:grid-cols-2">
          {data.states.map((s, i) => (
            <div
              key={i}
              className="min-w-0 space-y-2 rounded border border-slate-200 bg-white p-3"
              data-testid="state-demo"
              data-tool={s.toolId}
              data-state={s.loading ? 'loading' : s.error ? 'error' : s.how.split(':')[0]}
            >
              <h3 className="text-sm font-medium">
                {s.toolId} · <span className="font-normal text-slate-600">{s.how}</span>
              </h3>
              <ToolResultView toolId={s.toolId} viz={s.viz} result={s.result} loading={s.loading} error={s.error} />
            </div>
          ))}
        </div>
      </section>

      <section id="perf" aria-labelledby="perf-h" className="space-y-3">
        <h2 id="perf-h" className="text-lg font-semibold">
          Large inputs
        </h2>
        <PerfLab {...perfInputs(data.entries)} />
      </section>
    </div>
  );
}

function ToolSection({ entry: e }: { entry: GalleryEntry }) {
  return (
    <section
      id={`tool-${e.toolId}`}
      aria-labelledby={`tool-${e.toolId}-h`}
      data-testid={`gallery-${e.toolId}`}
      data-has-result={e.result ? '1' : '0'}
      className="min-w-0 space-y-3 rounded border border-slate-200 bg-white p-4"
    >
      <div className="flex flex-wrap items-baseline gap-x-3">
        <h2 id={`tool-${e.toolId}-h`} className="text-lg font-semibold">
          {toolLabel(e.toolId)}
        </h2>
        <span className="font-mono text-xs text-slate-500">{e.source ? `${e.source} · ${e.records.toLocaleString('en-US')} records` : e.missing}</span>
      </div>
      <ToolResultView toolId={e.toolId} viz={e.viz} result={e.result} error={e.error ?? undefined} />
    </section>
  );
}

/** The real inputs the large generated ones start from: the event capture with the most rows, the profile. */
function perfInputs(entries: GalleryEntry[]): PerfLabProps {
  let events: PerfLabProps['events'] = null;
  for (const e of entries) {
    const r = e.result as ToolResult | null;
    if (!r || !('rows' in r) || r.rows.length === 0 || !e.source) continue;
    if (!events || r.rows.length > events.result.rows.length)
      events = { toolId: e.toolId, source: e.source, result: { columns: r.columns, rows: r.rows, stats: r.stats } };
  }
  const p = entries.find((e) => e.toolId === 'profile');
  const profile = p?.result && p.source ? { source: p.source, result: p.result as ProfileResult } : null;
  const t = entries.find((e) => e.toolId === 'tcplife');
  const graph =
    t?.result && t.source && t.result.kind === 'connections' && t.result.graph.edges.length > 0 ? { source: t.source, graph: t.result.graph } : null;
  return { events, profile, graph };
}
