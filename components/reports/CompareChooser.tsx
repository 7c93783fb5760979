'use client';
/** Pick the tool and the two reports to compare (A = before / baseline, B = after). */
import { useRouter } from 'next/navigation';
import { useState } from 'react';

export interface ChooserOption {
  id: string;
  label: string;
}

export function CompareChooser({
  tools,
  tool,
  options,
  a,
  b,
}: {
  tools: Array<{ id: string; title: string }>;
  tool: string;
  options: ChooserOption[];
  a?: string;
  b?: string;
}) {
  const router = useRouter();
  const [pickA, setA] = useState(a ?? '');
  const [pickB, setB] = useState(b ?? '');
  const go = (next: { tool: string; a?: string; b?: string }) => {
    const p = new URLSearchParams({ tool: next.tool });
    if (next.a) p.set('a', next.a);
    if (next.b) p.set('b', next.b);
    router.push(`/compare?${p}`);
  };
  const field = 'min-w-0 rounded border border-slate-300 px-2 py-1 text-sm';
  return (
    <form
      aria-label="Choose reports"
      className="grid gap-3 rounded border border-slate-200 bg-white p-3 md:grid-cols-[auto_1fr_1fr_auto] md:items-end"
      onSubmit={(e) => {
        e.preventDefault();
        go({ tool, a: pickA, b: pickB });
      }}
    >
      <label className="flex flex-col text-xs text-slate-600">
        Tool
        <select aria-label="Tool" className={field} value={tool} onChange={(e) => go({ tool: e.target.value })}>
          {tools.map((t) => (
            <option key={t.id} value={t.id}>
              {t.title} ({t.id})
            </option>
          ))}
        </select>
      </label>
      <label className="flex min-w-0 flex-col text-xs text-slate-600">
        A: before / baseline
        <select aria-label="Report A" className={field} value={pickA} onChange={(e) => setA(e.target.value)}>
          <option value="">choose a report…</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex min-w-0 flex-col text-xs text-slate-600">
        B: after / suspect
        <select aria-label="Report B" className={field} value={pickB} onChange={(e) => setB(e.target.value)}>
          <option value="">choose a report…</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <button
        type="submit"
        disabled={!pickA || !pickB}
        className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
      >
        Compare
      </button>
    </form>
  );
}
