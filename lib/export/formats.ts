/**
 * Export formats of one tool result in a report (or a run): which apply, and the file for each.
 *   raw     the capture exactly as bpftrace printed it (streamed from the stored gzip; byte-identical)
 *   bundle  the same capture after one metadata line (tool, variant, parameters, host, kernel, bpftrace
 *           version, times): imports with all of it filled in (lib/reports/bundle.ts)
 *   json    the parsed (typed) result
 *   csv     tables: event rows, histogram buckets per second, time series points
 *   folded  profile: folded stacks, from the full unpruned stacks (lib/export/folded.ts)
 *   pprof   profile: gzip-compressed profile.proto from the same stacks (lib/export/pprof.ts)
 *   svg     profile: a flame graph image (of the display tree: it is a drawing)
 * The web downloads (lib/reports/export.ts) and the CLI's --export (lib/cli) both call
 * renderResultExport: the same result gives the same bytes.
 */
import { z } from 'zod';
import { resultToCsv } from '@/lib/export/csv';
import { foldedText, profileStacks, type StackSource } from '@/lib/export/folded';
import { pprofBytes } from '@/lib/export/pprof';
import { renderFlameSvg } from '@/lib/export/flame-svg';
import type { EventTableResult, ToolResult } from '@/lib/tools/types';
import { kindOfViz } from '@/lib/results/registry';

export const EXPORT_FORMATS = ['raw', 'bundle', 'json', 'csv', 'folded', 'pprof', 'svg'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** formats that carry the raw capture (every traced process's argv): they need the raw download role */
export const RAW_FORMATS: ReadonlySet<ExportFormat> = new Set(['raw', 'bundle']);
export const exportFormatSchema = z.enum(EXPORT_FORMATS);
/** ?kernelSuffix=0 turns the "_[k]" of kernel frames off (folded, pprof); on by default */
export const kernelSuffixSchema = z
  .enum(['0', '1'])
  .default('1')
  .transform((v) => v === '1');

/** Formats offered for a tool result of visualization `viz`. */
export function formatsFor(viz: string, opts: { hasResult: boolean; rawAvailable: boolean }): ExportFormat[] {
  const out: ExportFormat[] = [];
  if (opts.rawAvailable) out.push('raw', 'bundle');
  if (opts.hasResult) {
    out.push('json');
    // the kind's descriptor says which derived formats it offers (lib/results/kinds/)
    out.push(...(kindOfViz(viz)?.exportFormats ?? []));
  }
  return out;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  raw: 'application/x-ndjson; charset=utf-8',
  bundle: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  folded: 'text/plain; charset=utf-8',
  pprof: 'application/vnd.google.protobuf+gzip',
  svg: 'image/svg+xml; charset=utf-8',
};

const EXTENSIONS: Record<ExportFormat, string> = {
  raw: 'jsonl',
  bundle: 'bpfdeck.jsonl',
  json: 'json',
  csv: 'csv',
  folded: 'folded.txt',
  pprof: 'pb.gz',
  svg: 'svg',
};

/** "bpfdeck-profile-fleet11-20261125-181500-AbCdEf12.svg": safe in a Content-Disposition header. */
export function exportFileName(parts: { toolId: string; hostName: string; at: Date | null; id: string }, format: ExportFormat): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'x';
  const at = parts.at ? parts.at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15) : 'undated';
  return `bpfdeck-${safe(parts.toolId)}-${safe(parts.hostName)}-${at}-${parts.id.slice(0, 8)}.${EXTENSIONS[format]}`;
}

export interface ExportOptions {
  /** folded and pprof: kernel frames end in "_[k]" (default true) */
  kernelSuffix?: boolean;
}

export interface RenderedExport {
  body: string | Uint8Array<ArrayBuffer>;
  contentType: string;
}

/**
 * The note a CSV of a capped event table starts with: "# bpfdeck: first N of M rows (row cap C)".
 * One comment line, only when rows were dropped (readers: `pandas.read_csv(f, comment='#')`,
 * `grep -v '^#'`); a complete table has none, so its CSV is plain RFC 4180.
 */
export function cappedCsvNote(result: ToolResult): string | null {
  const t = result as Partial<EventTableResult>;
  if (!Array.isArray(t.rows) || typeof t.rowsDropped !== 'number' || t.rowsDropped <= 0) return null;
  const seen = t.rows.length + t.rowsDropped;
  return `# bpfdeck: first ${t.rows.length} of ${seen} rows (row cap ${t.maxRows ?? t.rows.length}; ${t.rowsDropped} dropped)`;
}

/** Where a profile's folded/pprof exports come from (shown next to the download). */
export function profileExportSource(resultJson: string): StackSource | null {
  const result = JSON.parse(resultJson) as ToolResult;
  return result.kind === 'profile' ? profileStacks(result).source : null;
}

/**
 * The body of a derived format (json, csv, folded, pprof, svg) from the stored result; null when the
 * format does not apply to this result (raw is streamed by the caller).
 */
export function renderResultExport(
  format: Exclude<ExportFormat, 'raw' | 'bundle'>,
  resultJson: string,
  meta: { title: string; subtitle?: string },
  opts: ExportOptions = {},
): RenderedExport | null {
  if (format === 'json') return { body: resultJson, contentType: CONTENT_TYPES.json };
  const result = JSON.parse(resultJson) as ToolResult;
  if (format === 'csv') {
    const csv = resultToCsv(result);
    if (csv === null) return null;
    const note = cappedCsvNote(result);
    return { body: note ? `${note}\r\n${csv}` : csv, contentType: CONTENT_TYPES.csv };
  }
  if (result.kind !== 'profile') return null;
  const kernelSuffix = opts.kernelSuffix === false ? '' : undefined;
  if (format === 'folded') return { body: foldedText(result, { kernelSuffix }), contentType: CONTENT_TYPES.folded };
  if (format === 'pprof') return { body: pprofBytes(result, { kernelSuffix }), contentType: CONTENT_TYPES.pprof };
  const subtitle = [meta.subtitle, `${result.samplesInTree.toLocaleString('en-US')} samples at ${result.sampleHz} Hz`].filter(Boolean).join(' · ');
  return { body: renderFlameSvg(result.root, { title: meta.title, subtitle }), contentType: CONTENT_TYPES.svg };
}
