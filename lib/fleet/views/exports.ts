/**
 * The files of a fleet run's (or fleet report's) results of one tool, each carrying the host. Pure:
 * from the hosts' stored results (a profile's full stacks included, so made on the server).
 *   csv     each host's own CSV (lib/export/csv: event rows, histogram buckets per second, cachestat
 *           points; a capped table's note kept) merged with a leading host column (lib/fleet/export-merge)
 *   folded  each host's own folded stacks (its full stacks) with the host as the root frame
 *   json    { toolId, hosts: [{ host, runId, result }] } (results as the browser gets them)
 *   pprof   every host's full stacks as one profile.proto, the host as the root frame
 * csv, folded and json are the same bytes as the fleet run's export of the CLI and the API
 * (lib/fleet/export.ts fleetExportText merges each run's own export the same way).
 */
import { resultToCsv } from '@/lib/export/csv';
import { cappedCsvNote } from '@/lib/export/formats';
import { foldedText } from '@/lib/export/folded';
import { pprofBytes } from '@/lib/export/pprof';
import { resultForView } from '@/lib/tools/profile/full-stacks';
import type { ProfileResult, ToolResult } from '@/lib/tools/types';
import { mergeHostCsv, mergeHostFolded } from '@/lib/fleet/export-merge';
import { withResult, type FleetHostInput } from '@/lib/fleet/views/hosts';
import { mergedProfile } from '@/lib/fleet/views/flame';
import { fleetFormatsFor, fleetKind, type FleetFileFormat } from '@/lib/fleet/views/formats';

export type { FleetFileFormat } from '@/lib/fleet/views/formats';

export interface FleetExportFile {
  body: string | Uint8Array<ArrayBuffer>;
  contentType: string;
  /** file name ending: "csv", "folded.txt", ... */
  extension: string;
}

/** The file of `format` for these hosts' results, or null when the format does not apply to their kind. */
export function fleetExport(
  input: ReadonlyArray<FleetHostInput<unknown>>,
  format: FleetFileFormat,
  meta: { toolId: string },
  opts: { kernelSuffix?: boolean } = {},
): FleetExportFile | null {
  const kind = fleetKind(input);
  if (!fleetFormatsFor(kind).includes(format)) return null;
  const hosts = withResult<ToolResult & { kind: string }>(input, [kind!]);
  const kernelSuffix = opts.kernelSuffix === false ? '' : undefined;
  if (format === 'json') {
    const body = JSON.stringify({ toolId: meta.toolId, hosts: hosts.map((h) => ({ host: h.hostName, runId: h.runId, result: resultForView(h.result) })) });
    return { body: `${body}\n`, contentType: 'application/json; charset=utf-8', extension: 'json' };
  }
  if (format === 'csv') {
    const parts = hosts.map((h) => {
      const csv = resultToCsv(h.result) ?? '';
      const note = cappedCsvNote(h.result);
      return { host: h.hostName, csv: note ? `${note}\r\n${csv}` : csv };
    });
    return { body: mergeHostCsv(parts), contentType: 'text/csv; charset=utf-8', extension: 'csv' };
  }
  const profiles = hosts as unknown as Array<FleetHostInput<ProfileResult> & { result: ProfileResult }>;
  if (format === 'folded') {
    return {
      body: mergeHostFolded(profiles.map((h) => ({ host: h.hostName, folded: foldedText(h.result, { kernelSuffix }) }))),
      contentType: 'text/plain; charset=utf-8',
      extension: 'folded.txt',
    };
  }
  return {
    body: pprofBytes(mergedProfile(profiles, { hostPrefix: true }), { kernelSuffix }),
    contentType: 'application/vnd.google.protobuf+gzip',
    extension: 'pb.gz',
  };
}
