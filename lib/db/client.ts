/**
 * The Prisma client singleton, for either database (lib/db/url.ts): SQLite through better-sqlite3
 * (the embedded default) or PostgreSQL through pg (the scaled form). Opening it applies pending
 * migrations and checks the schema first, so every entry point (server, CLI, worker, tests) gets a
 * database that matches the code. The rest of bpfdeck sees one client type: the two schemas have the
 * same models and fields (scripts/schema-drift.ts), so the PostgreSQL client is used through the
 * SQLite client's type.
 */
import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@/lib/db/generated/client';
import { PrismaClient as PgPrismaClient } from '@/lib/db/generated-pg/client';
import { config } from '@/lib/env';
import { applyMigrations, applyPgMigrations } from '@/lib/db/migrate';
import { checkPgSchema, checkSchema } from '@/lib/db/check';
import type { DatabaseConfig, DatabaseKind } from '@/lib/db/url';

type Db = InstanceType<typeof PrismaClient>;

// How long a write waits for another process's write transaction on the same SQLite file (the CLI, a
// second server, a limit's lock: lib/db/limits.ts) before failing with SQLITE_BUSY. Explicit, as the
// pool's timeouts are: better-sqlite3's default is 5 s.
const SQLITE_BUSY_TIMEOUT_MS = 10_000;
type PgConfig = Extract<DatabaseConfig, { kind: 'postgres' }>;

// Survives Next.js dev-mode module reloads (one client, one migration pass per process).
const g = globalThis as unknown as { __bpfdeckDb?: Db; __bpfdeckDbReady?: Promise<void> };

export function prepareDatabase(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const raw = new Database(file);
  // Password hashes, sessions and sealed SSH keys live here: owner-only, whatever the umask (SQLite
  // gives new -wal and -shm files the database's mode).
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (fs.existsSync(/*turbopackIgnore: true*/ f)) fs.chmodSync(/*turbopackIgnore: true*/ f, 0o600);
    } catch (e) {
      console.warn(`bpfdeck: cannot make ${f} owner-only: ${(e as Error).message}`);
    }
  }
  try {
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    const res = applyMigrations(raw);
    if (res.applied.length) console.log(`bpfdeck: applied migrations ${res.applied.join(', ')} to ${file}`);
    checkSchema(raw);
  } finally {
    raw.close();
  }
}

/** pg connection settings with every timeout explicit (pg and Prisma 7's adapter default to none). */
export function pgPoolConfig(c: PgConfig): pg.PoolConfig {
  return {
    connectionString: c.url,
    max: c.poolMax,
    // opening a connection, and waiting for a pooled one when all are busy
    connectionTimeoutMillis: c.connectTimeoutMs,
    idleTimeoutMillis: c.idleTimeoutMs,
    statement_timeout: c.statementTimeoutMs,
    // a query the server never answers (network partition) fails a little after the server-side limit
    query_timeout: c.statementTimeoutMs + 5000,
    keepAlive: true,
    application_name: 'bpfdeck',
  };
}

/** Applies prisma/postgres/migrations and checks the tables, on a connection of its own. */
export async function preparePgDatabase(c: PgConfig): Promise<void> {
  const client = new pg.Client({ ...pgPoolConfig(c), statement_timeout: 0, query_timeout: undefined });
  await client.connect();
  try {
    const res = await applyPgMigrations(client);
    if (res.applied.length) console.log(`bpfdeck: applied migrations ${res.applied.join(', ')} to PostgreSQL`);
    await checkPgSchema(client);
  } finally {
    await client.end();
  }
}

function openPg(c: PgConfig): Db {
  const ready = preparePgDatabase(c);
  ready.catch(() => {}); // reported by the first query that waits on it
  g.__bpfdeckDbReady = ready;
  const client = new PgPrismaClient({ adapter: new PrismaPg(pgPoolConfig(c)) });
  // Migrations are asynchronous on PostgreSQL while db() is synchronous: every query waits for them.
  const waiting = client.$extends({
    query: {
      async $allOperations({ args, query }) {
        await ready;
        return query(args);
      },
    },
  });
  return waiting as unknown as Db;
}

export function db(): Db {
  if (!g.__bpfdeckDb) {
    const d = config().database;
    if (d.kind === 'postgres') {
      g.__bpfdeckDb = openPg(d);
    } else {
      prepareDatabase(d.file);
      g.__bpfdeckDb = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${d.file}`, timeout: SQLITE_BUSY_TIMEOUT_MS }) });
      g.__bpfdeckDbReady = Promise.resolve();
    }
  }
  return g.__bpfdeckDb;
}

/** Resolves once the database is migrated and checked (rejects with the reason when it cannot be). */
export async function databaseReady(): Promise<void> {
  db();
  await g.__bpfdeckDbReady;
}

export function databaseKind(): DatabaseKind {
  return config().database.kind;
}

export type { Host, Run, SshIdentity } from '@/lib/db/generated/client';
