'use client';
/**
 * A profile result drawn whole: the summary line, partial-result notices (pruning, samples not
 * received, lost events), the flame graph and the top-functions table below it (the graph needs the
 * full width). Picking a function in the table highlights it in the graph; its "callers and callees"
 * button (or the same button for the frame zoomed into in the graph) opens the sandwich view. "Hide
 * idle" takes the samples of idle CPUs out of the graph, the table and the sandwich (lib/viz/idle.ts).
 *
 * Pure: the result and the view state come in as props. `state`, when given, is where the view starts
 * (a shared link's search, zoom, sandwich function, hide idle) and `onStateChange` hears every change
 * (the page puts it in the URL: lib/viz/flame-url.client.ts).
 */
import { useMemo, useState } from 'react';
import type { ProfileResult } from '@/lib/tools/types';
import { exactNameRegex } from '@/lib/viz/flame';
import { EMPTY_FLAME_STATE, type FlameViewState } from '@/lib/viz/flame-url';
import { IDLE_FUNCTIONS, IDLE_PREFIXES, withoutIdle } from '@/lib/viz/idle';
import { resultNotices } from '@/lib/viz/notices';
import { FlameGraph } from '@/components/viz/FlameGraph';
import { SandwichView } from '@/components/viz/SandwichView';
import { TopFunctionsTable } from '@/components/viz/TopFunctionsTable';
import { ResultNotices, VizEmpty, VizError, VizSkeleton } from '@/components/viz/VizStates';

export interface FlameGraphViewProps {
  result: ProfileResult | null | undefined;
  label?: string;
  loading?: boolean;
  error?: unknown;
  /** rows of the top-functions table */
  topLimit?: number;
  /** where the view starts (read once, on mount) */
  state?: FlameViewState;
  onStateChange?: (state: FlameViewState) => void;
}

const IDLE_HELP = `Hides the samples taken while a CPU was idle: those whose frame on CPU is one of the kernel's idle functions (${IDLE_FUNCTIONS.join(', ')}, ${IDLE_PREFIXES.map((p) => `${p}*`).join(', ')}) or the idle task swapper/N itself. Interrupts served on top of the idle loop stay: that is real work.`;

export function FlameGraphView({ result, label = 'CPU flame graph', loading, error, topLimit = 30, state, onStateChange }: FlameGraphViewProps) {
  const [view, setView] = useState<FlameViewState>(() => state ?? EMPTY_FLAME_STATE);
  const [selected, setSelected] = useState<string | null>(null);
  // undefined until a function is picked or a link names a search, so the graph's own box is left alone until then
  const [searchTerm, setSearchTerm] = useState<string | undefined>(() => (state?.search ? state.search : undefined));
  // not inside a state updater: the listener writes the URL, which must not happen while rendering
  const change = (patch: Partial<FlameViewState>) => {
    const next = { ...view, ...patch };
    setView(next);
    onStateChange?.(next);
  };
  const select = (name: string | null) => {
    setSelected(name);
    const term = name === null ? '' : exactNameRegex(name);
    setSearchTerm(term);
    change({ search: term });
  };
  const idle = useMemo(() => (result ? withoutIdle(result.root) : null), [result]);
  if (error) return <VizError label={label} error={error} />;
  if (!result || !idle) return loading ? <VizSkeleton label={label} heightPx={360} /> : <VizEmpty label={label}>No profile.</VizEmpty>;
  const top = result.processes.slice(0, 3);
  const root = view.hideIdle ? idle.root : result.root;
  const idleShare = result.root.value > 0 ? ((100 * idle.idleSamples) / result.root.value).toFixed(1) : '0.0';
  return (
    <div className="space-y-3" data-testid="flamegraph-view">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-slate-700">
        <span data-testid="flame-samples">
          {result.samplesInTree.toLocaleString('en-US')} samples at {result.sampleHz} Hz{loading ? ' (so far)' : ''}
        </span>
        {top.length > 0 && (
          <span className="text-slate-600">busiest: {top.map((p) => `${p.comm} (${p.pid}) ${p.samples.toLocaleString('en-US')}`).join(', ')}</span>
        )}
        <label className="flex items-center gap-1" title={IDLE_HELP}>
          <input
            type="checkbox"
            checked={view.hideIdle}
            onChange={(e) => change({ hideIdle: e.target.checked })}
            data-testid="hide-idle"
            aria-describedby="idle-help"
          />
          Hide idle
          <span className="text-slate-600" data-testid="idle-samples">
            ({idle.idleSamples.toLocaleString('en-US')} samples, {idleShare}%)
          </span>
        </label>
        <span id="idle-help" className="sr-only">
          {IDLE_HELP}
        </span>
      </div>
      <ResultNotices notices={resultNotices(result)} />
      {result.samplesInTree === 0 ? (
        <VizEmpty label={label}>No samples were taken{loading ? ' yet' : ''}.</VizEmpty>
      ) : (
        <>
          <FlameGraph
            root={root}
            label={label}
            searchTerm={searchTerm}
            initialZoomPath={view.zoom}
            onZoomChange={(zoom) => change({ zoom })}
            onSearchChange={(search) => change({ search })}
            zoomedActions={(frame) =>
              frame.kind === 'user' || frame.kind === 'kernel' ? (
                <button
                  type="button"
                  onClick={() => change({ fn: frame.name })}
                  className="max-w-xs truncate rounded border border-fuchsia-300 px-2 py-1 text-fuchsia-800 hover:bg-fuchsia-50"
                  data-testid="zoomed-sandwich"
                >
                  Callers and callees of {frame.name}
                </button>
              ) : null
            }
          />
          {view.fn && <SandwichView root={root} name={view.fn} onSelect={(fn) => change({ fn })} onClose={() => change({ fn: null })} />}
          <TopFunctionsTable root={root} limit={topLimit} selected={selected} onSelect={select} onSandwich={(fn) => change({ fn })} />
        </>
      )}
    </div>
  );
}
