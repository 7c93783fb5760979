import Link from 'next/link';
import { requirePage } from '@/lib/auth/page-guard';
import { listScripts } from '@/lib/scripts/service';
import { formatDateTime } from '@/lib/format/date';
import { EscapedText } from '@/components/viz/EscapedText';
import { NewScriptForm } from '@/components/scripts/NewScriptForm';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Custom scripts · bpfdeck' };

export default async function ScriptsPage() {
  const me = await requirePage('viewer');
  const scripts = await listScripts();
  return (
    <div className="space-y-6">
      <section>
        <h1 className="mb-1 text-xl font-semibold">Custom scripts</h1>
        <p className="mb-3 text-sm text-slate-600">
          Your own bpftrace programs, versioned. Admins write and check them on a host and approve a version; operators run approved versions, with the view
          chosen from what the script prints.
        </p>
        {scripts.length === 0 ? (
          <p className="text-sm text-slate-500">No scripts yet.</p>
        ) : (
          <table className="w-full rounded border border-slate-200 bg-white text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="px-3 py-2">Name</th>
                <th className="px-3">Latest</th>
                <th className="px-3">Approved</th>
                <th className="px-3">Changed</th>
              </tr>
            </thead>
            <tbody>
              {scripts.map((s) => {
                const approved = s.versions.find((v) => v.id === s.approvedVersionId);
                return (
                  <tr key={s.id} className="border-t border-slate-100" data-testid={`script-row-${s.name}`}>
                    <td className="px-3 py-2">
                      <Link href={`/scripts/${s.id}`} className="font-medium text-indigo-700 hover:underline">
                        <EscapedText text={s.name} />
                      </Link>
                      {s.description && (
                        <div className="text-xs text-slate-500">
                          <EscapedText text={s.description} />
                        </div>
                      )}
                    </td>
                    <td className="px-3">
                      v{s.versions[0]?.number} by <EscapedText text={s.versions[0]?.author ?? ''} />
                    </td>
                    <td className="px-3">{approved ? `v${approved.number}` : <span className="text-slate-400">none</span>}</td>
                    <td className="px-3" suppressHydrationWarning>
                      {formatDateTime(s.updatedAt)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      {me.role === 'admin' && <NewScriptForm />}
    </div>
  );
}
