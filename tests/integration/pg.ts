/**
 * PostgreSQL for the tests: BPFDECK_TEST_DATABASE=postgres runs the integration suite on a private
 * PostgreSQL server (scripts/pg-test-up.sh: Debian's postgresql 15, its own port and data dir, run as
 * the user postgres) instead of SQLite. Every test file gets a database of its own, as it gets a data
 * directory of its own on SQLite.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const testDatabaseKind = (): 'sqlite' | 'postgres' => (process.env.BPFDECK_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite');

let serverUrl: string | undefined;

/** The test server's URL (the database of pg-test-up.sh), starting the server when it is not up. */
export function pgTestServerUrl(): string {
  serverUrl ??= execFileSync(path.join(process.cwd(), 'scripts/pg-test-up.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return serverUrl;
}

/** Runs SQL on the test server as its superuser (through psql: no quoting of values, names are ours). */
export function pgAdminSql(sql: string): string {
  const u = new URL(pgTestServerUrl());
  const psql = execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin/psql | sort -V | tail -1'], { encoding: 'utf8' }).trim();
  return execFileSync(psql, ['-h', u.hostname, '-p', u.port, '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qtA', '-c', sql], {
    encoding: 'utf8',
  });
}

/** A new, empty database on the test server; returns its URL. */
export function freshPgDatabase(label: string): string {
  const name = `bpfdeck_it_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  pgAdminSql(`CREATE DATABASE "${name}" OWNER bpfdeck`);
  const u = new URL(pgTestServerUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

/** The DATABASE_URL a process under test should get: a fresh PostgreSQL database, or none (SQLite in its data dir). */
export function testDatabaseEnv(label: string): { DATABASE_URL?: string; BPFDECK_RUN_EXECUTION?: string } {
  // the web instance executes its runs itself, as on SQLite (the scaled form with workers: scaled-*.test.ts)
  return testDatabaseKind() === 'postgres' ? { DATABASE_URL: freshPgDatabase(label), BPFDECK_RUN_EXECUTION: 'inprocess' } : {};
}

/** How bpfdeck names the database it uses (lib/db/url describeDatabase): what `bpfdeck tools --json` reports. */
export async function describeTestDatabase(dataDir: string, databaseUrl = process.env.DATABASE_URL): Promise<string> {
  const { databaseConfig, describeDatabase } = await import('@/lib/db/url');
  return describeDatabase(databaseConfig(databaseUrl, dataDir, { poolMax: 1, connectTimeoutMs: 1000, idleTimeoutMs: 1000, statementTimeoutMs: 1000 }));
}

/** Plain SQL on the database a server under test uses, whichever it is (`?` placeholders; quote identifiers). */
export interface TestSql {
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** a statement that changes rows; resolves to how many */
  run(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export async function openTestSql(dataDir: string, databaseUrl?: string): Promise<TestSql> {
  const { sqliteRunner, pgRunner } = await import('@/lib/db/sql');
  let runner;
  if (databaseUrl) {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    runner = pgRunner(client);
  } else {
    const Database = (await import('better-sqlite3')).default;
    runner = sqliteRunner(new Database(path.join(dataDir, 'bpfdeck.db')));
  }
  const r = runner;
  return {
    all: (sql, params) => r.all(sql, params),
    async run(sql, params) {
      let n = 0;
      await r.transaction(async (tx) => {
        n = await tx.run(sql, params);
      });
      return n;
    },
    close: () => r.close(),
  };
}

/** Everything a database stores, as text to search (SQLite: its files' bytes; PostgreSQL: pg_dump of it). */
export function databaseContents(dataDir: string, databaseUrl?: string): Array<{ name: string; text: string }> {
  if (!databaseUrl) {
    return fs
      .readdirSync(dataDir)
      .filter((f) => f.startsWith('bpfdeck.db'))
      .map((f) => ({ name: f, text: fs.readFileSync(path.join(dataDir, f)).toString('latin1') }));
  }
  const pgDump = execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin/pg_dump | sort -V | tail -1'], { encoding: 'utf8' }).trim();
  return [{ name: 'pg_dump', text: execFileSync(pgDump, ['--no-owner', '-d', databaseUrl], { encoding: 'latin1', maxBuffer: 512 * 1024 * 1024 }) }];
}
