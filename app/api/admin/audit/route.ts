import { route } from '@/lib/http';
import { auditQuerySchema, listAudit } from '@/lib/audit/list';

/** The audit log, newest first: ?action=run.start&actor=&outcome=&target=&ip=&since=&until=&before=<id>&limit= */
export const GET = route({ role: 'admin' }, async (req) => {
  const q = auditQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  return listAudit(q);
});
