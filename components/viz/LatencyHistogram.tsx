/**
 * The summed latency histogram as horizontal bars, one per bucket, drawn row for row beside the heat
 * map (same row height, lowest bucket at the bottom), with the p50/p90/p99 lines across it. Bars are
 * linear in count, as bpftrace prints them. Server-safe SVG.
 */
import type { HistBucket } from '@/lib/bpftrace/types';
import type { TimeUnit } from '@/lib/viz/format';
import { formatDuration } from '@/lib/viz/format';
import { latencyBucketLabel, valueRowPosition } from '@/lib/viz/heatmap';

export interface LatencyHistogramProps {
  /** buckets bottom to top, with their summed counts */
  rows: HistBucket[];
  unit: TimeUnit;
  /** height of one bucket row, px (the heat map's) */
  rowPx: number;
  widthPx?: number;
  /** percentiles in `unit` */
  percentiles: Array<{ name: string; value: number | null }>;
  label: string;
}

export function LatencyHistogram({ rows, unit, rowPx, widthPx = 220, percentiles, label }: LatencyHistogramProps) {
  const height = rows.length * rowPx;
  const max = rows.reduce((m, b) => Math.max(m, b.count), 0);
  /** right gutter for the percentile names */
  const gutter = 28;
  const barMax = widthPx - gutter - 40;
  const yOf = (pos: number) => height - pos * rowPx;
  return (
    <figure aria-label={label} className="shrink-0">
      <svg
        width={widthPx}
        height={height}
        role="img"
        aria-label={`${label}: bars per bucket`}
        data-testid="latency-histogram"
        className="block overflow-visible"
      >
        {rows.map((b, i) => {
          const w = max > 0 ? Math.max(b.count > 0 ? 1 : 0, (b.count / max) * barMax) : 0;
          const y = yOf(i + 1);
          return (
            <g key={i}>
              <rect x={0} y={y + 1} width={w} height={Math.max(1, rowPx - 2)} className="fill-indigo-400" data-testid="histogram-bar" data-count={b.count}>
                <title>{`${latencyBucketLabel(b, unit)}: ${b.count.toLocaleString('en-US')}`}</title>
              </rect>
              {b.count > 0 && rowPx >= 10 && (
                <text
                  x={w + 3}
                  y={y + rowPx / 2}
                  dominantBaseline="central"
                  className="fill-slate-600 text-[10px]"
                  stroke="white"
                  strokeWidth={3}
                  paintOrder="stroke"
                >
                  {b.count.toLocaleString('en-US')}
                </text>
              )}
            </g>
          );
        })}
        {placePercentiles(rows, percentiles, height, rowPx).map((p) => (
          <g key={p.name} data-testid={`percentile-${p.name}`}>
            <line x1={0} x2={widthPx - gutter} y1={p.y} y2={p.y} className="stroke-slate-900" strokeDasharray="3 2" strokeWidth={1} />
            <text
              x={widthPx - gutter + 2}
              y={p.labelY}
              dominantBaseline="central"
              className="fill-slate-900 text-[10px] font-medium"
              stroke="white"
              strokeWidth={3}
              paintOrder="stroke"
            >
              {p.name}
            </text>
            <title>{`${p.name} ≈ ${formatDuration(p.value, unit)}`}</title>
          </g>
        ))}
      </svg>
      {/* the same numbers as a table, for screen readers */}
      <table className="sr-only">
        <caption>{label}</caption>
        <thead>
          <tr>
            <th scope="col">Latency</th>
            <th scope="col">Count</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((b, i) => (
            <tr key={i}>
              <td>{latencyBucketLabel(b, unit)}</td>
              <td>{b.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** px between two percentile labels, so p50 and p90 in the same bucket stay readable */
const LABEL_GAP_PX = 10;

/**
 * Where each percentile line goes (y, at its true position) and its label (labelY, pushed apart from
 * the previous one when they would overlap). Percentiles outside the rows are left out.
 */
function placePercentiles(rows: HistBucket[], percentiles: LatencyHistogramProps['percentiles'], height: number, rowPx: number) {
  const placed: Array<{ name: string; value: number; y: number; labelY: number }> = [];
  for (const p of percentiles) {
    if (p.value === null) continue;
    const pos = valueRowPosition(rows, p.value);
    if (pos < 0) continue;
    const y = height - pos * rowPx;
    placed.push({ name: p.name, value: p.value, y, labelY: y });
  }
  // higher percentiles are higher up (smaller y): walk bottom-up and keep each label a gap above the last
  placed.sort((a, b) => b.y - a.y);
  for (let i = 1; i < placed.length; i++) placed[i].labelY = Math.min(placed[i].labelY, placed[i - 1].labelY - LABEL_GAP_PX);
  return placed;
}
