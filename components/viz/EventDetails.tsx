'use client';
/**
 * Every field of one event: the displayed value, and the raw value with control characters shown as
 * escapes, since a cell in the table is truncated to one line.
 */
import { useEffect, useRef } from 'react';
import type { EventCellValue, EventColumn } from '@/lib/tools/types';
import { formatCell } from '@/lib/viz/format';
import { EscapedText } from '@/components/viz/EscapedText';

export interface EventDetailsProps {
  columns: readonly EventColumn[];
  row: Record<string, EventCellValue>;
  /** 1-based position of the row in the filtered, sorted table */
  position: number;
  onClose: () => void;
}

export function EventDetails({ columns, row, position, onClose }: EventDetailsProps) {
  const closeRef = useRef<HTMLButtonElement>(null);
  // focus moves into the panel, so a keyboard user lands on what they opened
  useEffect(() => closeRef.current?.focus({ preventScroll: true }), [row]);
  return (
    <section
      aria-label="Event details"
      data-testid="event-details"
      className="rounded border border-indigo-200 bg-indigo-50/40 p-3 text-sm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className="mb-2 flex items-center gap-2">
        <h4 className="font-medium text-slate-800">Event #{position.toLocaleString('en-US')}</h4>
        <button
          ref={closeRef}
          type="button"
          onClick={onClose}
          className="ml-auto rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-100"
        >
          Close
        </button>
      </div>
      <dl className="grid grid-cols-[minmax(8rem,max-content)_1fr] gap-x-4 gap-y-1">
        {columns.map((c) => {
          const v = row[c.key];
          const f = formatCell(c.type, v);
          const showRaw = typeof v === 'number' && f.text !== String(v);
          return (
            <div key={c.key} className="contents">
              <dt className="text-slate-600" title={c.description}>
                {c.label} <span className="font-mono text-xs text-slate-600">{c.key}</span>
              </dt>
              <dd data-field={c.key} className="min-w-0 break-all font-mono text-slate-900">
                {typeof v === 'string' && v !== '' ? (
                  <>
                    <EscapedText text={v} />
                    <span className="ml-2 text-xs text-slate-600">
                      ({v.length} {v.length === 1 ? 'char' : 'chars'})
                    </span>
                  </>
                ) : (
                  <>
                    {f.text}
                    {v === '' && <span className="ml-2 text-xs text-slate-600">(empty string)</span>}
                  </>
                )}
                {showRaw && <span className="ml-2 text-xs text-slate-500">= {String(v)}</span>}
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}
