'use client';
/**
 * A fleet run's event table (execsnoop, opensnoop, ext4slower, biosnoop, tcplife, tcpretrans): every
 * host's rows with a Host column (components/viz/EventTable: sorting, filters, virtual scrolling), and
 * "Fold identical rows", which shows each distinct row once with how many hosts saw it and which, like
 * ClusterShell's clubak (lib/fleet/views/events.ts). The columns a fold compares can be picked: by
 * default what happened, not when or which pid. Pure: takes the hosts' results.
 */
import { useMemo, useState } from 'react';
import { foldColumnsDefault, foldRows, HOST_KEY, mergeEvents } from '@/lib/fleet/views/events';
import { hostsWithout, type FleetHostInput } from '@/lib/fleet/views/hosts';
import { EVENT_KINDS } from '@/lib/fleet/views/events';
import { escapeControl } from '@/lib/viz/format';
import type { ResultNotice } from '@/lib/viz/notices-base';
import { EventTable } from '@/components/viz/EventTable';

export interface FleetEventTableProps {
  hosts: ReadonlyArray<FleetHostInput<unknown>>;
  label: string;
  /** CSV file name of the table's own download, without ".csv" */
  csvName: string;
}

export function FleetEventTable({ hosts, label, csvName }: FleetEventTableProps) {
  const merged = useMemo(() => mergeEvents(hosts), [hosts]);
  const [fold, setFold] = useState(false);
  const [compare, setCompare] = useState<string[] | null>(null);
  const compared = compare ?? foldColumnsDefault(merged.columns);
  const folded = useMemo(() => (fold ? foldRows(merged, compared) : null), [fold, merged, compared]);
  const missing = useMemo(() => hostsWithout(hosts, EVENT_KINDS), [hosts]);
  const notices: ResultNotice[] = [];
  const capped = merged.perHost.filter((h) => h.rowsDropped > 0);
  if (capped.length > 0) {
    notices.push({
      level: 'warn',
      id: 'rows-dropped',
      text: `Row caps: ${capped.map((h) => `${escapeControl(h.hostName)} kept ${h.rows.toLocaleString('en-US')} of ${h.eventsSeen.toLocaleString('en-US')}`).join('; ')}.`,
    });
  }
  if (folded && folded.rowsDropped > 0) {
    notices.push({
      level: 'info',
      id: 'fold-cap',
      text: `Showing the first ${folded.rows.length.toLocaleString('en-US')} of ${folded.distinct.toLocaleString('en-US')} distinct rows.`,
    });
  }
  return (
    <div className="space-y-2" data-testid="fleet-event-table">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-slate-700">
        <span data-testid="fleet-events-summary">
          {merged.rows.length.toLocaleString('en-US')} rows from {merged.perHost.length} host{merged.perHost.length === 1 ? '' : 's'}
          {folded ? ` · ${folded.distinct.toLocaleString('en-US')} distinct` : ''}
        </span>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={fold} onChange={(e) => setFold(e.target.checked)} /> Fold identical rows
        </label>
      </div>
      {fold && (
        <fieldset className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-700" data-testid="fleet-fold-columns">
          <legend className="sr-only">Columns compared</legend>
          <span className="text-slate-500">identical in:</span>
          {merged.columns
            .filter((c) => c.key !== HOST_KEY)
            .map((c) => (
              <label key={c.key} className="flex items-center gap-1">
                <input
                  type="checkbox"
                  checked={compared.includes(c.key)}
                  onChange={(e) => setCompare(e.target.checked ? [...compared, c.key] : compared.filter((k) => k !== c.key))}
                />
                {c.label}
              </label>
            ))}
        </fieldset>
      )}
      <EventTable result={folded ?? merged} label={fold ? `${label}, folded` : label} csvName={fold ? `${csvName}-folded` : csvName} notices={notices} />
      {missing.length > 0 && (
        <p className="text-xs text-slate-600">Not in the table: {missing.map((m) => `${escapeControl(m.hostName)} (${escapeControl(m.why)})`).join('; ')}</p>
      )}
    </div>
  );
}
