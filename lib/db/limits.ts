/**
 * Limits that hold across processes: web instances, workers and the CLI share one database, so a
 * limit's check and the write it allows must be one step there, not in some process's memory.
 *
 * withLimitLocks opens a transaction whose first statements write one LimitLock row per key. A
 * transaction that writes a row holds it until it ends: on PostgreSQL the row lock (READ COMMITTED:
 * every later statement sees what the previous holder committed), on SQLite the database's write lock
 * (Prisma's adapter opens a deferred `BEGIN`; because a write comes first, the transaction takes the
 * write lock before it reads anything, which is what `BEGIN IMMEDIATE` does, and waits for it up to
 * better-sqlite3's busy timeout). Two processes racing for the last slot therefore run one after the
 * other: the second counts the first one's row.
 *
 * Keys are taken in sorted order, so two transactions wanting overlapping keys cannot deadlock.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import type { Prisma } from '@/lib/db/generated/client';
import { AppError } from '@/lib/errors';

/** the client inside a transaction (also accepted: db() itself, for reads outside one) */
export type DbTx = Prisma.TransactionClient;

// The holder's transaction is short (a few counts and inserts), so a waiter gets its turn in
// milliseconds; these bound a stuck one. maxWait: for a connection (PostgreSQL) or Prisma's
// transaction slot (SQLite); timeout: the whole transaction.
const LIMIT_TX = { maxWait: 10_000, timeout: 20_000 };

/**
 * fn under the keys' locks, in one transaction. A refusal (fn throws an AppError, e.g. rate_limited)
 * commits and is thrown after: on SQLite every query of the process shares the one connection, so a
 * rollback would also undo whatever other code wrote meanwhile (a run's progress, an audit row).
 */
export async function withLimitLocks<T>(keys: string[], fn: (tx: DbTx) => Promise<T>): Promise<T> {
  const sorted = [...new Set(keys)].sort();
  const out = await db().$transaction(async (tx): Promise<{ value: T } | { refused: AppError }> => {
    for (const key of sorted) {
      // An upsert that always writes (DO UPDATE, not DO NOTHING: only a write takes the lock). Both
      // databases read this statement the same way.
      await tx.$executeRaw`INSERT INTO "LimitLock" ("key") VALUES (${key}) ON CONFLICT ("key") DO UPDATE SET "key" = excluded."key"`;
    }
    try {
      return { value: await fn(tx) };
    } catch (e) {
      if (e instanceof AppError) return { refused: e };
      throw e;
    }
  }, LIMIT_TX);
  if ('refused' in out) throw out.refused;
  return out.value;
}
