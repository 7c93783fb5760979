import { describe, expect, it } from 'vitest';
import { eventsSince, type LiveRow } from '@/lib/runs/live-order';
import { loadConfig as load } from '@/lib/env';

const row = (over: Partial<LiveRow>): LiveRow => ({
  runId: 'r1',
  hostId: 'h1',
  seq: 0,
  runJson: null,
  runSeq: 0,
  progressJson: null,
  progressSeq: 0,
  partialJson: null,
  partialSeq: 0,
  doneJson: null,
  doneSeq: 0,
  ...over,
});
const none = { run: 0, progress: 0, partial: 0, done: 0 };

describe('live events read back from a RunLive row (lib/runs/live-order)', () => {
  it('emits the fields written since the last read, in the order they were written', () => {
    const r = row({
      seq: 5,
      runJson: JSON.stringify({ status: 'running' }),
      runSeq: 3,
      progressJson: JSON.stringify({ records: 7 }),
      progressSeq: 5,
      partialJson: JSON.stringify({ n: 1 }),
      partialSeq: 4,
    });
    expect(eventsSince(r, none).map((e) => [e.seq, e.ev.type])).toEqual([
      [3, 'run'],
      [4, 'partial'],
      [5, 'progress'],
    ]);
    // only what is newer than what this reader emitted
    expect(eventsSince(r, { run: 3, progress: 2, partial: 4, done: 0 }).map((e) => e.ev.type)).toEqual(['progress']);
    expect(eventsSince(r, { run: 3, progress: 5, partial: 4, done: 0 })).toEqual([]);
  });

  it('"done" carries the final run and result, and comes last when it is the last write', () => {
    const r = row({
      seq: 9,
      progressJson: JSON.stringify({ records: 7 }),
      progressSeq: 8,
      doneJson: JSON.stringify({ run: { status: 'completed' }, result: { samples: 3 } }),
      doneSeq: 9,
    });
    const evs = eventsSince(r, none).map((e) => e.ev);
    expect(evs.at(-1)).toEqual({ type: 'done', run: { status: 'completed' }, result: { samples: 3 } });
    expect(evs).toHaveLength(2);
  });
});

describe('BPFDECK_RUN_EXECUTION', () => {
  const pg = 'postgresql://u:p@127.0.0.1:5432/db';
  const loadConfig = (env: Record<string, string>) => load(env as NodeJS.ProcessEnv);
  it('workers by default on PostgreSQL, in-process on request; SQLite always in-process', () => {
    expect(loadConfig({ DATABASE_URL: pg }).runExecution).toBe('worker');
    expect(loadConfig({ DATABASE_URL: pg, BPFDECK_RUN_EXECUTION: 'inprocess' }).runExecution).toBe('inprocess');
    expect(loadConfig({}).runExecution).toBe('inprocess');
    expect(() => loadConfig({ BPFDECK_RUN_EXECUTION: 'worker' })).toThrow(/needs a PostgreSQL DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: pg, BPFDECK_RUN_EXECUTION: 'threads' })).toThrow(/BPFDECK_RUN_EXECUTION/);
    expect(loadConfig({ DATABASE_URL: pg, BPFDECK_RUN_LEASE_SEC: '30' }).runLeaseSec).toBe(30);
    expect(() => loadConfig({ DATABASE_URL: pg, BPFDECK_RUN_LEASE_SEC: '1' })).toThrow(/BPFDECK_RUN_LEASE_SEC/);
  });
});
