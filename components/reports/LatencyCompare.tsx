'use client';
/** Two latency heat maps side by side, with the change of p50/p90/p99 above them. */
import type { LatencyComparison } from '@/lib/reports/compare';
import type { LatencyHeatmapResult } from '@/lib/tools/types';
import type { VizKind } from '@/lib/tools/catalog';
import { formatDuration } from '@/lib/viz/format';
import { ToolResultView } from '@/components/viz/ToolResultView';

export function LatencyCompare({
  toolId,
  viz,
  comparison,
  resultA,
  resultB,
  labelA,
  labelB,
}: {
  toolId: string;
  viz: VizKind;
  comparison: LatencyComparison;
  resultA: LatencyHeatmapResult;
  resultB: LatencyHeatmapResult;
  labelA: string;
  labelB: string;
}) {
  const u = comparison.unit;
  const fmt = (v: number | null) => (v === null ? '—' : formatDuration(v, u));
  return (
    <div className="space-y-4">
      <table className="w-full max-w-2xl rounded border border-slate-200 bg-white text-sm" data-testid="percentile-changes">
        <thead className="bg-slate-100 text-left text-slate-600">
          <tr>
            <th className="px-3 py-2">
              <span className="sr-only">Percentile</span>
            </th>
            <th className="px-3 py-2 text-right">A</th>
            <th className="px-3 py-2 text-right">B</th>
            <th className="px-3 py-2 text-right">change</th>
          </tr>
        </thead>
        <tbody>
          {comparison.percentiles.map((p) => (
            <tr key={p.name} className="border-t border-slate-100" data-testid={`pct-${p.name}`}>
              <th className="px-3 py-1.5 text-left font-medium">{p.name}</th>
              <td className="px-3 py-1.5 text-right tabular-nums">{fmt(p.a)}</td>
              <td className="px-3 py-1.5 text-right tabular-nums">{fmt(p.b)}</td>
              <td
                className={`px-3 py-1.5 text-right tabular-nums ${p.delta === null ? '' : p.delta > 0 ? 'text-red-700' : p.delta < 0 ? 'text-blue-700' : ''}`}
              >
                {p.delta === null ? '—' : `${p.delta > 0 ? '+' : p.delta < 0 ? '−' : '±'}${formatDuration(Math.abs(p.delta), u)}`}
                {p.ratio !== null && <span className="ml-1 text-slate-500">(×{p.ratio.toFixed(2)})</span>}
              </td>
            </tr>
          ))}
          <tr className="border-t border-slate-100 text-slate-600">
            <th className="px-3 py-1.5 text-left font-medium">count</th>
            <td className="px-3 py-1.5 text-right tabular-nums">{comparison.countA.toLocaleString('en-US')}</td>
            <td className="px-3 py-1.5 text-right tabular-nums">{comparison.countB.toLocaleString('en-US')}</td>
            <td />
          </tr>
        </tbody>
      </table>
      <div className="grid gap-4 lg:grid-cols-2">
        <section className="min-w-0 space-y-2 rounded border border-slate-200 bg-white p-3" aria-label="A">
          <h3 className="text-sm font-semibold">A · {labelA}</h3>
          <ToolResultView toolId={toolId} viz={viz} result={resultA} />
        </section>
        <section className="min-w-0 space-y-2 rounded border border-slate-200 bg-white p-3" aria-label="B">
          <h3 className="text-sm font-semibold">B · {labelB}</h3>
          <ToolResultView toolId={toolId} viz={viz} result={resultB} />
        </section>
      </div>
    </div>
  );
}
