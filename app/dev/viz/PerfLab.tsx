'use client';
/**
 * Large inputs for performance checks, generated in the browser from real parsed results (so the page
 * itself stays small): a 100k-row event table and a ~100k-sample / 20k-unique-stack profile, pruned as
 * the server prunes. Timings are shown, not asserted: the e2e test prints them.
 */
import { useEffect, useRef, useState } from 'react';
import type { ConnectionsResult, EventTableResult, ProfileResult } from '@/lib/tools/types';
import { synthesizeEventRows, synthesizeGraph, synthesizeProfile } from '@/lib/viz/synthetic';
import { ConnectionGraph } from '@/components/viz/ConnectionGraph';
import { EventTable } from '@/components/viz/EventTable';
import { FlameGraphView } from '@/components/viz/FlameGraphView';
import { VizEmpty } from '@/components/viz/VizStates';

export interface PerfLabProps {
  /** real event rows to replicate, or null when no event capture exists yet */
  events: { toolId: string; source: string; result: Pick<EventTableResult, 'columns' | 'rows' | 'stats'> } | null;
  profile: { source: string; result: ProfileResult } | null;
  /** a real connection graph to grow past the node cap, or null */
  graph: { source: string; graph: ConnectionsResult['graph'] } | null;
}

const ROWS = 100_000;

/** Milliseconds from `start` until `ready()` holds on an animation frame (the browser has painted). */
function whenPainted(start: number, ready: () => boolean, done: (ms: number) => void): () => void {
  let raf = 0;
  const tick = () => {
    if (ready()) done(performance.now() - start);
    else raf = requestAnimationFrame(tick);
  };
  raf = requestAnimationFrame(tick);
  return () => cancelAnimationFrame(raf);
}

export function PerfLab({ events, profile, graph }: PerfLabProps) {
  return (
    <div className="space-y-6">
      <BigTable events={events} />
      <BigFlame profile={profile} />
      <BigGraph graph={graph} />
    </div>
  );
}

const GRAPH_ENDPOINTS = 260;

function BigGraph({ graph }: Pick<PerfLabProps, 'graph'>) {
  const [data, setData] = useState<ConnectionsResult['graph'] | null>(null);
  if (!graph) return <VizEmpty label="Large connection graph">The large graph is grown from a real tcplife capture: none exists yet.</VizEmpty>;
  return (
    <section aria-label="Large connection graph" data-testid="perf-graph" className="space-y-2">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <button
          type="button"
          className="rounded border border-indigo-300 bg-indigo-50 px-3 py-1 text-indigo-900 hover:bg-indigo-100"
          onClick={() => setData(synthesizeGraph(graph.graph, { endpoints: GRAPH_ENDPOINTS }))}
        >
          Generate a {GRAPH_ENDPOINTS}-endpoint graph
        </button>
        <span className="text-slate-600">grown from {graph.source}</span>
      </div>
      {data && <ConnectionGraph graph={data} label={`Synthetic ${GRAPH_ENDPOINTS}-endpoint graph`} />}
    </section>
  );
}

function BigTable({ events }: Pick<PerfLabProps, 'events'>) {
  const [data, setData] = useState<{ result: EventTableResult; genMs: number; t0: number } | null>(null);
  const [paintMs, setPaintMs] = useState<number | null>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!data) return;
    return whenPainted(data.t0, () => !!box.current?.querySelector('[data-testid=event-row]'), setPaintMs);
  }, [data]);
  if (!events) return <VizEmpty label="100k-row event table">The 100k-row table is generated from a real event capture: none exists yet.</VizEmpty>;
  return (
    <section aria-label="100k-row event table" data-testid="perf-table" className="space-y-2">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <button
          type="button"
          className="rounded border border-indigo-300 bg-indigo-50 px-3 py-1 text-indigo-900 hover:bg-indigo-100"
          onClick={() => {
            setPaintMs(null);
            const t0 = performance.now();
            const rows = synthesizeEventRows(events.result, { rows: ROWS });
            const result: EventTableResult = {
              kind: 'events',
              columns: events.result.columns,
              rows,
              eventsSeen: rows.length,
              rowsDropped: 0,
              maxRows: rows.length,
              unparsedEvents: 0,
              stats: { records: rows.length, lostEvents: 0, malformedLines: 0, helperErrors: 0 },
            };
            setData({ result, genMs: performance.now() - t0, t0: performance.now() });
          }}
        >
          Generate {ROWS.toLocaleString('en-US')} rows
        </button>
        <span className="text-slate-600">
          from {events.result.rows.length} real {events.toolId} rows ({events.source})
        </span>
        {data && (
          <span data-testid="perf-table-timing" className="font-mono text-xs text-slate-700">
            generated in {data.genMs.toFixed(0)} ms · first rows painted {paintMs === null ? '…' : `${paintMs.toFixed(0)} ms`} after
          </span>
        )}
      </div>
      <div ref={box}>
        {data && <EventTable result={data.result} label={`Synthetic ${events.toolId} events, 100k rows`} csvName={`${events.toolId}-100k`} />}
      </div>
    </section>
  );
}

/**
 * Two variants: pruned as the server prunes (node cap and min share: what a browser gets), and with
 * the node cap only (20,000 frames: the most the server ever sends), the stress case.
 */
const FLAME_VARIANTS = [
  { id: 'server', button: 'Generate a 100k-sample profile', minShare: undefined },
  { id: 'cap', button: 'Generate it with 20,000 frames (node cap only)', minShare: 0 },
] as const;

function BigFlame({ profile }: Pick<PerfLabProps, 'profile'>) {
  const [data, setData] = useState<{ result: ProfileResult; genMs: number; stacks: number; nodes: number; shown: number; t0: number } | null>(null);
  const [paintMs, setPaintMs] = useState<number | null>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!data) return;
    return whenPainted(data.t0, () => (box.current?.querySelectorAll('[data-testid=flamegraph] svg g').length ?? 0) > 10, setPaintMs);
  }, [data]);
  if (!profile) return <VizEmpty label="Large flame graph">The large profile is generated from a real profile capture: none exists yet.</VizEmpty>;
  return (
    <section aria-label="Large flame graph" data-testid="perf-flame" className="space-y-2">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        {FLAME_VARIANTS.map((v) => (
          <button
            key={v.id}
            type="button"
            className="rounded border border-indigo-300 bg-indigo-50 px-3 py-1 text-indigo-900 hover:bg-indigo-100"
            onClick={() => {
              setPaintMs(null);
              const t0 = performance.now();
              const s = synthesizeProfile(profile.result, { samples: 100_000, uniqueStacks: 20_000, minShare: v.minShare });
              const shown = s.result.pruned ? s.result.pruned.nodesAfter : s.nodes;
              setData({ result: s.result, stacks: s.uniqueStacks, nodes: s.nodes, shown, genMs: performance.now() - t0, t0: performance.now() });
            }}
          >
            {v.button}
          </button>
        ))}
        <span className="text-slate-600">from the real frames of {profile.source}</span>
      </div>
      {data && (
        <div data-testid="perf-flame-timing" className="font-mono text-xs text-slate-700">
          {data.stacks.toLocaleString('en-US')} unique stacks, {data.nodes.toLocaleString('en-US')} frames, {data.shown.toLocaleString('en-US')} after pruning ·
          generated in {data.genMs.toFixed(0)} ms · flame graph drawn {paintMs === null ? '…' : `${paintMs.toFixed(0)} ms`} after
        </div>
      )}
      <div ref={box}>{data && <FlameGraphView result={data.result} label="Synthetic 100k-sample flame graph" />}</div>
    </section>
  );
}
