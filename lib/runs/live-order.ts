/**
 * Order of live events read back from a RunLive row (lib/runs/pg-bus.ts): pure, so its rules are
 * unit-tested. Each event type has its own column and the sequence number of its last write; a reader
 * emits the columns written since it last looked, oldest first, so order is kept per run, and a burst
 * of writes of one type between two reads comes out as its latest.
 */
import type { LiveEvent, PublicRun } from '@/lib/runs/types';

export type Field = 'run' | 'progress' | 'partial' | 'done';

export interface LiveRow {
  runId: string;
  hostId: string;
  seq: number;
  runJson: string | null;
  runSeq: number;
  progressJson: string | null;
  progressSeq: number;
  partialJson: string | null;
  partialSeq: number;
  doneJson: string | null;
  doneSeq: number;
}

/** The events of a row newer than `seen` (per field), oldest first. */
export function eventsSince(r: LiveRow, seen: Record<Field, number>): Array<{ seq: number; field: Field; ev: LiveEvent }> {
  const out: Array<{ seq: number; field: Field; ev: LiveEvent }> = [];
  if (r.runSeq > seen.run && r.runJson) out.push({ seq: r.runSeq, field: 'run', ev: { type: 'run', run: JSON.parse(r.runJson) } });
  if (r.progressSeq > seen.progress && r.progressJson) {
    out.push({ seq: r.progressSeq, field: 'progress', ev: { type: 'progress', progress: JSON.parse(r.progressJson) } });
  }
  if (r.partialSeq > seen.partial && r.partialJson) {
    out.push({ seq: r.partialSeq, field: 'partial', ev: { type: 'partial', result: JSON.parse(r.partialJson) } });
  }
  if (r.doneSeq > seen.done && r.doneJson) {
    const d = JSON.parse(r.doneJson) as { run: PublicRun; result: unknown };
    out.push({ seq: r.doneSeq, field: 'done', ev: { type: 'done', run: d.run, result: d.result } });
  }
  return out.sort((a, b) => a.seq - b.seq);
}
