/**
 * Per-user limits on runs (BPFDECK_MAX_ACTIVE_RUNS_PER_USER, BPFDECK_MAX_RUN_STARTS_PER_10MIN): a
 * person or API token can neither flood the fleet with bpftrace nor the queue with runs. Counted from
 * the Run table by `requestedBy` (the e-mail, or token:<name>), so they hold across restarts.
 */
import { db } from '@/lib/db/client';
import { config } from '@/lib/env';
import { AppError } from '@/lib/errors';

const LIVE = ['queued', 'connecting', 'running'];

export async function checkRunQuota(requestedBy: string): Promise<void> {
  const { maxActivePerUser, maxStartsPer10Min } = config().runLimits;
  const active = await db().run.count({ where: { requestedBy, status: { in: LIVE } } });
  if (active >= maxActivePerUser) {
    throw new AppError('rate_limited', `${requestedBy} has ${active} runs queued or running (at most ${maxActivePerUser}); wait for one to end or cancel one`, {
      active,
      limit: maxActivePerUser,
    });
  }
  const since = new Date(Date.now() - 10 * 60_000);
  const recent = await db().run.count({ where: { requestedBy, createdAt: { gte: since } } });
  if (recent >= maxStartsPer10Min) {
    throw new AppError('rate_limited', `${requestedBy} started ${recent} runs in the last 10 minutes (at most ${maxStartsPer10Min}); try again later`, {
      recent,
      limit: maxStartsPer10Min,
    });
  }
}
