/**
 * The bounded row store shared by the six event tools, and what every event parser gives through it:
 * finish() all kept rows, snapshot() (the live view) only the latest DEFAULT_SNAPSHOT_ROWS, on real
 * captures of bpftrace 0.17.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { getTool } from '@/lib/tools/catalog';
import { createEventRows, DEFAULT_SNAPSHOT_ROWS } from '@/lib/tools/event-rows';
import type { EventTableResult } from '@/lib/tools/types';

describe('createEventRows', () => {
  it('keeps the first maxRows rows and counts the rest', () => {
    const t = createEventRows<{ n: number }>(3);
    expect([1, 2, 3, 4, 5].map((n) => t.add({ n }))).toEqual([0, 1, 2, -1, -1]);
    expect(t.eventsSeen).toBe(5);
    expect(t.view()).toEqual({ rows: [{ n: 1 }, { n: 2 }, { n: 3 }], eventsSeen: 5, rowsDropped: 2, maxRows: 3 });
  });

  it('a view of the latest rows counts the others as dropped and says its own limit', () => {
    const t = createEventRows<{ n: number }>(10);
    for (let n = 1; n <= 6; n++) t.add({ n });
    expect(t.view(2)).toEqual({ rows: [{ n: 5 }, { n: 6 }], eventsSeen: 6, rowsDropped: 4, maxRows: 2 });
    expect(t.view(0).rows).toEqual([]);
    expect(t.view(100).rows).toHaveLength(6);
  });

  it('replace() never changes a view already handed out', () => {
    const t = createEventRows<{ path: string }>(5);
    const i = t.add({ path: '/a' });
    const before = t.view();
    t.replace(i, { ...t.get(i), path: '/a/longer' });
    expect(before.rows[0].path).toBe('/a');
    expect(t.view().rows[0].path).toBe('/a/longer');
  });
});

describe('every event parser, on its real 0.17 capture', () => {
  const FIX = path.resolve(__dirname, '../fixtures');
  it.each(['execsnoop', 'opensnoop', 'ext4slower', 'biosnoop', 'tcplife', 'tcpretrans'])('%s: finish() all rows, snapshot() the latest ones', (id) => {
    const capture = fs.readFileSync(path.join(FIX, id, '0.17.0', `${id}.jsonl`));
    // the capture repeated until it has more events than a snapshot carries
    const records = decodeAll(capture, { version: '0.17.0' });
    const parser = getTool(id)!.createParser();
    let rounds = 0;
    let snap: EventTableResult;
    do {
      for (const r of records) parser.push(r);
      rounds++;
      snap = parser.snapshot() as EventTableResult;
    } while (snap.eventsSeen <= DEFAULT_SNAPSHOT_ROWS && rounds < 500);
    expect(snap.eventsSeen, `${id}: the capture has no events`).toBeGreaterThan(DEFAULT_SNAPSHOT_ROWS);
    const done = parser.finish() as EventTableResult;
    expect(done.rows).toHaveLength(Math.min(done.eventsSeen, done.maxRows));
    expect(done.rowsDropped).toBe(done.eventsSeen - done.rows.length);
    expect(snap.maxRows).toBe(DEFAULT_SNAPSHOT_ROWS);
    expect(snap.rows).toHaveLength(DEFAULT_SNAPSHOT_ROWS);
    expect(snap.rowsDropped).toBe(snap.eventsSeen - DEFAULT_SNAPSHOT_ROWS);
    // the latest rows: the tail of what finish() keeps (nothing came between the two)
    expect(snap.rows).toEqual(done.rows.slice(done.rows.length - DEFAULT_SNAPSHOT_ROWS));
  });
});
