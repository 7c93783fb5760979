/**
 * Exports of one tool over a whole fleet run, with a host column: the CLI's `run --hosts --export` and
 * GET /api/fleet-runs/[id]/export?toolId=&format=csv|folded|json. Each host's part is the single run's
 * own export (lib/reports/export exportRun: the same bytes as its own download).
 */
import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { db } from '@/lib/db/client';
import { fleetResultsJson, getFleetRun } from '@/lib/fleet/service';
import { fleetReportResultsJson } from '@/lib/fleet/report';
import type { FleetToolResults } from '@/lib/fleet/types';
import { fleetExport, type FleetFileFormat } from '@/lib/fleet/views/exports';
import { fleetFormatsFor, fleetKind } from '@/lib/fleet/views/formats';
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

// ------------------------------------------------------------------------------------------------
// The merged profile as pprof, and the same exports for a fleet report (from its snapshot). Made by
// lib/fleet/views/exports.ts fleetExport from the stored results (a profile's full stacks included,
// which never go to the browser): csv and folded are the per-host exports merged as above, so a
// fleet report's files match the fleet run's.

function fileName(toolId: string, id: string, ext: string): string {
  return `bpfdeck-fleet-${id}-${toolId.replace(/[^a-z0-9-]/g, '_')}.${ext}`;
}

function renderFleetFile(results: FleetToolResults, id: string, format: FleetFileFormat, opts: { kernelSuffix?: boolean }): ExportFile {
  const out = fleetExport(results.hosts, format, { toolId: results.toolId }, opts);
  if (!out) {
    const kind = fleetKind(results.hosts);
    throw new AppError(
      'not_found',
      kind === null
        ? `no ${format} export: no host has a ${results.toolId} result`
        : `no ${format} export for ${results.toolId} results (offered: ${fleetFormatsFor(kind).join(', ') || 'none'})`,
    );
  }
  return { body: out.body, contentType: out.contentType, fileName: fileName(results.toolId, id, out.extension) };
}

/** The fleet run's merged profile as one pprof file (every host's full stacks, the host as the root frame). */
export async function exportFleetRunPprof(id: string, toolId: string, opts: { kernelSuffix?: boolean } = {}): Promise<ExportFile> {
  const results = JSON.parse(await fleetResultsJson(id, toolId, { fullStacks: true })) as FleetToolResults;
  return renderFleetFile(results, id, 'pprof', opts);
}

export async function exportFleetReport(reportId: string, toolId: string, format: FleetFileFormat, opts: { kernelSuffix?: boolean } = {}): Promise<ExportFile> {
  const results = JSON.parse(await fleetReportResultsJson(reportId, toolId, { fullStacks: true })) as FleetToolResults;
  return renderFleetFile(results, reportId, format, opts);
}

/** The fleet report made of a fleet run, or null before there is one. */
export async function fleetReportIdOf(fleetRunId: string): Promise<string | null> {
  const r = await db().report.findUnique({ where: { fleetRunId }, select: { id: true } });
  return r?.id ?? null;
}
