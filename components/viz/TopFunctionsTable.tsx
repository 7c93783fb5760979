'use client';
/**
 * Top functions of a profile: self and total samples per function name (lib/viz/flame.ts; recursion
 * counted once in total). The flame graph answers "where in the call tree"; this answers "which
 * function", summed over every stack it appears in. Selecting a function highlights it in the graph.
 */
import { useMemo, useRef, useState } from 'react';
import { useRovingFocus } from '@/components/ui/useRovingFocus';
import type { StackNode } from '@/lib/tools/types';
import { type TopFunctionsSort, topFunctions } from '@/lib/viz/flame';
import { EscapedText } from '@/components/viz/EscapedText';

export interface TopFunctionsTableProps {
  root: StackNode;
  /** rows shown */
  limit?: number;
  /** the function picked, to highlight in the flame graph (null: cleared) */
  onSelect?: (name: string | null) => void;
  selected?: string | null;
  /** open the sandwich view (callers and callees) of a function; no button without it */
  onSandwich?: (name: string) => void;
}

/** narrowest the Function column gets (a phone, a half-width card): names stay readable */
const FUNCTION_MIN_PX = 160;

function pct(v: number, total: number): string {
  return total > 0 ? `${((100 * v) / total).toFixed(1)}%` : '—';
}

export function TopFunctionsTable({ root, limit = 30, onSelect, selected = null, onSandwich }: TopFunctionsTableProps) {
  const [sortBy, setSortBy] = useState<TopFunctionsSort>('self');
  const top = useMemo(() => topFunctions(root, limit, sortBy), [root, limit, sortBy]);
  // the function buttons are one Tab stop; Up/Down move between them
  const scroller = useRef<HTMLDivElement>(null);
  useRovingFocus(scroller, 'tbody button[aria-pressed]');
  const header = (key: TopFunctionsSort, text: string) => (
    <th scope="col" className="px-2 py-1 text-right font-medium" aria-sort={sortBy === key ? 'descending' : 'none'}>
      <button type="button" onClick={() => setSortBy(key)} className="hover:text-slate-950" aria-label={`Sort by ${text}`}>
        {text} {sortBy === key ? '▼' : ''}
      </button>
    </th>
  );
  return (
    <div className="space-y-1">
      <div className="text-xs text-slate-600">
        Top {Math.min(limit, top.rows.length)} of {top.functions.toLocaleString('en-US')} functions by {sortBy} samples ({top.samples.toLocaleString('en-US')}{' '}
        samples)
      </div>
      <div ref={scroller} className="max-h-[560px] overflow-auto rounded border border-slate-200 bg-white">
        {/* the fixed columns take 396 px (516 with the sandwich column): the Function column keeps at least 160 px, the box scrolls sideways below that */}
        <table
          aria-label="Top functions by samples"
          data-testid="top-functions"
          className="w-full table-fixed border-collapse text-sm"
          style={{ minWidth: 396 + (onSandwich ? 120 : 0) + FUNCTION_MIN_PX }}
        >
          <colgroup>
            <col style={{ width: 36 }} />
            <col />
            <col style={{ width: 64 }} />
            <col style={{ width: 84 }} />
            <col style={{ width: 64 }} />
            <col style={{ width: 84 }} />
            <col style={{ width: 64 }} />
            {onSandwich && <col style={{ width: 120 }} />}
          </colgroup>
          <thead className="sticky top-0 bg-slate-100 text-left text-xs text-slate-700">
            <tr>
              <th scope="col" className="px-2 py-1 text-right font-medium">
                #
              </th>
              <th scope="col" className="px-2 py-1 font-medium">
                Function
              </th>
              <th scope="col" className="px-2 py-1 font-medium">
                Where
              </th>
              {header('self', 'Self')}
              <th scope="col" className="px-2 py-1 text-right font-medium">
                Self %
              </th>
              {header('total', 'Total')}
              <th scope="col" className="px-2 py-1 text-right font-medium">
                Total %
              </th>
              {onSandwich && (
                <th scope="col" className="px-2 py-1 font-medium">
                  Sandwich
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {top.rows.map((f, i) => {
              const isSel = selected === f.name;
              return (
                <tr
                  key={f.name}
                  data-testid="top-function-row"
                  aria-selected={isSel}
                  className={`border-b border-slate-100 ${isSel ? 'bg-fuchsia-50' : 'hover:bg-slate-50'}`}
                >
                  <td className="px-2 py-0.5 text-right tabular-nums text-slate-500">{i + 1}</td>
                  <td className="truncate px-2 py-0.5 font-mono text-xs" title={f.name}>
                    {onSelect ? (
                      <button
                        type="button"
                        onClick={() => onSelect(isSel ? null : f.name)}
                        className="max-w-full truncate text-left hover:underline"
                        aria-pressed={isSel}
                        aria-label={`Highlight ${f.name} in the flame graph`}
                      >
                        <EscapedText text={f.name} />
                      </button>
                    ) : (
                      <EscapedText text={f.name} />
                    )}
                  </td>
                  <td className="px-2 py-0.5 text-xs">
                    <span className={f.kind === 'kernel' ? 'text-orange-700' : f.kind === 'user' ? 'text-teal-700' : 'text-slate-600'}>{f.kind}</span>
                  </td>
                  <td className="px-2 py-0.5 text-right font-mono tabular-nums" data-col="self">
                    {f.self.toLocaleString('en-US')}
                  </td>
                  <td className="px-2 py-0.5 text-right tabular-nums text-slate-600">{pct(f.self, top.samples)}</td>
                  <td className="px-2 py-0.5 text-right font-mono tabular-nums" data-col="total">
                    {f.total.toLocaleString('en-US')}
                  </td>
                  <td className="px-2 py-0.5 text-right tabular-nums text-slate-600">{pct(f.total, top.samples)}</td>
                  {onSandwich && (
                    <td className="px-2 py-0.5 text-xs">
                      <button
                        type="button"
                        onClick={() => onSandwich(f.name)}
                        className="text-fuchsia-800 hover:underline"
                        // the visible text starts the accessible name (axe: label-content-name-mismatch)
                        aria-label={`callers/callees of ${f.name}`}
                        data-testid="sandwich-button"
                      >
                        callers/callees
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
