/**
 * Per-user limits on runs (BPFDECK_MAX_ACTIVE_RUNS_PER_USER, BPFDECK_MAX_RUN_STARTS_PER_10MIN): a
 * person or API token can neither flood the fleet with bpftrace nor the queue with runs. Counted from
 * the Run table by `requestedBy` (the e-mail, or token:<name>), so they hold across restarts, and
 * checked under the user's lock row (lib/db/limits.ts), so they hold across processes: web instances,
 * workers and `bpfdeck run` on the same database.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { withLimitLocks, type DbTx } from '@/lib/db/limits';
import { config } from '@/lib/env';
import { AppError } from '@/lib/errors';

const LIVE = ['queued', 'connecting', 'running'];

// One chain of quota-checked starts per user in this process, in front of the database lock: a burst
// of one user's starts then waits here instead of holding one pooled connection each on the same row.
const g = globalThis as unknown as { __bpfdeckQuotaLocks?: Map<string, Promise<unknown>> };
const locks: Map<string, Promise<unknown>> = (g.__bpfdeckQuotaLocks ??= new Map());

/**
 * The quota check and the creation of the run (`create`, given the transaction to create it in) as one
 * step per user, in any process: two starts of the same user at the same moment cannot both pass the
 * check before either run exists. The run is committed before the user's lock row is let go.
 */
export async function withRunQuota<T>(requestedBy: string, create: (tx: DbTx) => Promise<T>): Promise<T> {
  const next = (locks.get(requestedBy) ?? Promise.resolve())
    .catch(() => {}) // an earlier refusal is that caller's answer, not ours
    .then(() =>
      withLimitLocks([`runs:${requestedBy}`], async (tx) => {
        await checkRunQuota(requestedBy, tx);
        return create(tx);
      }),
    );
  locks.set(requestedBy, next);
  try {
    return await next;
  } finally {
    if (locks.get(requestedBy) === next) locks.delete(requestedBy);
  }
}

/**
 * The same, for a fleet run: it counts as one start and, while any of its runs is live, one active run
 * (its hosts' runs are bounded by the fan-out instead; a 500-host fleet run is one request).
 */
export function withFleetQuota<T>(requestedBy: string, create: (tx: DbTx) => Promise<T>): Promise<T> {
  return withRunQuota(requestedBy, create);
}

export async function checkRunQuota(requestedBy: string, tx: DbTx = db()): Promise<void> {
  const { maxActivePerUser, maxStartsPer10Min } = config().runLimits;
  const active =
    (await tx.run.count({ where: { requestedBy, fleetRunId: null, status: { in: LIVE } } })) +
    (await tx.fleetRun.count({ where: { requestedBy, runs: { some: { status: { in: LIVE } } } } }));
  if (active >= maxActivePerUser) {
    throw new AppError('rate_limited', `${requestedBy} has ${active} runs queued or running (at most ${maxActivePerUser}); wait for one to end or cancel one`, {
      active,
      limit: maxActivePerUser,
    });
  }
  const since = new Date(Date.now() - 10 * 60_000);
  const recent =
    (await tx.run.count({ where: { requestedBy, fleetRunId: null, createdAt: { gte: since } } })) +
    (await tx.fleetRun.count({ where: { requestedBy, createdAt: { gte: since } } }));
  if (recent >= maxStartsPer10Min) {
    throw new AppError('rate_limited', `${requestedBy} started ${recent} runs in the last 10 minutes (at most ${maxStartsPer10Min}); try again later`, {
      recent,
      limit: maxStartsPer10Min,
    });
  }
}
