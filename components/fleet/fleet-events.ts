/**
 * The live state of a fleet run page, from GET /api/fleet-runs/[id]/events (lib/fleet/types
 * FleetSseEvents): the fleet run (every host's runs, replaced as their `run` and `done` events come),
 * each run's latest progress, and whether the stream is connected. Pure reducer + a connector that,
 * like components/runs/run-events.ts, keeps the latest view in the subscription (not a React closure)
 * so it can tell a finished stream from an interrupted one.
 */
import type { FleetSseEvents, PublicFleetRun } from '@/lib/fleet/types';
import type { PublicRun, RunProgress } from '@/lib/runs/types';
import { TERMINAL } from '@/lib/runs/types';

export interface FleetView {
  fleet: PublicFleetRun;
  /** runId -> its latest progress */
  progress: Record<string, RunProgress>;
  connected: boolean;
  /** the stream sent `fleet`: every run ended */
  ended: boolean;
}

export type FleetEvent = { [K in keyof FleetSseEvents]: { name: K; data: FleetSseEvents[K] } }[keyof FleetSseEvents];

function withRun(fleet: PublicFleetRun, run: PublicRun): PublicFleetRun {
  return {
    ...fleet,
    hosts: fleet.hosts.map((h) => (h.hostId === run.hostId ? { ...h, runs: h.runs.map((r) => (r.id === run.id ? run : r)) } : h)),
  };
}

/** Counts by status, recomputed from the runs (the server's `counts` are only as fresh as its last snapshot). */
export function recount(fleet: PublicFleetRun): PublicFleetRun {
  const counts = { queued: 0, connecting: 0, running: 0, completed: 0, failed: 0, cancelled: 0, skipped: 0 };
  for (const h of fleet.hosts) {
    for (const r of h.runs) counts[r.status]++;
    counts.skipped += h.skipped.length;
  }
  return { ...fleet, counts };
}

export function applyFleetEvent(view: FleetView, ev: FleetEvent): FleetView {
  switch (ev.name) {
    case 'snapshot':
      return { ...view, fleet: ev.data };
    case 'run':
      return { ...view, fleet: recount(withRun(view.fleet, ev.data.run)) };
    case 'progress':
      return { ...view, progress: { ...view.progress, [ev.data.runId]: ev.data.progress } };
    case 'partial':
      return view;
    case 'done':
      return { ...view, fleet: recount(withRun(view.fleet, ev.data.run)) };
    case 'fleet':
      return { ...view, fleet: ev.data, ended: true, connected: false };
  }
}

export function isFleetLive(f: PublicFleetRun): boolean {
  return f.hosts.some((h) => h.runs.some((r) => !TERMINAL.has(r.status)));
}

export interface FleetEventSource {
  addEventListener(name: string, listener: (e: Event) => void): void;
  close(): void;
  onopen: ((e: Event) => void) | null;
  onerror: ((e: Event) => void) | null;
}

const NAMES = ['snapshot', 'run', 'progress', 'partial', 'done', 'fleet'] as const;

export function connectFleetEvents(es: FleetEventSource, initial: FleetView, onView: (v: FleetView) => void): () => void {
  let view = initial;
  const set = (next: FleetView) => {
    view = next;
    onView(next);
  };
  es.onopen = () => set({ ...view, connected: true });
  for (const name of NAMES) {
    es.addEventListener(name, (e) => {
      set(applyFleetEvent(view, { name, data: JSON.parse((e as MessageEvent).data) } as FleetEvent));
      if (name === 'fleet') es.close();
    });
  }
  es.onerror = () => {
    set({ ...view, connected: false });
    if (view.ended || !isFleetLive(view.fleet)) es.close();
  };
  return () => es.close();
}
