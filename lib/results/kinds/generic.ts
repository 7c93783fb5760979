/** Any bpftrace program's output (lib/tools/generic): a list of sections, each drawn by its shape. */
import type { ResultKindDescriptor } from '@/lib/results/descriptor';
import type { GenericResult, GenericSection } from '@/lib/tools/generic/types';
import type { EventCellValue } from '@/lib/tools/types';
import { toCsv } from '@/lib/viz/csv';
import { n, plural, type ResultNotice } from '@/lib/viz/notices-base';
import { cell, safeText } from '@/lib/cli/text';
import { eventNotices, statsLine, tableLines } from '@/lib/results/kinds/common';
import { latencyNotices } from '@/lib/results/kinds/latency-heatmap';
import { profileNotices } from '@/lib/results/kinds/profile';

export function sectionTitle(s: GenericSection): string {
  switch (s.type) {
    case 'lines':
      return 'Text output';
    case 'table':
      return `Table: ${s.title}`;
    case 'map':
      return `Map ${s.name}`;
    case 'histogram':
      return `Histogram ${s.name}`;
    case 'heatmap':
      return `Histogram ${s.name} over time`;
    case 'flamegraph':
      return `Stacks ${s.name}`;
    case 'stats':
      return `Stats ${s.name}`;
  }
}

/** A section as rows of a CSV/terminal table. */
function sectionTable(s: GenericSection): { columns: Array<{ key: string; label: string }>; rows: Array<Record<string, EventCellValue>> } | null {
  switch (s.type) {
    case 'lines':
      return { columns: [{ key: 'line', label: 'line' }], rows: s.lines.map((line) => ({ line })) };
    case 'table':
      return { columns: s.table.columns, rows: s.table.rows };
    case 'map': {
      const parts = Math.max(1, s.keyParts);
      const columns = [
        ...Array.from({ length: parts }, (_, i) => ({ key: `k${i}`, label: parts === 1 ? 'key' : `key${i + 1}` })),
        { key: 'value', label: 'value' },
      ];
      const rows = s.rows.map((r) => {
        const row: Record<string, EventCellValue> = { value: r.value };
        (s.keyParts > 1 ? r.parts : [r.key]).forEach((p, i) => (row[`k${i}`] = p));
        return row;
      });
      return { columns, rows };
    }
    case 'stats':
      return {
        columns: [
          { key: 'key', label: 'key' },
          { key: 'count', label: 'count' },
          { key: 'average', label: 'average' },
          { key: 'total', label: 'total' },
        ],
        rows: s.rows,
      };
    case 'histogram':
      return {
        columns: [
          { key: 'key', label: 'key' },
          { key: 'min', label: 'bucket_min' },
          { key: 'max', label: 'bucket_max' },
          { key: 'count', label: 'count' },
        ],
        rows: s.hists.flatMap((h) => h.buckets.map((b) => ({ key: h.key, min: b.min ?? null, max: b.max ?? null, count: b.count }))),
      };
    case 'heatmap':
      return {
        columns: [
          { key: 't', label: 'print' },
          { key: 'min', label: `bucket_min_${s.heatmap.unit}` },
          { key: 'max', label: `bucket_max_${s.heatmap.unit}` },
          { key: 'count', label: 'count' },
        ],
        rows: s.heatmap.columns.flatMap((c) => c.buckets.map((b) => ({ t: c.tSec, min: b.min ?? null, max: b.max ?? null, count: b.count }))),
      };
    case 'flamegraph':
      return null;
  }
}

export function sectionNotices(s: GenericSection): ResultNotice[] {
  const out: ResultNotice[] = [];
  switch (s.type) {
    case 'lines':
      if (s.linesDropped > 0)
        out.push({
          level: 'warn',
          id: `${s.id}-lines-dropped`,
          text: `Showing the first ${n(s.lines.length)} of ${n(s.linesSeen)} lines: ${plural(s.linesDropped, 'line')} past the cap not kept (they are in the raw output).`,
        });
      break;
    case 'table':
      return eventNotices({ ...s.table, stats: { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 } }).map((x) => ({
        ...x,
        id: `${s.id}-${x.id}`,
      }));
    case 'map':
      if (s.entriesDropped > 0)
        out.push({ level: 'warn', id: `${s.id}-keys-dropped`, text: `${plural(s.entriesDropped, 'key')} of ${s.name} past the key cap not kept.` });
      if (s.how === 'sum')
        out.push({
          level: 'info',
          id: `${s.id}-summed`,
          text: `${s.name} was printed ${n(s.prints)} times and cleared in between: values are summed over the prints.`,
        });
      break;
    case 'histogram':
      if (s.keysDropped > 0)
        out.push({ level: 'warn', id: `${s.id}-keys-dropped`, text: `${plural(s.keysDropped, 'key')} of ${s.name} past the key cap not kept.` });
      break;
    case 'heatmap':
      out.push(...latencyNotices(s.heatmap).map((x) => ({ ...x, id: `${s.id}-${x.id}` })));
      if (s.unitFrom === 'assumed')
        out.push({
          level: 'info',
          id: `${s.id}-unit`,
          text: `The unit of ${s.name} is not known from its name: drawn as microseconds. Columns are prints, in order.`,
        });
      break;
    case 'flamegraph':
      out.push(...profileNotices(s.profile).map((x) => ({ ...x, id: `${s.id}-${x.id}` })));
      break;
    case 'stats':
      if (s.entriesDropped > 0)
        out.push({ level: 'warn', id: `${s.id}-keys-dropped`, text: `${plural(s.entriesDropped, 'key')} of ${s.name} past the key cap not kept.` });
      break;
  }
  return out;
}

export const genericKind: ResultKindDescriptor<GenericResult, 'generic'> = {
  kind: 'generic',
  viz: 'generic',
  label: 'Any bpftrace output (auto-chosen views)',
  summary(r) {
    const lines = [`${r.sections.length} outputs (${r.sections.map((s) => s.type).join(', ') || 'none'}); ${statsLine(r.stats)}`];
    for (const s of r.sections) {
      lines.push('', `== ${safeText(sectionTitle(s))}`);
      if (s.type === 'flamegraph') {
        lines.push(
          `${s.profile.samplesInTree} samples; top: ${s.profile.root.children
            .slice(0, 5)
            .map((c) => `${safeText(c.name)} ${c.value}`)
            .join(', ')}`,
        );
        continue;
      }
      if (s.type === 'heatmap') {
        const h = s.heatmap;
        lines.push(
          `${h.count} values over ${h.columns.length} prints: p50 ${cell(h.p50)} ${h.unit}, p90 ${cell(h.p90)} ${h.unit}, p99 ${cell(h.p99)} ${h.unit}`,
        );
        continue;
      }
      const t = sectionTable(s);
      if (t) lines.push(...tableLines(t.columns, t.rows));
    }
    if (r.sectionsDropped > 0) lines.push(`${r.sectionsDropped} more outputs past the section cap (--json has the kept ones)`);
    return lines;
  },
  notices(r) {
    const out = r.sections.flatMap(sectionNotices);
    if (r.sections.length === 0) out.push({ level: 'warn', id: 'empty', text: 'The program printed nothing (no text, no maps): there is nothing to show.' });
    if (r.sectionsDropped > 0)
      out.push({
        level: 'warn',
        id: 'sections-dropped',
        text: `${plural(r.sectionsDropped, 'output')} past the ${n(r.sections.length)}-section cap not shown.`,
      });
    if (r.unknownRecords > 0)
      out.push({ level: 'info', id: 'unknown', text: `${plural(r.unknownRecords, 'record')} of a type bpfdeck does not know (kept in the raw output).` });
    return out;
  },
  csv(r) {
    // one file: the sections one after the other, each with a title line, then its header and rows
    const parts: string[] = [];
    for (const s of r.sections) {
      const t = sectionTable(s);
      if (!t) continue;
      parts.push(toCsv([{ key: 't', label: sectionTitle(s) }], []) + toCsv(t.columns, t.rows));
    }
    return parts.length ? parts.join('\r\n') : null;
  },
  isEmpty: (r) => r.sections.length === 0,
  exportFormats: ['csv'],
  compare: null,
};
