/** Deleting a report (admin): its items go with it, and its raw output unless a run still refers to it. */
import 'server-only';
import { db } from '@/lib/db/client';
import { notFound } from '@/lib/errors';
import { deleteUnreferencedRawOutputs } from '@/lib/reports/raw-store';

export async function deleteReport(id: string): Promise<void> {
  const r = await db().report.findUnique({
    where: { id },
    select: { items: { select: { rawOutputId: true } }, hostReports: { select: { items: { select: { rawOutputId: true } } } } },
  });
  if (!r) throw notFound('report');
  await db().report.delete({ where: { id } }); // a fleet report's host reports go with it (cascade)
  await deleteUnreferencedRawOutputs([...r.items, ...r.hostReports.flatMap((h) => h.items)].map((i) => i.rawOutputId));
}
