'use client';
/**
 * Comparing two fleet runs' profiles: each run's hosts merged, the two merged graphs diffed
 * (lib/fleet/views/compare.ts) and drawn by components/reports/DiffFlameGraph, with the top grown and
 * shrunk functions. Optionally normalised per CPU before merging. Pure: takes both runs' host results.
 */
import { useMemo, useState } from 'react';
import type { FleetHostInput } from '@/lib/fleet/views/hosts';
import { compareFleetProfiles } from '@/lib/fleet/views/compare';
import type { FlameNormalize } from '@/lib/fleet/views/flame';
import { DiffFlameGraph } from '@/components/reports/DiffFlameGraph';
import { FunctionChangesTable } from '@/components/reports/FunctionChangesTable';
import { VizEmpty } from '@/components/viz/VizStates';

export interface FleetDiffFlameGraphProps {
  a: ReadonlyArray<FleetHostInput<unknown>>;
  b: ReadonlyArray<FleetHostInput<unknown>>;
  labelA: string;
  labelB: string;
}

export function FleetDiffFlameGraph({ a, b, labelA, labelB }: FleetDiffFlameGraphProps) {
  const [normalize, setNormalize] = useState<FlameNormalize>('samples');
  const c = useMemo(() => compareFleetProfiles(a, b, { normalize }), [a, b, normalize]);
  if (c.hostsA === 0 || c.hostsB === 0) return <VizEmpty label="Differential flame graph">Both fleet runs need a profile on at least one host.</VizEmpty>;
  return (
    <div className="space-y-3" data-testid="fleet-diff">
      <div className="flex flex-wrap items-center gap-4 text-sm text-slate-700">
        <span>
          A: {c.samplesA.toLocaleString('en-US')} samples from {c.hostsA} hosts · B: {c.samplesB.toLocaleString('en-US')} samples from {c.hostsB} hosts
        </span>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={normalize === 'per-cpu'} onChange={(e) => setNormalize(e.target.checked ? 'per-cpu' : 'samples')} /> Normalise by CPU
          count
        </label>
      </div>
      <DiffFlameGraph root={c.tree} maxAbsDelta={c.maxAbsDelta} labelA={labelA} labelB={labelB} />
      <div className="grid gap-4 lg:grid-cols-2">
        <FunctionChangesTable title="Grew most (B vs A)" rows={c.grown} change="grown" />
        <FunctionChangesTable title="Shrank most" rows={c.shrunk} change="shrunk" />
      </div>
    </div>
  );
}
