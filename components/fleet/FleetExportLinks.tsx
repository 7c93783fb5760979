'use client';
/**
 * Download links of one tool's fleet results (lib/fleet/views/exports.ts: every file carries the host):
 * CSV with a host column (event rows, histogram buckets, cachestat points), JSON per host, the merged
 * profile as folded stacks or pprof with the host as the root frame.
 */
import type { FleetHostInput } from '@/lib/fleet/views/hosts';
import { fleetFormatsFor, fleetKind } from '@/lib/fleet/views/formats';

const LABELS: Record<string, string> = { csv: 'CSV', json: 'JSON', folded: 'Folded stacks', pprof: 'pprof' };

export function FleetExportLinks({ base, toolId, hosts }: { base: string; toolId: string; hosts: ReadonlyArray<FleetHostInput<unknown>> }) {
  const formats = fleetFormatsFor(fleetKind(hosts));
  if (formats.length === 0) return null;
  const stacks = formats.includes('folded');
  const href = (format: string) => `${base}?toolId=${encodeURIComponent(toolId)}&format=${format}`;
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="fleet-exports">
      <span className="text-slate-600">Download ({stacks ? 'every host’s full stacks, the host as root frame' : 'with a host column'}):</span>
      {formats.map((f) => (
        <a key={f} href={href(f)} className="text-indigo-700 hover:underline" download>
          {LABELS[f]}
        </a>
      ))}
    </div>
  );
}
