/**
 * The live bus across processes (PostgreSQL): a worker's events reach the SSE streams of every web
 * instance. NOTIFY payloads are limited to 8000 bytes and partial results are megabytes, so each
 * event is written into the run's RunLive row (one field per event type, each with the sequence
 * number of its write) and NOTIFY carries only "runId hostId seq". A process with subscribers for
 * that run or host reads the row and emits the fields newer than what it emitted, in sequence order:
 * order is kept per run, a burst of progress events may arrive as its latest one, and a subscriber
 * that arrives late starts from the row, the current state.
 */
import 'server-only';
import { EventEmitter } from 'node:events';
import type { LiveBus } from '@/lib/runs/interfaces';
import type { LiveState } from '@/lib/runs/bus';
import type { LiveEvent, PublicRun, RunProgress } from '@/lib/runs/types';
import { CHANNEL_LIVE, listener, sql } from '@/lib/runs/pg-shared';
import { eventsSince, type Field, type LiveRow } from '@/lib/runs/live-order';

/** how long the state of an ended run stays readable (a page opened just after the end gets it) */
const DONE_KEEP_SEC = 60;

const FIELD = { run: 'run', progress: 'progress', partial: 'partial', done: 'done' } as const;

interface Tracker {
  hostId: string;
  /** highest seq of each field already emitted here */
  seen: Record<Field, number>;
  /** highest seq announced by NOTIFY */
  announced: number;
  fetching: boolean;
  again: boolean;
}

function toState(r: LiveRow): LiveState {
  const done = r.doneJson ? (JSON.parse(r.doneJson) as { run: PublicRun; result: unknown }) : null;
  return {
    hostId: r.hostId,
    run: done?.run ?? (r.runJson ? (JSON.parse(r.runJson) as PublicRun) : undefined),
    progress: r.progressJson ? (JSON.parse(r.progressJson) as RunProgress) : undefined,
    partial: (done?.result ?? undefined) || (r.partialJson ? JSON.parse(r.partialJson) : undefined),
  };
}

export class PgLiveBus implements LiveBus {
  private emitter = new EventEmitter();
  private trackers = new Map<string, Tracker>();
  /** per run: the write in flight, so this process's writes land in publish order */
  private chains = new Map<string, Promise<void>>();
  private listening: Promise<unknown> | null = null;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(ref: { id: string; hostId: string }, ev: LiveEvent): Promise<void> {
    const field: Field = ev.type;
    const json = ev.type === 'run' ? ev.run : ev.type === 'progress' ? ev.progress : ev.type === 'partial' ? ev.result : { run: ev.run, result: ev.result };
    const prev = this.chains.get(ref.id) ?? Promise.resolve();
    const next = prev
      .then(() => this.write(ref, field, JSON.stringify(json)))
      .catch((e) => console.warn(`bpfdeck: live event of run ${ref.id} not published: ${(e as Error).message}`));
    this.chains.set(ref.id, next);
    void next.then(() => {
      if (this.chains.get(ref.id) === next) this.chains.delete(ref.id);
    });
    return next;
  }

  private async write(ref: { id: string; hostId: string }, field: Field, json: string): Promise<void> {
    const col = `"${FIELD[field]}Json"`;
    const seqCol = `"${FIELD[field]}Seq"`;
    // one statement: the row's new seq, the field, and the NOTIFY (sent at commit, after the row is visible)
    await sql(
      `WITH u AS (
         INSERT INTO "RunLive" ("runId", "hostId", "seq", ${col}, ${seqCol}, "updatedAt") VALUES ($1, $2, 1, $3, 1, now())
         ON CONFLICT ("runId") DO UPDATE SET "seq" = "RunLive"."seq" + 1, ${col} = EXCLUDED.${col}, ${seqCol} = "RunLive"."seq" + 1, "updatedAt" = now()
         RETURNING "seq")
       SELECT pg_notify($4, $1 || ' ' || $2 || ' ' || (SELECT "seq" FROM u))`,
      [ref.id, ref.hostId, json, CHANNEL_LIVE],
    );
  }

  async state(runId: string): Promise<LiveState | undefined> {
    const { rows } = await sql<LiveRow>('SELECT * FROM "RunLive" WHERE "runId" = $1', [runId]);
    return rows[0] ? toState(rows[0]) : undefined;
  }

  async hostStates(hostId: string): Promise<Array<[runId: string, state: LiveState]>> {
    const { rows } = await sql<LiveRow>(
      `SELECT * FROM "RunLive" WHERE "hostId" = $1 AND ("doneSeq" = 0 OR "updatedAt" > now() - interval '5 seconds') ORDER BY "updatedAt"`,
      [hostId],
    );
    return rows.map((r) => [r.runId, toState(r)]);
  }

  subscribe(runId: string, fn: (ev: LiveEvent) => void): () => void {
    this.emitter.on(runId, fn);
    void this.startListening().then(() => this.fetch(runId, null));
    return () => this.emitter.off(runId, fn);
  }

  subscribeHost(hostId: string, fn: (runId: string, ev: LiveEvent) => void): () => void {
    const ch = `host:${hostId}`;
    this.emitter.on(ch, fn);
    void this.startListening();
    return () => this.emitter.off(ch, fn);
  }

  private startListening(): Promise<unknown> {
    this.listening ??= listener()
      .listen(
        CHANNEL_LIVE,
        (payload) => this.onNotify(payload),
        // notifications sent while the connection was down are lost: re-read every run watched here
        () => [...this.trackers.keys()].forEach((id) => void this.fetch(id, null)),
      )
      .catch((e) => {
        this.listening = null;
        console.warn(`bpfdeck: live bus cannot LISTEN: ${(e as Error).message}`);
      });
    return this.listening;
  }

  private wanted(runId: string, hostId: string | null): boolean {
    return this.emitter.listenerCount(runId) > 0 || (hostId !== null && this.emitter.listenerCount(`host:${hostId}`) > 0);
  }

  private onNotify(payload: string): void {
    const [runId, hostId, seqText] = payload.split(' ');
    if (!runId || !hostId || !this.wanted(runId, hostId)) return;
    const t = this.tracker(runId, hostId);
    const seq = Number(seqText);
    if (seq > t.announced) t.announced = seq;
    void this.fetch(runId, hostId);
  }

  private tracker(runId: string, hostId: string): Tracker {
    let t = this.trackers.get(runId);
    if (!t) this.trackers.set(runId, (t = { hostId, seen: { run: 0, progress: 0, partial: 0, done: 0 }, announced: 0, fetching: false, again: false }));
    return t;
  }

  /** Reads the run's row and emits what is new; one read at a time per run (a NOTIFY during it reads again). */
  private async fetch(runId: string, hostId: string | null): Promise<void> {
    const known = this.trackers.get(runId);
    if (known?.fetching) {
      known.again = true;
      return;
    }
    const { rows } = await sql<LiveRow>('SELECT * FROM "RunLive" WHERE "runId" = $1', [runId]).catch(() => ({ rows: [] as LiveRow[] }));
    const row = rows[0];
    if (!row) return;
    const t = this.tracker(runId, hostId ?? row.hostId);
    if (t.fetching) {
      t.again = true;
      return;
    }
    t.fetching = true;
    try {
      let r: LiveRow | undefined = row;
      while (r) {
        t.again = false;
        for (const { field, seq, ev } of eventsSince(r, t.seen)) {
          t.seen[field] = seq;
          this.emitter.emit(runId, ev);
          this.emitter.emit(`host:${r.hostId}`, runId, ev);
        }
        if (t.seen.done > 0) {
          // the run ended: forget it here a little later (late duplicates of its NOTIFYs read nothing new)
          setTimeout(() => this.trackers.delete(runId), DONE_KEEP_SEC * 1000).unref();
          break;
        }
        if (!t.again) break;
        r = (await sql<LiveRow>('SELECT * FROM "RunLive" WHERE "runId" = $1', [runId])).rows[0];
      }
    } finally {
      t.fetching = false;
    }
  }
}

/** Deletes the live rows of runs that ended a while ago (the database has their final state). */
export async function pruneLiveRows(): Promise<number> {
  const r = await sql(
    `DELETE FROM "RunLive" WHERE ("doneSeq" > 0 AND "updatedAt" < now() - make_interval(secs => $1))
        OR "runId" IN (SELECT l."runId" FROM "RunLive" l JOIN "Run" r ON r."id" = l."runId"
                       WHERE r."status" IN ('completed', 'failed', 'cancelled') AND l."updatedAt" < now() - interval '10 minutes')`,
    [DONE_KEEP_SEC],
  );
  return r.rowCount ?? 0;
}
