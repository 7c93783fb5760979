'use client';
/**
 * A profile result drawn whole: the summary line, partial-result notices (pruning, samples not
 * received, lost events), the flame graph and the top-functions table below it (the graph needs the
 * full width). Picking a function in the table highlights it in the graph.
 */
import { useState } from 'react';
import type { ProfileResult } from '@/lib/tools/types';
import { exactNameRegex } from '@/lib/viz/flame';
import { resultNotices } from '@/lib/viz/notices';
import { FlameGraph } from '@/components/viz/FlameGraph';
import { TopFunctionsTable } from '@/components/viz/TopFunctionsTable';
import { ResultNotices, VizEmpty, VizError, VizSkeleton } from '@/components/viz/VizStates';

export interface FlameGraphViewProps {
  result: ProfileResult | null | undefined;
  label?: string;
  loading?: boolean;
  error?: unknown;
  /** rows of the top-functions table */
  topLimit?: number;
}

export function FlameGraphView({ result, label = 'CPU flame graph', loading, error, topLimit = 30 }: FlameGraphViewProps) {
  const [selected, setSelected] = useState<string | null>(null);
  // undefined until a function is picked, so the graph's own search box is left alone until then
  const [searchTerm, setSearchTerm] = useState<string | undefined>(undefined);
  const select = (name: string | null) => {
    setSelected(name);
    setSearchTerm(name === null ? '' : exactNameRegex(name));
  };
  if (error) return <VizError label={label} error={error} />;
  if (!result) return loading ? <VizSkeleton label={label} heightPx={360} /> : <VizEmpty label={label}>No profile.</VizEmpty>;
  const top = result.processes.slice(0, 3);
  return (
    <div className="space-y-3" data-testid="flamegraph-view">
      <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700">
        <span data-testid="flame-samples">
          {result.samplesInTree.toLocaleString('en-US')} samples at {result.sampleHz} Hz{loading ? ' (so far)' : ''}
        </span>
        {top.length > 0 && (
          <span className="text-slate-600">busiest: {top.map((p) => `${p.comm} (${p.pid}) ${p.samples.toLocaleString('en-US')}`).join(', ')}</span>
        )}
      </div>
      <ResultNotices notices={resultNotices(result)} />
      {result.samplesInTree === 0 ? (
        <VizEmpty label={label}>No samples were taken{loading ? ' yet' : ''}.</VizEmpty>
      ) : (
        <>
          <FlameGraph root={result.root} label={label} searchTerm={searchTerm} />
          <TopFunctionsTable root={result.root} limit={topLimit} selected={selected} onSelect={select} />
        </>
      )}
    </div>
  );
}
