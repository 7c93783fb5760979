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
import { mergeHostCsv, mergeHostFolded } from '@/lib/fleet/export-merge';

export const FLEET_EXPORT_FORMATS = ['csv', 'folded', 'json'] as const;
export type FleetExportFormat = (typeof FLEET_EXPORT_FORMATS)[number];
export const fleetExportFormatSchema = z.enum(FLEET_EXPORT_FORMATS);

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
  const bodies: Array<{ host: string; text: string }> = [];
  for (const p of parts) bodies.push({ host: p.host, text: String((await exportRun(p.runId, format, { kernelSuffix })).body) });
  if (format === 'folded') return mergeHostFolded(bodies.map((b) => ({ host: b.host, folded: b.text })));
  return mergeHostCsv(bodies.map((b) => ({ host: b.host, csv: b.text })));
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
