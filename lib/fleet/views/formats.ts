/**
 * Which fleet export formats a tool's results offer (by their kind), for the download links: light on
 * purpose (no encoders), so the browser bundle gets only this. The files: lib/fleet/views/exports.ts.
 */
import type { FleetHostInput } from '@/lib/fleet/views/hosts';

export type FleetFileFormat = 'csv' | 'json' | 'folded' | 'pprof';

/** Which result kind the hosts' results are (the first completed one's), or null. */
export function fleetKind(hosts: ReadonlyArray<FleetHostInput<unknown>>): string | null {
  for (const h of hosts) {
    const k = (h.result as { kind?: unknown } | null)?.kind;
    if (h.status === 'completed' && typeof k === 'string') return k;
  }
  return null;
}

/** profile: folded, pprof, json; every kind with a table (events, latency, cachestat, ...): csv, json. */
export function fleetFormatsFor(kind: string | null): FleetFileFormat[] {
  if (kind === null) return [];
  if (kind === 'profile') return ['folded', 'pprof', 'json'];
  if (kind === 'generic') return ['json'];
  return ['csv', 'json'];
}
