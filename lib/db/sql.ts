/**
 * Plain SQL on either database, for the few jobs that go around Prisma (secret-key rotation guards
 * every UPDATE with the old value and counts the rows it changed). Statements use `?` placeholders;
 * on PostgreSQL they become $1, $2, ... (the statements passed here are constants with no `?` in
 * quoted text). Identifiers are double-quoted, which both databases read the same way.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseConfig } from '@/lib/db/url';

export interface SqlTx {
  /** runs a statement; resolves to the number of rows it changed */
  run(sql: string, params?: unknown[]): Promise<number>;
}

export interface SqlRunner {
  kind: DatabaseConfig['kind'];
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** fn's statements in one transaction: committed when it resolves, rolled back when it throws */
  transaction(fn: (tx: SqlTx) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

const pgPlaceholders = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/** A runner on an open better-sqlite3 handle (closing the runner closes the handle). */
export function sqliteRunner(db: Database.Database): SqlRunner {
  return {
    kind: 'sqlite',
    all: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...params) as T[],
    async transaction(fn) {
      // better-sqlite3 runs synchronously; the async callback's statements run in order between BEGIN and COMMIT.
      db.exec('BEGIN IMMEDIATE');
      try {
        await fn({ run: async (sql, params = []) => db.prepare(sql).run(...params).changes });
        db.exec('COMMIT');
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
      }
    },
    close: async () => void db.close(),
  };
}

export function pgRunner(client: pg.Client): SqlRunner {
  return {
    kind: 'postgres',
    all: async <T>(sql: string, params: unknown[] = []) => (await client.query(pgPlaceholders(sql), params)).rows as T[],
    async transaction(fn) {
      await client.query('BEGIN');
      try {
        await fn({ run: async (sql, params = []) => (await client.query(pgPlaceholders(sql), params)).rowCount ?? 0 });
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
    },
    close: () => client.end(),
  };
}

/** Opens a runner on the configured database (migrated and checked first, as db() does). */
export async function openSqlRunner(d: DatabaseConfig): Promise<SqlRunner> {
  const { prepareDatabase, preparePgDatabase, pgPoolConfig } = await import('@/lib/db/client');
  if (d.kind === 'sqlite') {
    prepareDatabase(d.file);
    return sqliteRunner(new Database(d.file));
  }
  await preparePgDatabase(d);
  const client = new pg.Client(pgPoolConfig(d));
  await client.connect();
  return pgRunner(client);
}
