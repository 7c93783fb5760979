/**
 * Reading the audit log for /admin/audit and GET /api/admin/audit: newest first, filtered, paged by id
 * (a cursor: "older than row N"), so a page never shifts when new rows arrive.
 */
import 'server-only';
import { z } from 'zod';
import { db } from '@/lib/db/client';
import { AUDIT_OUTCOMES } from '@/lib/audit/actions';

export const auditQuerySchema = z.object({
  action: z
    .string()
    .trim()
    .max(64)
    .regex(/^[a-z_.]*$/, 'action: like run.start')
    .optional(),
  actor: z.string().trim().max(200).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  target: z.string().trim().max(300).optional(),
  ip: z.string().trim().max(64).optional(),
  /** ISO date or date-time */
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
  /** rows with an id lower than this (the next page) */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export interface PublicAuditEvent {
  id: number;
  at: string;
  actor: string;
  via: string;
  tokenId: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  target: string | null;
  outcome: string;
  status: number | null;
  details: Record<string, unknown> | null;
}

export async function listAudit(q: AuditQuery): Promise<{ events: PublicAuditEvent[]; nextBefore: number | null }> {
  const rows = await db().auditEvent.findMany({
    where: {
      ...(q.action ? (q.action.endsWith('.') ? { action: { startsWith: q.action } } : { action: q.action }) : {}),
      ...(q.actor ? { actor: { contains: q.actor } } : {}),
      ...(q.outcome ? { outcome: q.outcome } : {}),
      ...(q.target ? { target: { contains: q.target } } : {}),
      ...(q.ip ? { ip: q.ip } : {}),
      ...(q.since || q.until ? { at: { ...(q.since ? { gte: q.since } : {}), ...(q.until ? { lte: q.until } : {}) } } : {}),
      ...(q.before ? { id: { lt: q.before } } : {}),
    },
    orderBy: { id: 'desc' },
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return {
    events: page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      via: r.via,
      tokenId: r.tokenId,
      ip: r.ip,
      userAgent: r.userAgent,
      action: r.action,
      target: r.target,
      outcome: r.outcome,
      status: r.status,
      details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
    })),
    nextBefore: rows.length > q.limit ? page[page.length - 1].id : null,
  };
}
