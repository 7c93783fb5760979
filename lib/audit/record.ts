/**
 * Writing the audit log. Rows are only ever inserted (the table's triggers refuse UPDATE and DELETE).
 * Details are JSON of safe values only: callers pass ids, names and numbers, never request bodies
 * (a host's private key must never reach the log), and long strings are cut.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import type { AuditAction, AuditOutcome } from '@/lib/audit/actions';

export interface AuditEntry {
  action: AuditAction;
  outcome: AuditOutcome;
  actor: string;
  actorId?: string | null;
  via: 'session' | 'token' | 'anonymous' | 'system';
  tokenId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  target?: string | null;
  status?: number | null;
  details?: Record<string, unknown> | null;
}

const MAX_STRING = 500;

/** JSON with every string cut to MAX_STRING characters and at most 50 keys per object. */
export function safeDetails(details: Record<string, unknown> | null | undefined): string | null {
  if (!details || Object.keys(details).length === 0) return null;
  const clean = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v;
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
    if (depth > 3) return '…';
    if (Array.isArray(v)) return v.slice(0, 50).map((x) => clean(x, depth + 1));
    if (typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .slice(0, 50)
          .map(([k, x]) => [k, clean(x, depth + 1)]),
      );
    }
    return String(v);
  };
  return JSON.stringify(clean(details, 0));
}

export async function recordAudit(e: AuditEntry): Promise<void> {
  await db().auditEvent.create({
    data: {
      action: e.action,
      outcome: e.outcome,
      actor: e.actor.slice(0, 200),
      actorId: e.actorId ?? null,
      via: e.via,
      tokenId: e.tokenId ?? null,
      ip: e.ip ?? null,
      userAgent: e.userAgent ? e.userAgent.slice(0, 300) : null,
      target: e.target ? e.target.slice(0, 300) : null,
      status: e.status ?? null,
      details: safeDetails(e.details),
    },
  });
}
