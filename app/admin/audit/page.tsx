import Link from 'next/link';
import { ZodError } from 'zod';
import { requirePage } from '@/lib/auth/page-guard';
import { auditQuerySchema, listAudit, type AuditQuery } from '@/lib/audit/list';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '@/lib/audit/actions';
import { EscapedText } from '@/components/viz/EscapedText';

export const metadata = { title: 'Audit log · Admin · bpfdeck' };

export const dynamic = 'force-dynamic';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const OUTCOME_STYLE: Record<string, string> = {
  ok: 'text-emerald-800',
  failed: 'text-red-800',
  denied: 'text-amber-800',
};

/** The audit log, filtered by the query string (a plain GET form: shareable, bookmarkable). */
export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePage('admin');
  const sp = await searchParams;
  const raw = Object.fromEntries(Object.entries(sp).filter(([, v]) => typeof v === 'string' && v !== '')) as Record<string, string>;
  let query: AuditQuery;
  let problem: string | null = null;
  try {
    query = auditQuerySchema.parse(raw);
  } catch (e) {
    problem = e instanceof ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'bad filter';
    query = auditQuerySchema.parse({});
  }
  const { events, nextBefore } = await listAudit(query);
  const olderHref = nextBefore ? `?${new URLSearchParams({ ...raw, before: String(nextBefore) }).toString()}` : null;
  const field = 'mt-1 w-full rounded border border-slate-300 px-2 py-1 text-sm';

  return (
    <div className="space-y-4">
      <Link href="/admin" className="text-sm text-slate-500 hover:underline">
        ← Admin
      </Link>
      <h1 className="text-xl font-semibold">Audit log</h1>
      <p className="text-sm text-slate-600">Append-only: rows are never changed or deleted. Times are UTC; &quot;from&quot; is the client address.</p>
      <form method="get" className="grid gap-3 rounded border border-slate-200 bg-white p-4 md:grid-cols-6" aria-label="Filter the audit log">
        <label className="text-sm">
          <span className="text-slate-700">Action</span>
          <select name="action" defaultValue={raw.action ?? ''} className={field}>
            <option value="">any</option>
            {Object.keys(AUDIT_ACTIONS).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="text-slate-700">Who</span>
          <input name="actor" defaultValue={raw.actor ?? ''} className={field} placeholder="email or token:name" />
        </label>
        <label className="text-sm">
          <span className="text-slate-700">Outcome</span>
          <select name="outcome" defaultValue={raw.outcome ?? ''} className={field}>
            <option value="">any</option>
            {AUDIT_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="text-slate-700">Target</span>
          <input name="target" defaultValue={raw.target ?? ''} className={field} placeholder="host:…, run:…" />
        </label>
        <label className="text-sm">
          <span className="text-slate-700">Since</span>
          <input name="since" type="date" defaultValue={raw.since ?? ''} className={field} />
        </label>
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700">
            Filter
          </button>
          <Link href="/admin/audit" className="text-sm text-slate-600 hover:underline">
            clear
          </Link>
        </div>
      </form>
      {problem && (
        <p role="alert" className="text-sm text-red-800">
          {problem}
        </p>
      )}
      {/* focusable: on a phone it scrolls sideways and holds nothing else to focus (axe: scrollable-region-focusable) */}
      <div className="relative overflow-x-auto rounded border border-slate-200" tabIndex={0} role="region" aria-label="Audit events">
        <table className="w-full bg-white text-sm" data-testid="audit-table">
          <thead className="bg-slate-100 text-left text-slate-600">
            <tr>
              <th className="px-3 py-2">When</th>
              <th className="px-3 py-2">Who</th>
              <th className="px-3 py-2">From</th>
              <th className="px-3 py-2">Action</th>
              <th className="px-3 py-2">Target</th>
              <th className="px-3 py-2">Outcome</th>
              <th className="px-3 py-2">Details</th>
            </tr>
          </thead>
          <tbody>
            {events.length === 0 && (
              <tr>
                <td colSpan={7} className="px-3 py-2 text-slate-500">
                  Nothing matches.
                </td>
              </tr>
            )}
            {events.map((e) => (
              <tr key={e.id} className="border-t border-slate-100 align-top" data-testid="audit-row">
                <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{e.at.replace('T', ' ').slice(0, 19)}Z</td>
                <td className="px-3 py-2 font-mono text-xs">
                  <EscapedText text={e.actor} />
                  {e.via === 'token' && <span className="ml-1 text-slate-500">(API token)</span>}
                </td>
                <td className="px-3 py-2 font-mono text-xs" title={e.userAgent ?? undefined}>
                  {e.ip ?? '—'}
                </td>
                <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                <td className="break-all px-3 py-2 font-mono text-xs">{e.target ?? '—'}</td>
                <td className={`px-3 py-2 ${OUTCOME_STYLE[e.outcome] ?? ''}`}>
                  {e.outcome}
                  {e.status !== null && <span className="ml-1 text-xs text-slate-500">{e.status}</span>}
                </td>
                <td className="max-w-md break-all px-3 py-2 font-mono text-xs text-slate-600">{e.details ? JSON.stringify(e.details) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {olderHref && (
        <Link href={olderHref} className="text-sm text-indigo-700 hover:underline">
          Older →
        </Link>
      )}
    </div>
  );
}
