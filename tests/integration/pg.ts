/**
 * PostgreSQL for the tests: BPFDECK_TEST_DATABASE=postgres runs the integration suite on a private
 * PostgreSQL server (scripts/pg-test-up.sh: Debian's postgresql 15, its own port and data dir, run as
 * the user postgres) instead of SQLite. Every test file gets a database of its own, as it gets a data
 * directory of its own on SQLite.
 */
import { execFileSync } from 'node:child_process';
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
