'use client';
/**
 * Download links of one tool's fleet results (lib/fleet/views/exports.ts: every file carries the host):
 * event tables CSV/JSON with a Host column, latency and cachestat CSV one line per host, the merged
 * profile as folded stacks or pprof, with the host as the first frame unless unticked.
 */
import { useState } from 'react';
import type { FleetHostInput } from '@/lib/fleet/views/hosts';
import { fleetFormatsFor, fleetKind } from '@/lib/fleet/views/exports';

const LABELS: Record<string, string> = { csv: 'CSV', json: 'JSON', folded: 'Folded stacks', pprof: 'pprof' };

export function FleetExportLinks({ base, toolId, hosts }: { base: string; toolId: string; hosts: ReadonlyArray<FleetHostInput<unknown>> }) {
  const formats = fleetFormatsFor(fleetKind(hosts));
  const [hostPrefix, setHostPrefix] = useState(true);
  if (formats.length === 0) return null;
  const stacks = formats.includes('folded');
  const href = (format: string) => `${base}?toolId=${encodeURIComponent(toolId)}&format=${format}${stacks && !hostPrefix ? '&hostPrefix=0' : ''}`;
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="fleet-exports">
      <span className="text-slate-600">Download ({stacks ? 'every host’s full stacks merged' : 'with a host column'}):</span>
      {formats.map((f) => (
        <a key={f} href={href(f)} className="text-indigo-700 hover:underline" download>
          {LABELS[f]}
        </a>
      ))}
      {stacks && (
        <label className="flex items-center gap-1 text-xs text-slate-600">
          <input type="checkbox" checked={hostPrefix} onChange={(e) => setHostPrefix(e.target.checked)} /> host as the first frame
        </label>
      )}
    </div>
  );
}
