'use client';
import { useEffect, useState } from 'react';
import type { PublicRun, RunProgress } from '@/lib/runs/types';

export interface LiveRun {
  progress: RunProgress | null;
  /** partial while running, final when done */
  result: unknown | null;
}

export interface HostLive {
  /** latest run per tool id */
  latest: Record<string, PublicRun>;
  live: Record<string, LiveRun>;
  connected: boolean;
}

/** One EventSource for every run on the host; closed on unmount. */
export function useHostEvents(hostId: string, initialLatest: Record<string, PublicRun>): HostLive & { track: (run: PublicRun) => void } {
  const [state, setState] = useState<HostLive>({ latest: initialLatest, live: {}, connected: false });
  useEffect(() => {
    const es = new EventSource(`/api/hosts/${hostId}/events`);
    const on = <T>(name: string, fn: (d: T) => void) => es.addEventListener(name, (e) => fn(JSON.parse((e as MessageEvent).data) as T));
    const putRun = (s: HostLive, run: PublicRun): HostLive => {
      const cur = s.latest[run.toolId];
      // a newer run of the tool replaces the card's run; updates of the same run always apply
      if (cur && cur.id !== run.id && cur.createdAt > run.createdAt) return s;
      return { ...s, latest: { ...s.latest, [run.toolId]: run } };
    };
    const putLive = (s: HostLive, runId: string, patch: Partial<LiveRun>): HostLive => ({
      ...s,
      live: { ...s.live, [runId]: { ...(s.live[runId] ?? { progress: null, result: null }), ...patch } },
    });
    es.onopen = () => setState((s) => ({ ...s, connected: true }));
    es.onerror = () => setState((s) => ({ ...s, connected: false }));
    on<Array<{ runId: string; run: PublicRun | null; progress: RunProgress | null; partial: unknown }>>('snapshot', (list) =>
      setState((s) => list.reduce((acc, x) => putLive(x.run ? putRun(acc, x.run) : acc, x.runId, { progress: x.progress, result: x.partial }), s)),
    );
    on<{ runId: string; run: PublicRun }>('run', (d) => setState((s) => putRun(s, d.run)));
    on<{ runId: string; progress: RunProgress }>('progress', (d) => setState((s) => putLive(s, d.runId, { progress: d.progress })));
    on<{ runId: string; result: unknown }>('partial', (d) => setState((s) => putLive(s, d.runId, { result: d.result })));
    on<{ runId: string; run: PublicRun; result: unknown }>('done', (d) => setState((s) => putLive(putRun(s, d.run), d.runId, { result: d.result })));
    return () => es.close();
  }, [hostId]);
  const track = (run: PublicRun) => setState((s) => ({ ...s, latest: { ...s.latest, [run.toolId]: run } }));
  return { ...state, track };
}
