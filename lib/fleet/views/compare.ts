/**
 * Comparing two fleet runs' profiles: each run's hosts merged into one flame graph (lib/fleet/views/flame.ts),
 * then the two merged graphs diffed as two single-host profiles are (lib/reports/compare.ts: shares, not
 * sample counts, so runs of different lengths or fleets of different sizes compare). Pure.
 */
import { compareProfiles, type ProfileComparison } from '@/lib/reports/compare';
import type { ProfileResult } from '@/lib/tools/types';
import { withResult, type FleetHostInput } from '@/lib/fleet/views/hosts';
import { mergeFlame, type FlameNormalize } from '@/lib/fleet/views/flame';

function asProfile(hosts: ReadonlyArray<FleetHostInput<unknown>>, normalize: FlameNormalize): ProfileResult {
  const m = mergeFlame(hosts, { normalize });
  return {
    kind: 'profile',
    sampleHz: m.sampleHz,
    samplesCounted: null,
    samplesInTree: m.samples,
    root: m.root,
    processes: [],
    pruned: null,
    stats: { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 },
  };
}

export interface FleetProfileComparison extends ProfileComparison {
  hostsA: number;
  hostsB: number;
}

export function compareFleetProfiles(
  a: ReadonlyArray<FleetHostInput<unknown>>,
  b: ReadonlyArray<FleetHostInput<unknown>>,
  opts: { normalize?: FlameNormalize } = {},
): FleetProfileComparison {
  const normalize = opts.normalize ?? 'samples';
  const pa = asProfile(a, normalize);
  const pb = asProfile(b, normalize);
  const c = compareProfiles(pa, pb);
  return { ...c, hostsA: withResult(a, ['profile']).length, hostsB: withResult(b, ['profile']).length };
}
