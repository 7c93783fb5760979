/**
 * The write-once store of raw output (RawOutput rows). A run's gzip moves here (not copied) when a
 * report takes the run: the run row then points at it, so the run page, the report and its exports
 * share one copy. Rows are never updated, except by retention (bytes deleted, expiredAt set), and are
 * deleted when nothing refers to them any more.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { newId } from '@/lib/ids';
import { digestGz } from '@/lib/export/raw';

export interface NewRawOutput {
  gz: Buffer;
  /** sha256 (hex) and size of the uncompressed bytes */
  sha256: string;
  bytes: number;
  truncated: boolean;
}

export async function storeRawOutput(raw: NewRawOutput): Promise<string> {
  const id = newId();
  await db().rawOutput.create({
    data: { id, sha256: raw.sha256, bytes: raw.bytes, gz: new Uint8Array(raw.gz), gzBytes: raw.gz.length, truncated: raw.truncated },
  });
  return id;
}

/**
 * Move a finished run's raw output into the store; returns its RawOutput id (the existing one if it
 * moved before), or null when the run has none.
 */
export async function moveRunRawToStore(runId: string): Promise<string | null> {
  const run = await db().run.findUnique({ where: { id: runId }, select: { rawOutputGz: true, rawOutputId: true, rawTruncated: true } });
  if (!run) return null;
  if (run.rawOutputId) return run.rawOutputId;
  if (!run.rawOutputGz) return null;
  const gz = Buffer.from(run.rawOutputGz);
  const { sha256, bytes } = await digestGz(gz);
  const id = newId();
  return db().$transaction(async (tx) => {
    // Another caller may have moved it meanwhile: keep theirs.
    const again = await tx.run.findUnique({ where: { id: runId }, select: { rawOutputId: true } });
    if (again?.rawOutputId) return again.rawOutputId;
    await tx.rawOutput.create({ data: { id, sha256, bytes, gz: new Uint8Array(gz), gzBytes: gz.length, truncated: run.rawTruncated } });
    await tx.run.update({ where: { id: runId }, data: { rawOutputGz: null, rawOutputId: id } });
    return id;
  });
}

/** Delete the store rows among `ids` that no run and no report item refers to any more. */
export async function deleteUnreferencedRawOutputs(ids: ReadonlyArray<string | null>): Promise<number> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return 0;
  const r = await db().rawOutput.deleteMany({ where: { id: { in: wanted }, runs: { none: {} }, items: { none: {} } } });
  return r.count;
}
