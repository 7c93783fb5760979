import type { PublicRun, RunProgress } from '@/lib/runs/types';
import { TERMINAL } from '@/lib/runs/types';

export interface RunView {
  run: PublicRun;
  progress: RunProgress | null;
  /** partial result while running, final result when done */
  result: unknown | null;
  connected: boolean;
}

/** What connectRunEvents needs of the browser's EventSource (a stand-in in unit tests: Node 20 has none). */
export interface RunEventSource {
  addEventListener(name: string, listener: (e: Event) => void): void;
  close(): void;
  onopen: ((e: Event) => void) | null;
  onerror: ((e: Event) => void) | null;
}

/**
 * Applies the events of /api/runs/:id/events to a RunView and hands each new view to `onView`. The latest
 * view lives here, in the subscription, not in a React closure: the error handler decides from the run's
 * current status whether the stream is over (a finished run: close) or only interrupted (the browser
 * reconnects by itself). Returns the function that closes the stream.
 */
export function connectRunEvents(es: RunEventSource, initial: RunView, onView: (view: RunView) => void): () => void {
  let view = initial;
  const set = (next: RunView) => {
    view = next;
    onView(next);
  };
  const on = (name: string, fn: (data: never) => void) => es.addEventListener(name, (e) => fn(JSON.parse((e as MessageEvent).data) as never));
  es.onopen = () => set({ ...view, connected: true });
  on('snapshot', (d: { run: PublicRun; progress: RunProgress | null; partial: unknown }) =>
    set({ ...view, run: d.run, progress: d.progress, result: d.partial ?? view.result }),
  );
  on('run', (run: PublicRun) => set({ ...view, run }));
  on('progress', (progress: RunProgress) => set({ ...view, progress }));
  on('partial', (result: unknown) => set({ ...view, result }));
  on('done', (d: { run: PublicRun; result: unknown }) => {
    set({ ...view, run: d.run, result: d.result ?? view.result, connected: false });
    es.close();
  });
  es.onerror = () => {
    set({ ...view, connected: false });
    if (TERMINAL.has(view.run.status)) es.close();
  };
  return () => es.close();
}
