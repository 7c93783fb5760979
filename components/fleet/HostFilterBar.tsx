'use client';
/**
 * The host filter every fleet view has: all hosts, one host, or a selector (role=web,az=b, name=db-*;
 * lib/hosts/selector.ts). Controlled: the parent holds the HostFilter. A bad selector is said next to
 * the box (the view then shows every host). Host names are host text: rendered as text, escaped.
 */
import { useState } from 'react';
import type { HostFilter } from '@/lib/fleet/views/hosts';
import { escapeControl } from '@/lib/viz/format';

export interface HostFilterBarProps {
  hosts: ReadonlyArray<{ hostId: string; hostName: string }>;
  value: HostFilter;
  onChange: (f: HostFilter) => void;
  /** the selector's error, from filterHosts */
  error?: string | null;
  /** hosts shown / all */
  shown: number;
}

export function HostFilterBar({ hosts, value, onChange, error, shown }: HostFilterBarProps) {
  const [text, setText] = useState(value.kind === 'selector' ? value.selector : '');
  const mode = value.kind === 'host' ? `host:${value.hostId}` : value.kind;
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="fleet-host-filter">
      <label className="flex items-center gap-1">
        <span className="text-slate-600">Hosts</span>
        <select
          aria-label="Show hosts"
          value={mode}
          onChange={(e) => {
            const v = e.target.value;
            if (v === 'all') onChange({ kind: 'all' });
            else if (v === 'selector') onChange({ kind: 'selector', selector: text });
            else onChange({ kind: 'host', hostId: v.slice(5) });
          }}
          className="rounded border border-slate-300 px-1 py-1"
        >
          <option value="all">all ({hosts.length})</option>
          <option value="selector">matching a selector…</option>
          {hosts.map((h) => (
            <option key={h.hostId} value={`host:${h.hostId}`}>
              {escapeControl(h.hostName)}
            </option>
          ))}
        </select>
      </label>
      {value.kind === 'selector' && (
        <form
          className="flex items-center gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            onChange({ kind: 'selector', selector: text });
          }}
        >
          <input
            type="text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="role=web,az=b"
            aria-label="Host selector"
            className="w-48 rounded border border-slate-300 px-2 py-1 font-mono"
          />
          <button type="submit" className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100">
            Apply
          </button>
        </form>
      )}
      <span className="text-slate-600" data-testid="fleet-host-filter-count">
        {shown} of {hosts.length} hosts
      </span>
      {error && (
        <span role="alert" className="text-red-700">
          {error} (showing every host)
        </span>
      )}
    </div>
  );
}
