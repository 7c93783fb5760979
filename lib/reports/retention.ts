/**
 * Retention of raw output: kept `days` days after it was captured (0 = forever), then its bytes are
 * deleted; the report keeps everything else (parsed results, script, metadata, the raw output's size
 * and sha256) and says when the raw output expired. The arithmetic is pure; `expireRawOutputs` applies
 * it to the database.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { getSetting } from '@/lib/settings';

const DAY_MS = 24 * 60 * 60 * 1000;

/** When raw output captured at `capturedAt` expires under a `days`-day retention; null = never. */
export function rawExpiresAt(capturedAt: Date, days: number): Date | null {
  if (!(days > 0)) return null;
  return new Date(capturedAt.getTime() + days * DAY_MS);
}

/** Raw output captured before this instant has expired at `now`; null = nothing expires. */
export function retentionCutoff(now: Date, days: number): Date | null {
  if (!(days > 0)) return null;
  return new Date(now.getTime() - days * DAY_MS);
}

export function isRawExpired(capturedAt: Date, days: number, now: Date): boolean {
  const at = rawExpiresAt(capturedAt, days);
  return at !== null && at.getTime() <= now.getTime();
}

export interface ExpireResult {
  days: number;
  cutoff: string | null;
  /** stored raw outputs (of reports) whose bytes were deleted */
  rawOutputs: number;
  /** runs (without a report) whose raw bytes were deleted */
  runs: number;
  /** stored raw outputs nothing refers to any more (their run and reports deleted), removed */
  orphans: number;
}

/** Delete the bytes of every raw output older than the retention setting. Idempotent. */
export async function expireRawOutputs(now = new Date()): Promise<ExpireResult> {
  const days = await getSetting('retention.rawOutputDays');
  const cutoff = retentionCutoff(now, days);
  // e.g. a dashboard run's output moved to the store, then its host deleted before the report was made
  const orphans = (await db().rawOutput.deleteMany({ where: { runs: { none: {} }, items: { none: {} } } })).count;
  if (!cutoff) return { days, cutoff: null, rawOutputs: 0, runs: 0, orphans };
  const a = await db().rawOutput.updateMany({
    where: { createdAt: { lte: cutoff }, expiredAt: null },
    data: { gz: null, expiredAt: now },
  });
  // Runs that no report took keep their raw output in the run row (finished runs only).
  const b = await db().run.updateMany({
    where: { endedAt: { lte: cutoff }, rawOutputGz: { not: null } },
    data: { rawOutputGz: null },
  });
  return { days, cutoff: cutoff.toISOString(), rawOutputs: a.count, runs: b.count, orphans };
}
