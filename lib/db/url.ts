/**
 * Which database DATABASE_URL selects. The one place that knows the URL forms (lib/env.ts validates
 * with it): unset or `file:<path>` is the embedded SQLite database, `postgresql://` (or `postgres://`)
 * the scaled form's PostgreSQL server.
 */
import fs from 'node:fs';
import path from 'node:path';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface PgPoolSettings {
  /** connections per process (pg.Pool max) */
  poolMax: number;
  /** opening a connection AND waiting for a free one in the pool (pg's connectionTimeoutMillis covers
   *  both: an exhausted pool fails after this instead of queueing forever, Prisma 7's default) */
  connectTimeoutMs: number;
  /** an idle pooled connection is closed after this */
  idleTimeoutMs: number;
  /** PostgreSQL statement_timeout for every query (a stuck query fails instead of holding a connection) */
  statementTimeoutMs: number;
}

export type DatabaseConfig = { kind: 'sqlite'; file: string } | ({ kind: 'postgres'; url: string } & PgPoolSettings);

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** null when the URL is acceptable, else what is wrong with it */
export function databaseUrlProblem(url: string): string | null {
  if (url.startsWith('file:')) return url.length > 'file:'.length ? null : 'file: needs a path (file:/path/to/bpfdeck.db)';
  if (isPostgresUrl(url)) {
    try {
      const u = new URL(url);
      return u.hostname || u.searchParams.get('host') ? null : 'a postgresql:// URL needs a host';
    } catch {
      return 'not a valid postgresql:// URL';
    }
  }
  return 'must be file:<path> (SQLite) or postgresql://user@host:port/db (PostgreSQL)';
}

export function databaseConfig(url: string | undefined, dataDir: string, pool: PgPoolSettings): DatabaseConfig {
  if (url && isPostgresUrl(url)) return { kind: 'postgres', url, ...pool };
  return { kind: 'sqlite', file: url ? path.resolve(url.slice('file:'.length)) : path.join(dataDir, 'bpfdeck.db') };
}

/** A relative SQLite path made absolute against `cwd` (for the CLI, which changes directory); other URLs unchanged. */
export function urlRelativeTo(url: string, cwd: string): string {
  if (!url.startsWith('file:') || path.isAbsolute(url.slice('file:'.length))) return url;
  return `file:${path.resolve(cwd, url.slice('file:'.length))}`;
}

/** false only for a SQLite file that does not exist yet (nothing registered; reading must not create it) */
export function databaseMayHoldData(d: DatabaseConfig): boolean {
  return d.kind === 'postgres' || fs.existsSync(d.file);
}

/** better-auth's prismaAdapter `provider` name for the database kind. */
export function betterAuthProvider(kind: DatabaseKind): 'sqlite' | 'postgresql' {
  return kind === 'postgres' ? 'postgresql' : 'sqlite';
}

/** For messages and reports: the SQLite file, or the PostgreSQL URL without its password. */
export function describeDatabase(d: DatabaseConfig): string {
  if (d.kind === 'sqlite') return d.file;
  const u = new URL(d.url);
  if (u.password) u.password = '***';
  return u.toString();
}
