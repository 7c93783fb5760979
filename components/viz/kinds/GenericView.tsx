'use client';
/**
 * The generic result's view (lib/tools/generic): each output of the program in its own section, drawn
 * by its shape: text lines, a column table (the event table), a sortable map table with a bar chart of
 * the top keys, histograms, a heat map of interval-printed histograms, a flame graph of stack-keyed
 * maps, stats tables. Text from the host is rendered as React text (escaped).
 */
import { useMemo, useState } from 'react';
import type { GenericResult, GenericSection } from '@/lib/tools/generic/types';
import { sectionNotices, sectionTitle } from '@/lib/results/kinds/generic';
import { resultNotices } from '@/lib/viz/notices';
import { EventTable } from '@/components/viz/EventTable';
import { FlameGraphView } from '@/components/viz/FlameGraphView';
import { LatencyHeatmap } from '@/components/viz/LatencyHeatmap';
import { ResultNotices, VizEmpty, VizError, VizSkeleton } from '@/components/viz/VizStates';

export interface GenericViewProps {
  result: GenericResult | null | undefined;
  label: string;
  loading?: boolean;
  error?: unknown;
  csvName?: string;
}

const fmt = (v: number | null) => (v === null ? '—' : Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(1));

export function GenericView({ result, label, loading, error, csvName = 'bpftrace' }: GenericViewProps) {
  if (error) return <VizError label={label} error={error} />;
  if (!result) return loading ? <VizSkeleton label={label} heightPx={240} /> : <VizEmpty label={label}>No output.</VizEmpty>;
  // the result-wide notices only (each section shows its own)
  const ids = new Set(result.sections.flatMap((s) => sectionNotices(s).map((x) => x.id)));
  const top = resultNotices(result).filter((x) => !ids.has(x.id));
  return (
    <div className="space-y-4" data-testid="generic-result" aria-label={label}>
      <ResultNotices notices={top} />
      {result.sections.map((s) => (
        <section key={s.id} className="min-w-0 space-y-2" data-testid="generic-section" data-section-type={s.type}>
          <h4 className="text-sm font-medium text-slate-800">{sectionTitle(s)}</h4>
          <ResultNotices notices={sectionNotices(s)} />
          <Section section={s} label={`${label}: ${sectionTitle(s)}`} csvName={csvName} stats={result.stats} loading={loading} />
        </section>
      ))}
    </div>
  );
}

function Section({
  section: s,
  label,
  csvName,
  stats,
  loading,
}: {
  section: GenericSection;
  label: string;
  csvName: string;
  stats: GenericResult['stats'];
  loading?: boolean;
}) {
  switch (s.type) {
    case 'lines':
      return (
        <pre className="max-h-80 overflow-auto rounded bg-slate-50 p-2 text-xs" data-testid="generic-lines">
          {s.lines.join('\n')}
        </pre>
      );
    case 'table':
      return <EventTable result={{ ...s.table, stats }} label={label} csvName={`${csvName}-${s.id}`} notices={[]} heightPx={360} loading={loading} />;
    case 'map':
      return <MapSection section={s} label={label} />;
    case 'stats':
      return (
        <table className="text-sm" aria-label={label} data-testid="generic-stats">
          <thead>
            <tr className="text-left text-slate-600">
              <th className="pr-4">key</th>
              <th className="pr-4 text-right">count</th>
              <th className="pr-4 text-right">average</th>
              <th className="text-right">total</th>
            </tr>
          </thead>
          <tbody>
            {s.rows.map((r) => (
              <tr key={r.key}>
                <td className="pr-4 font-mono">{r.key || '(no key)'}</td>
                <td className="pr-4 text-right tabular-nums">{fmt(r.count)}</td>
                <td className="pr-4 text-right tabular-nums">{fmt(r.average)}</td>
                <td className="text-right tabular-nums">{fmt(r.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'histogram':
      return (
        <div className="grid gap-3 md:grid-cols-2" data-testid="generic-histogram">
          {s.hists.slice(0, 20).map((h) => (
            <div key={h.key ?? ''} className="min-w-0 text-xs">
              <div className="mb-1 font-mono">
                {h.key ?? s.name} · {fmt(h.count)} values · p50 {fmt(h.p50)} · p90 {fmt(h.p90)} · p99 {fmt(h.p99)}
              </div>
              <Bars rows={h.buckets.map((b) => ({ name: `[${b.min ?? '…'}, ${b.max ?? '…'}]`, value: b.count }))} label={`${label} ${h.key ?? ''}`} />
            </div>
          ))}
        </div>
      );
    case 'heatmap':
      return <LatencyHeatmap result={s.heatmap} label={label} countNoun="values" />;
    case 'flamegraph':
      return <FlameGraphView result={s.profile} label={label} />;
  }
}

function Bars({ rows, label }: { rows: Array<{ name: string; value: number }>; label: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <div role="img" aria-label={label} className="space-y-0.5" data-testid="generic-bars">
      {rows.map((r, i) => (
        <div key={i} className="flex items-center gap-2">
          <span className="w-40 shrink-0 truncate text-right font-mono" title={r.name}>
            {r.name}
          </span>
          <span className="h-3 bg-indigo-500" style={{ width: `${(60 * r.value) / max}%` }} />
          <span className="tabular-nums">{fmt(r.value)}</span>
        </div>
      ))}
    </div>
  );
}

type MapSectionT = Extract<GenericSection, { type: 'map' }>;

function MapSection({ section: s, label }: { section: MapSectionT; label: string }) {
  const [sort, setSort] = useState<{ col: number; desc: boolean }>({ col: -1, desc: true });
  const parts = Math.max(1, s.keyParts);
  const rows = useMemo(() => {
    const rs = s.rows.map((r) => ({ cells: s.keyParts > 1 ? r.parts : [r.key], value: r.value }));
    if (sort.col < 0) return rs;
    const get = (r: (typeof rs)[number]) => (sort.col === parts ? r.value : r.cells[sort.col]);
    return [...rs].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.desc ? -c : c;
    });
  }, [s, sort, parts]);
  const numeric = s.rows.filter((r) => typeof r.value === 'number').slice(0, 15);
  const heads = [...Array.from({ length: parts }, (_, i) => (parts === 1 ? 'key' : `key ${i + 1}`)), 'value'];
  return (
    <div className="space-y-2">
      {numeric.length > 1 && <Bars rows={numeric.map((r) => ({ name: r.key || s.name, value: r.value as number }))} label={`${label}: top keys`} />}
      <div className="max-h-80 overflow-auto">
        <table className="text-sm" aria-label={label} data-testid="generic-map">
          <thead>
            <tr className="text-left text-slate-600">
              {heads.map((h, i) => (
                <th key={h} className="pr-4" aria-sort={sort.col === i ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" className="hover:underline" onClick={() => setSort((p) => ({ col: i, desc: p.col === i ? !p.desc : true }))}>
                    {h}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 2000).map((r, i) => (
              <tr key={i}>
                {r.cells.map((c, j) => (
                  <td key={j} className="pr-4 font-mono">
                    {c === '' ? '(no key)' : c}
                  </td>
                ))}
                <td className="text-right tabular-nums">{typeof r.value === 'number' ? fmt(r.value) : r.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
