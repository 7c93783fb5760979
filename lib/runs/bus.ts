/**
 * In-process live event bus for runs. Keeps the latest run/progress/partial per active run so a late
 * subscriber (a page opened mid-run) starts from the current state. One instance per process
 * (globalThis survives Next.js dev reloads). Moving the runner out of process = replacing this module
 * with a pub/sub of the same shape.
 */
import 'server-only';
import { EventEmitter } from 'node:events';
import type { LiveEvent, PublicRun, RunProgress } from '@/lib/runs/types';
import type { LiveBus } from '@/lib/runs/interfaces';

export interface LiveState {
  hostId: string;
  run?: PublicRun;
  progress?: RunProgress;
  partial?: unknown;
}

export class RunBus implements LiveBus {
  private emitter = new EventEmitter();
  private states = new Map<string, LiveState>();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Publish on the run's channel and on its host's channel (one stream feeds a whole dashboard). */
  publish(ref: { id: string; hostId: string }, ev: LiveEvent): void {
    const runId = ref.id;
    const st = this.states.get(runId) ?? { hostId: ref.hostId };
    if (ev.type === 'run') st.run = ev.run;
    else if (ev.type === 'progress') st.progress = ev.progress;
    else if (ev.type === 'partial') st.partial = ev.result;
    else if (ev.type === 'done') {
      // a page that subscribes in the next seconds gets the final run from the snapshot, not a stale
      // "running"; the final result it reads from the API (subscribers now get it with this event).
      // Not kept here: a fleet run ends dozens of runs at once, each result megabytes of objects.
      st.run = ev.run;
      st.partial = undefined;
    }
    this.states.set(runId, st);
    this.emitter.emit(runId, ev);
    this.emitter.emit(`host:${ref.hostId}`, runId, ev);
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

  /** Live states of the runs of one host that are still in memory (active or just finished). */
  hostStates(hostId: string): Array<[runId: string, state: LiveState]> {
    return [...this.states.entries()].filter(([, st]) => st.hostId === hostId);
  }

  subscribeHost(hostId: string, fn: (runId: string, ev: LiveEvent) => void): () => void {
    const ch = `host:${hostId}`;
    this.emitter.on(ch, fn);
    return () => this.emitter.off(ch, fn);
  }
}

const g = globalThis as unknown as { __bpfdeckRunBus?: RunBus };
/** the in-process bus (its state() answers at once); the rest of bpfdeck picks its bus in lib/runs/backend.ts */
export const runBus: RunBus = (g.__bpfdeckRunBus ??= new RunBus());
