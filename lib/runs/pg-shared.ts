/**
 * What the PostgreSQL run machinery (queue, worker, live bus) shares in one process: a small pg pool
 * for its own statements (claims, leases, live state: plain SQL, one round trip each) and one LISTEN
 * connection that comes back after a dropped connection. Prisma's pool stays for the models.
 */
import 'server-only';
import pg from 'pg';
import { pgPoolConfig } from '@/lib/db/client';
import { databaseReady } from '@/lib/db/client';
import { config } from '@/lib/env';

/** NOTIFY channels; payloads are keys only (PostgreSQL refuses payloads over 8000 bytes) */
export const CHANNEL_LIVE = 'bpfdeck_live';
export const CHANNEL_CANCEL = 'bpfdeck_cancel';
export const CHANNEL_QUEUE = 'bpfdeck_queue';

const g = globalThis as unknown as { __bpfdeckRunsPool?: pg.Pool; __bpfdeckListener?: Listener };

function pgConfig() {
  const d = config().database;
  if (d.kind !== 'postgres') throw new Error('the PostgreSQL run machinery needs a PostgreSQL DATABASE_URL');
  return d;
}

export function runsPool(): pg.Pool {
  if (!g.__bpfdeckRunsPool) {
    g.__bpfdeckRunsPool = new pg.Pool({ ...pgPoolConfig(pgConfig()), max: 4, application_name: 'bpfdeck-runs' });
    // an idle client's error (server restart) must not crash the process; the next query reconnects
    g.__bpfdeckRunsPool.on('error', (e) => console.warn(`bpfdeck: runs pool: ${e.message}`));
  }
  return g.__bpfdeckRunsPool;
}

/** Runs fn in a transaction on one pooled connection (after migrations: the tables must exist). */
export async function inTransaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  await databaseReady();
  const c = await runsPool().connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
  await databaseReady();
  return runsPool().query<R>(text, values);
}

type Handler = (payload: string) => void;

/**
 * One LISTEN connection per process for every channel. When it drops (server restart, network), it
 * reconnects after a second and calls each channel's onReconnect: notifications sent meanwhile are
 * lost, so listeners re-read what they watch.
 */
class Listener {
  private client: pg.Client | null = null;
  private handlers = new Map<string, Set<Handler>>();
  private reconnects = new Set<() => void>();
  private connecting: Promise<void> | null = null;
  private closed = false;

  async listen(channel: string, fn: Handler, onReconnect?: () => void): Promise<() => void> {
    let set = this.handlers.get(channel);
    const fresh = !set;
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(fn);
    if (onReconnect) this.reconnects.add(onReconnect);
    await this.ensure();
    if (fresh && this.client) await this.client.query(`LISTEN ${channel}`);
    return () => {
      set.delete(fn);
      if (onReconnect) this.reconnects.delete(onReconnect);
    };
  }

  private ensure(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const c = new pg.Client({ ...pgPoolConfig(pgConfig()), statement_timeout: 0, query_timeout: undefined, application_name: 'bpfdeck-listen' });
    c.on('notification', (n) => {
      for (const fn of this.handlers.get(n.channel) ?? []) fn(n.payload ?? '');
    });
    const lost = (why: string) => {
      if (this.client !== c) return;
      this.client = null;
      c.end().catch(() => {});
      if (this.closed) return;
      console.warn(`bpfdeck: LISTEN connection lost (${why}); reconnecting`);
      setTimeout(() => {
        void this.ensure()
          .then(() => this.reconnects.forEach((f) => f()))
          .catch((e) => lost(e.message));
      }, 1000).unref();
    };
    c.on('error', (e) => lost(e.message));
    c.on('end', () => lost('closed'));
    await c.connect();
    for (const ch of this.handlers.keys()) await c.query(`LISTEN ${ch}`);
    this.client = c;
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }
}

export function listener(): Listener {
  g.__bpfdeckListener ??= new Listener();
  return g.__bpfdeckListener;
}

export async function notify(channel: string, payload: string): Promise<void> {
  await sql('SELECT pg_notify($1, $2)', [channel, payload]);
}

/** Closes this process's PostgreSQL run connections (worker and web shutdown). */
export async function closeRunsPg(): Promise<void> {
  await g.__bpfdeckListener?.close();
  g.__bpfdeckListener = undefined;
  await g.__bpfdeckRunsPool?.end().catch(() => {});
  g.__bpfdeckRunsPool = undefined;
}
