/**
 * Downloads of a fleet run's (or fleet report's) results of one tool, every file carrying the host
 * (lib/fleet/views/exports.ts makes the bytes): made here on the server from the stored results, a
 * profile's full stacks included (they never go to the browser). Also: the fleet report of a fleet run.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import type { FleetToolResults } from '@/lib/fleet/types';
import { fleetResultsJson } from '@/lib/fleet/service';
import { fleetReportResultsJson } from '@/lib/fleet/report';
import { fleetExport, fleetFormatsFor, fleetKind, type FleetExportFormat, type FleetExportOptions } from '@/lib/fleet/views/exports';
import type { ExportFile } from '@/lib/reports/export';

function fileName(toolId: string, id: string, ext: string): string {
  return `bpfdeck-fleet-${toolId.replace(/[^a-z0-9-]/g, '_')}-${id.slice(0, 8)}.${ext}`;
}

function render(results: FleetToolResults, id: string, format: FleetExportFormat, opts: FleetExportOptions): ExportFile {
  const out = fleetExport(results.hosts, format, { toolId: results.toolId }, opts);
  if (!out) {
    const kind = fleetKind(results.hosts);
    const offered = fleetFormatsFor(kind);
    throw new AppError(
      'not_found',
      kind === null
        ? `no ${format} export: no host has a ${results.toolId} result`
        : `no ${format} export for ${results.toolId} results (offered: ${offered.join(', ') || 'none'})`,
    );
  }
  return { body: out.body, contentType: out.contentType, fileName: fileName(results.toolId, id, out.extension) };
}

export async function exportFleetRun(id: string, toolId: string, format: FleetExportFormat, opts: FleetExportOptions = {}): Promise<ExportFile> {
  const results = JSON.parse(await fleetResultsJson(id, toolId, { fullStacks: true })) as FleetToolResults;
  return render(results, id, format, opts);
}

export async function exportFleetReport(reportId: string, toolId: string, format: FleetExportFormat, opts: FleetExportOptions = {}): Promise<ExportFile> {
  const results = JSON.parse(await fleetReportResultsJson(reportId, toolId, { fullStacks: true })) as FleetToolResults;
  return render(results, reportId, format, opts);
}

/** The fleet report made of a fleet run, or null before there is one. */
export async function fleetReportIdOf(fleetRunId: string): Promise<string | null> {
  const r = await db().report.findUnique({ where: { fleetRunId }, select: { id: true } });
  return r?.id ?? null;
}
