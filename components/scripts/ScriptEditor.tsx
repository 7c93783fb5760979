'use client';
/**
 * A plain textarea with a line-number gutter (no editor library): lines do not wrap, so gutter line N
 * is text line N; the gutter follows the textarea's scrolling. Lines bpftrace complained about are
 * marked in the gutter (red for errors, amber for warnings), with the message as their title.
 */
import { useRef, useState, type UIEvent } from 'react';
import type { ScriptDiagnostic } from '@/lib/scripts/types';

export interface ScriptEditorProps {
  id: string;
  label: string;
  value: string;
  onChange?: (text: string) => void;
  readOnly?: boolean;
  diagnostics?: readonly ScriptDiagnostic[];
  rows?: number;
}

export function ScriptEditor({ id, label, value, onChange, readOnly, diagnostics = [], rows = 18 }: ScriptEditorProps) {
  const gutter = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const lineCount = value.split('\n').length;
  const marks = new Map<number, ScriptDiagnostic>();
  for (const d of diagnostics) {
    if (d.line === null) continue;
    const prev = marks.get(d.line);
    if (!prev || (prev.severity === 'warning' && d.severity === 'error')) marks.set(d.line, d);
  }
  const onScroll = (e: UIEvent<HTMLTextAreaElement>) => setScrollTop(e.currentTarget.scrollTop);
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm text-slate-700">
        {label}
      </label>
      <div className="flex overflow-hidden rounded border border-slate-300 bg-white font-mono text-sm leading-6" data-testid="script-editor">
        <div
          ref={gutter}
          aria-hidden="true"
          className="select-none overflow-hidden border-r border-slate-200 bg-slate-50 py-2 text-right text-slate-400"
          style={{ height: `${rows * 1.5 + 1}rem` }}
        >
          <div style={{ transform: `translateY(${-scrollTop}px)` }}>
            {Array.from({ length: lineCount }, (_, i) => {
              const d = marks.get(i + 1);
              const cls = d ? (d.severity === 'error' ? 'bg-red-100 font-semibold text-red-700' : 'bg-amber-100 text-amber-800') : '';
              return (
                <div
                  key={i}
                  className={`px-2 ${cls}`}
                  title={d ? `${d.severity}: ${d.message}` : undefined}
                  data-testid={d ? `gutter-mark-${i + 1}` : undefined}
                >
                  {i + 1}
                </div>
              );
            })}
          </div>
        </div>
        <textarea
          id={id}
          value={value}
          readOnly={readOnly}
          onChange={(e) => onChange?.(e.target.value)}
          onScroll={onScroll}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          wrap="off"
          className={`flex-1 resize-none whitespace-pre px-3 py-2 outline-none ${readOnly ? 'bg-slate-50 text-slate-700' : ''}`}
          style={{ height: `${rows * 1.5 + 1}rem` }}
        />
      </div>
      <p className="mt-1 text-xs text-slate-500">
        {lineCount} lines · {new TextEncoder().encode(value).length.toLocaleString()} bytes
      </p>
    </div>
  );
}
