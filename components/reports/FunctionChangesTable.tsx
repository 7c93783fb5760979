/** Top grown / shrunk functions between two profiles, by change in self share (server-safe). */
import type { FunctionChange } from '@/lib/reports/compare';
import { fmtPoints, fmtShare } from '@/components/reports/format';

export function FunctionChangesTable({ title, rows, change }: { title: string; rows: FunctionChange[]; change: 'grown' | 'shrunk' }) {
  return (
    <section className="min-w-0 space-y-1" aria-label={title}>
      <h3 className="font-semibold">{title}</h3>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">None.</p>
      ) : (
        <table className="w-full table-fixed text-sm" data-testid={`functions-${change}`}>
          <colgroup>
            <col />
            <col className="w-32" />
            <col className="w-20" />
            <col className="w-20" />
          </colgroup>
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1 pr-2">Function</th>
              <th className="py-1 pr-2 text-right" title="share of samples with the function as the leaf">
                self A → B
              </th>
              <th className="py-1 pr-2 text-right" title="change of the self share, percentage points">
                self Δ
              </th>
              <th className="py-1 text-right" title="change of the share of samples with the function anywhere on the stack, percentage points">
                total Δ
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name} className="border-t border-slate-100" data-name={r.name} data-change={change}>
                <td className="truncate py-1 pr-2 font-mono text-xs" title={`${r.name} (${r.kind})`}>
                  {r.name}
                  {r.kind === 'kernel' && <span className="ml-1 text-slate-600">[k]</span>}
                </td>
                <td className="whitespace-nowrap py-1 pr-2 text-right tabular-nums text-slate-600">
                  {fmtShare(r.selfA)} → {fmtShare(r.selfB)}
                </td>
                <td className={`whitespace-nowrap py-1 pr-2 text-right font-medium tabular-nums ${change === 'grown' ? 'text-red-700' : 'text-blue-700'}`}>
                  {fmtPoints(r.deltaSelf)}
                </td>
                <td className="whitespace-nowrap py-1 text-right tabular-nums text-slate-600">{fmtPoints(r.deltaTotal)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
