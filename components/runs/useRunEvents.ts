'use client';
import { useEffect, useState } from 'react';
import type { PublicRun, RunProgress } from '@/lib/runs/types';
import { TERMINAL } from '@/lib/runs/types';

export interface RunView {
  run: PublicRun;
  progress: RunProgress | null;
  /** partial result while running, final result when done */
  result: unknown | null;
  connected: boolean;
}

/** Subscribes to /api/runs/:id/events; closes the EventSource on unmount and when the run is done. */
export function useRunEvents(initialRun: PublicRun): RunView {
  const [view, setView] = useState<RunView>({ run: initialRun, progress: null, result: null, connected: false });
  useEffect(() => {
    const es = new EventSource(`/api/runs/${initialRun.id}/events`);
    const on = (name: string, fn: (data: never) => void) => es.addEventListener(name, (e) => fn(JSON.parse((e as MessageEvent).data) as never));
    es.onopen = () => setView((v) => ({ ...v, connected: true }));
    on('snapshot', (d: { run: PublicRun; progress: RunProgress | null; partial: unknown }) =>
      setView((v) => ({ ...v, run: d.run, progress: d.progress, result: d.partial ?? v.result })),
    );
    on('run', (run: PublicRun) => setView((v) => ({ ...v, run })));
    on('progress', (progress: RunProgress) => setView((v) => ({ ...v, progress })));
    on('partial', (result: unknown) => setView((v) => ({ ...v, result })));
    on('done', (d: { run: PublicRun; result: unknown }) => {
      setView((v) => ({ ...v, run: d.run, result: d.result ?? v.result, connected: false }));
      es.close();
    });
    es.onerror = () => {
      // The browser reconnects by itself; a finished run closes the stream from our side.
      setView((v) => ({ ...v, connected: false }));
      if (TERMINAL.has(view.run.status)) es.close();
    };
    return () => es.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initialRun.id]);
  return view;
}
