'use client';
/**
 * "Run on fleet" (hosts page, operators): pick hosts by a selector or by ticking them, a tool or the
 * whole dashboard, a duration; POST /api/fleet-runs starts one run per host (fan-out bounded by the
 * server's setting) and the fleet run page opens. The server's error (a selector that matches nothing,
 * a bad duration) is shown as it says it.
 */
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { PublicFleetRun, StartFleetRunInput } from '@/lib/fleet/types';
import { api, ApiError } from '@/lib/api.client';
import { escapeControl } from '@/lib/viz/format';

export interface RunOnFleetFormProps {
  hosts: Array<{ id: string; name: string; tags: Record<string, string>; pinned: boolean }>;
  tools: Array<{ id: string; title: string; defaultDurationSec: number; minDurationSec: number; maxDurationSec: number }>;
  /** the hosts page's selector, as the form's start */
  selector?: string;
}

export function RunOnFleetForm({ hosts, tools, selector: initialSelector }: RunOnFleetFormProps) {
  const router = useRouter();
  const [mode, setMode] = useState<'selector' | 'pick'>('selector');
  const [selector, setSelector] = useState(initialSelector ?? '');
  const [picked, setPicked] = useState<string[]>([]);
  const [tool, setTool] = useState<string>('profile');
  const [durationSec, setDurationSec] = useState(30);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const t = tools.find((x) => x.id === tool);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body: StartFleetRunInput = {
      ...(mode === 'selector' ? { selector } : { hostIds: picked }),
      toolIds: tool === 'dashboard' ? 'dashboard' : [tool],
      durationSec,
    };
    try {
      const r = await api<{ fleetRun: PublicFleetRun }>('/api/fleet-runs', { body });
      router.push(`/fleet-runs/${r.fleetRun.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="space-y-3 rounded border border-slate-200 bg-white p-4 text-sm" aria-label="Run on fleet" data-testid="run-on-fleet">
      <fieldset className="space-y-2">
        <legend className="font-medium">Hosts</legend>
        <div className="flex flex-wrap items-center gap-4">
          <label className="flex items-center gap-1">
            <input type="radio" name="fleet-mode" checked={mode === 'selector'} onChange={() => setMode('selector')} /> by selector
          </label>
          <label className="flex items-center gap-1">
            <input type="radio" name="fleet-mode" checked={mode === 'pick'} onChange={() => setMode('pick')} /> pick them
          </label>
        </div>
        {mode === 'selector' ? (
          <input
            aria-label="Fleet selector"
            value={selector}
            onChange={(e) => setSelector(e.target.value)}
            placeholder="role=web,az=b   name=fleet*"
            className="w-80 rounded border border-slate-300 px-2 py-1 font-mono"
          />
        ) : (
          <div className="flex max-h-48 flex-wrap gap-x-4 gap-y-1 overflow-y-auto" data-testid="fleet-pick">
            {hosts.map((h) => (
              <label
                key={h.id}
                className={`flex items-center gap-1 font-mono ${h.pinned ? '' : 'text-slate-400'}`}
                title={h.pinned ? undefined : 'host key not pinned'}
              >
                <input
                  type="checkbox"
                  checked={picked.includes(h.id)}
                  onChange={(e) => setPicked(e.target.checked ? [...picked, h.id] : picked.filter((x) => x !== h.id))}
                />
                {escapeControl(h.name)}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <div className="flex flex-wrap items-end gap-4">
        <label className="flex flex-col gap-1">
          <span className="font-medium">Tool</span>
          <select aria-label="Fleet tool" value={tool} onChange={(e) => setTool(e.target.value)} className="rounded border border-slate-300 px-1 py-1">
            <option value="dashboard">the whole dashboard</option>
            {tools.map((x) => (
              <option key={x.id} value={x.id}>
                {x.id} — {x.title}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Duration, s</span>
          <input
            aria-label="Fleet duration"
            type="number"
            min={t?.minDurationSec ?? 5}
            max={t?.maxDurationSec ?? 300}
            value={durationSec}
            onChange={(e) => setDurationSec(Number(e.target.value))}
            className="w-24 rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <button
          type="submit"
          disabled={busy || (mode === 'pick' && picked.length === 0) || (mode === 'selector' && selector.trim() === '')}
          className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          {busy ? 'Starting…' : `Run ${tool === 'dashboard' ? 'the dashboard' : tool} for ${durationSec}s on the fleet`}
        </button>
      </div>
      {error && (
        <p role="alert" className="text-red-700">
          {error}
        </p>
      )}
    </form>
  );
}
