/**
 * Export formats of one tool result in a report (or a run): which apply, and the file for each.
 *   raw     the capture exactly as bpftrace printed it (streamed from the stored gzip; byte-identical)
 *   json    the parsed (typed) result
 *   csv     tables: event rows, histogram buckets per second, time series points
 *   folded  profile: folded stacks
 *   svg     profile: a flame graph image
 */
import { z } from 'zod';
import { resultToCsv } from '@/lib/export/csv';
import { foldedText } from '@/lib/export/folded';
import { renderFlameSvg } from '@/lib/export/flame-svg';
import type { ToolResult } from '@/lib/tools/types';
import { kindOfViz } from '@/lib/results/registry';

export const EXPORT_FORMATS = ['raw', 'json', 'csv', 'folded', 'svg'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const exportFormatSchema = z.enum(EXPORT_FORMATS);

/** Formats offered for a tool result of visualization `viz`. */
export function formatsFor(viz: string, opts: { hasResult: boolean; rawAvailable: boolean }): ExportFormat[] {
  const out: ExportFormat[] = [];
  if (opts.rawAvailable) out.push('raw');
  if (opts.hasResult) {
    out.push('json');
    // the kind's descriptor says which derived formats it offers (lib/results/kinds/)
    out.push(...(kindOfViz(viz)?.exportFormats ?? []));
  }
  return out;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  raw: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  folded: 'text/plain; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
};

const EXTENSIONS: Record<ExportFormat, string> = { raw: 'jsonl', json: 'json', csv: 'csv', folded: 'folded.txt', svg: 'svg' };

/** "bpfdeck-profile-fleet11-20261125-181500-AbCdEf12.svg": safe in a Content-Disposition header. */
export function exportFileName(parts: { toolId: string; hostName: string; at: Date | null; id: string }, format: ExportFormat): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'x';
  const at = parts.at ? parts.at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15) : 'undated';
  return `bpfdeck-${safe(parts.toolId)}-${safe(parts.hostName)}-${at}-${parts.id.slice(0, 8)}.${EXTENSIONS[format]}`;
}

export interface RenderedExport {
  body: string;
  contentType: string;
}

/**
 * The body of a derived format (json, csv, folded, svg) from the stored result; null when the format
 * does not apply to this result (raw is streamed by the caller).
 */
export function renderResultExport(
  format: Exclude<ExportFormat, 'raw'>,
  resultJson: string,
  meta: { title: string; subtitle?: string },
): RenderedExport | null {
  if (format === 'json') return { body: resultJson, contentType: CONTENT_TYPES.json };
  const result = JSON.parse(resultJson) as ToolResult;
  if (format === 'csv') {
    const csv = resultToCsv(result);
    return csv === null ? null : { body: csv, contentType: CONTENT_TYPES.csv };
  }
  if (result.kind !== 'profile') return null;
  if (format === 'folded') return { body: foldedText(result.root), contentType: CONTENT_TYPES.folded };
  const subtitle = [meta.subtitle, `${result.samplesInTree.toLocaleString('en-US')} samples at ${result.sampleHz} Hz`].filter(Boolean).join(' · ');
  return { body: renderFlameSvg(result.root, { title: meta.title, subtitle }), contentType: CONTENT_TYPES.svg };
}
