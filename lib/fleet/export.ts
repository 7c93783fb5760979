/**
 * Exports of one tool over a whole fleet run, with a host column: the CLI's `run --hosts --export` and
 * GET /api/fleet-runs/[id]/export?toolId=&format=csv|folded|json. Each host's part is the single run's
 * own export (lib/reports/export exportRun: the same bytes as its own download).
 */
import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { getFleetRun } from '@/lib/fleet/service';
import type { ExportFile } from '@/lib/reports/export';
import type { PublicFleetRun } from '@/lib/fleet/types';

export const FLEET_EXPORT_FORMATS = ['csv', 'folded', 'json'] as const;
export type FleetExportFormat = (typeof FLEET_EXPORT_FORMATS)[number];
export const fleetExportFormatSchema = z.enum(FLEET_EXPORT_FORMATS);

/** Split CSV text into records (RFC 4180: a newline inside quotes belongs to the field). */
function csvRecords(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quotes = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quotes++;
    else if (ch === '\n' && quotes % 2 === 0) {
      out.push(text.slice(start, i).replace(/\r$/, ''));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/**
 * One export of a tool over the fleet, with a host column: csv gets a leading `host` column (header once;
 * a host's cap note `# bpfdeck: ...` keeps its line, naming the host), folded stacks get the host as
 * their root frame (a merged flame graph per host), json is `{ toolId, hosts: [{ host, result }] }`.
 * Host names are letters, digits, `._-` only (lib/hosts/schemas): safe in every one of these formats.
 */
export async function fleetExportText(f: PublicFleetRun, toolId: string, format: FleetExportFormat, kernelSuffix: boolean): Promise<string> {
  const { exportRun } = await import('@/lib/reports/export');
  const { getRunResult } = await import('@/lib/runs/service');
  const parts: Array<{ host: string; runId: string }> = [];
  for (const h of f.hosts) for (const r of h.runs) if (r.toolId === toolId && r.hasResult) parts.push({ host: h.hostName, runId: r.id });
  if (format === 'json') {
    const hosts = [];
    for (const p of parts) hosts.push({ host: p.host, runId: p.runId, result: await getRunResult(p.runId) });
    return `${JSON.stringify({ toolId, hosts })}\n`;
  }
  const lines: string[] = [];
  let header: string | null = null;
  for (const p of parts) {
    const body = String((await exportRun(p.runId, format, { kernelSuffix })).body);
    if (format === 'folded') {
      for (const l of body.split('\n')) if (l) lines.push(`${p.host};${l}`);
      continue;
    }
    const recs = csvRecords(body);
    for (const rec of recs) {
      if (rec.startsWith('#')) lines.push(`# ${p.host}: ${rec.replace(/^#\s*/, '')}`);
      else if (header === null) header = `host,${rec}`;
      else if (rec === header.slice('host,'.length)) continue;
      else if (rec !== '') lines.push(`${p.host},${rec}`);
    }
  }
  if (format === 'csv') return `${[...lines.filter((l) => l.startsWith('#')), header ?? 'host', ...lines.filter((l) => !l.startsWith('#'))].join('\n')}\n`;
  return `${lines.join('\n')}\n`;
}

export async function exportFleetRun(id: string, toolId: string, format: FleetExportFormat, opts: { kernelSuffix?: boolean } = {}): Promise<ExportFile> {
  const f = await getFleetRun(id);
  if (!f.hosts.some((h) => h.runs.some((r) => r.toolId === toolId))) throw new AppError('not_found', `no host of this fleet run ran ${toolId}`);
  const body = await fleetExportText(f, toolId, format, opts.kernelSuffix ?? true);
  const ext = format === 'folded' ? 'folded.txt' : format;
  return {
    body,
    contentType: format === 'json' ? 'application/json; charset=utf-8' : format === 'csv' ? 'text/csv; charset=utf-8' : 'text/plain; charset=utf-8',
    fileName: `bpfdeck-fleet-${id}-${toolId}.${ext}`,
  };
}
