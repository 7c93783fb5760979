/**
 * Per-user limits on runs (BPFDECK_MAX_ACTIVE_RUNS_PER_USER, BPFDECK_MAX_RUN_STARTS_PER_10MIN): a
 * person or API token can neither flood the fleet with bpftrace nor the queue with runs. Counted from
 * the Run table by `requestedBy` (the e-mail, or token:<name>), so they hold across restarts.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { config } from '@/lib/env';
import { AppError } from '@/lib/errors';

const LIVE = ['queued', 'connecting', 'running'];

// one chain of quota-checked starts per user, shared by every module instance of this process
const g = globalThis as unknown as { __bpfdeckQuotaLocks?: Map<string, Promise<unknown>> };
const locks: Map<string, Promise<unknown>> = (g.__bpfdeckQuotaLocks ??= new Map());

/**
 * The quota check and the creation of the run (`create`) as one step per user: two starts of the same
 * user at the same moment cannot both pass the check before either run exists. Within this process
 * only: a `bpfdeck run --host` in another process could still slip one run past a full quota.
 */
export async function withRunQuota<T>(requestedBy: string, create: () => Promise<T>): Promise<T> {
  const next = (locks.get(requestedBy) ?? Promise.resolve())
    .catch(() => {}) // an earlier refusal is that caller's answer, not ours
    .then(async () => {
      await checkRunQuota(requestedBy);
      return create();
    });
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
export function withFleetQuota<T>(requestedBy: string, create: () => Promise<T>): Promise<T> {
  return withRunQuota(requestedBy, create);
}

export async function checkRunQuota(requestedBy: string): Promise<void> {
  const { maxActivePerUser, maxStartsPer10Min } = config().runLimits;
  const active =
    (await db().run.count({ where: { requestedBy, fleetRunId: null, status: { in: LIVE } } })) +
    (await db().fleetRun.count({ where: { requestedBy, runs: { some: { status: { in: LIVE } } } } }));
  if (active >= maxActivePerUser) {
    throw new AppError('rate_limited', `${requestedBy} has ${active} runs queued or running (at most ${maxActivePerUser}); wait for one to end or cancel one`, {
      active,
      limit: maxActivePerUser,
    });
  }
  const since = new Date(Date.now() - 10 * 60_000);
  const recent =
    (await db().run.count({ where: { requestedBy, fleetRunId: null, createdAt: { gte: since } } })) +
    (await db().fleetRun.count({ where: { requestedBy, createdAt: { gte: since } } }));
  if (recent >= maxStartsPer10Min) {
    throw new AppError('rate_limited', `${requestedBy} started ${recent} runs in the last 10 minutes (at most ${maxStartsPer10Min}); try again later`, {
      recent,
      limit: maxStartsPer10Min,
    });
  }
}
