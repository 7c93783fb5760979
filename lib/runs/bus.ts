/**
 * In-process live event bus for runs. Keeps the latest run/progress/partial per active run so a late
 * subscriber (a page opened mid-run) starts from the current state. One instance per process
 * (globalThis survives Next.js dev reloads). Moving the runner out of process = replacing this module
 * with a pub/sub of the same shape.
 */
import { EventEmitter } from 'node:events';
import type { LiveEvent, PublicRun, RunProgress } from '@/lib/runs/types';

export interface LiveState {
  run?: PublicRun;
  progress?: RunProgress;
  partial?: unknown;
}

class RunBus {
  private emitter = new EventEmitter();
  private states = new Map<string, LiveState>();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(runId: string, ev: LiveEvent): void {
    const st = this.states.get(runId) ?? {};
    if (ev.type === 'run') st.run = ev.run;
    else if (ev.type === 'progress') st.progress = ev.progress;
    else if (ev.type === 'partial') st.partial = ev.result;
    this.states.set(runId, st);
    this.emitter.emit(runId, ev);
    if (ev.type === 'done') {
      // Subscribers got 'done'; from now on the database is the source of truth.
      setTimeout(() => this.states.delete(runId), 5_000).unref();
    }
  }

  state(runId: string): LiveState | undefined {
    return this.states.get(runId);
  }

  subscribe(runId: string, fn: (ev: LiveEvent) => void): () => void {
    this.emitter.on(runId, fn);
    return () => this.emitter.off(runId, fn);
  }
}

const g = globalThis as unknown as { __bpfdeckRunBus?: RunBus };
export const runBus: RunBus = (g.__bpfdeckRunBus ??= new RunBus());
