'use client';
/**
 * bpftrace's own messages about a checked text, each at its line: "line 4, column 3", the message as
 * bpftrace wrote it, and that line of the checked text with the columns it underlined.
 */
import type { ScriptCheck } from '@/lib/scripts/types';
import { EscapedText } from '@/components/viz/EscapedText';

export function CheckResult({ check, text }: { check: ScriptCheck; text: string }) {
  const lines = text.split('\n');
  return (
    <section
      aria-label="Check result"
      data-testid="check-result"
      className={`space-y-2 rounded border p-3 text-sm ${check.ok ? 'border-emerald-300 bg-emerald-50' : 'border-red-300 bg-red-50'}`}
    >
      <p className="font-medium" data-testid="check-verdict">
        {check.ok ? 'bpftrace compiled it' : 'bpftrace refused it'} on <EscapedText text={check.hostName} />
        {check.bpftraceVersion ? ` (bpftrace ${check.bpftraceVersion})` : ''} · exit {check.exitCode ?? 'none'} · sha256 {check.sha256.slice(0, 12)}…
      </p>
      {check.diagnostics.length > 0 && (
        <ol className="space-y-2">
          {check.diagnostics.map((d, i) => {
            const src = d.line !== null ? lines[d.line - 1] : undefined;
            const from = d.column ?? 1;
            const to = d.endColumn !== null && d.endColumn > from ? d.endColumn : from + 1;
            return (
              <li key={i} data-testid="script-diagnostic" data-line={d.line ?? ''} className="rounded bg-white/70 p-2">
                <div>
                  <span className={`mr-2 font-semibold ${d.severity === 'error' ? 'text-red-800' : 'text-amber-800'}`}>
                    {d.line !== null ? `Line ${d.line}${d.column !== null ? `, column ${d.column}` : ''}${d.endLine ? `-${d.endLine}` : ''}` : 'No line'}
                  </span>
                  <span className="uppercase text-xs tracking-wide text-slate-600">{d.severity}</span>{' '}
                  <span className="font-mono" data-testid="diagnostic-message">
                    <EscapedText text={d.message} />
                  </span>
                </div>
                {src !== undefined && (
                  <pre className="mt-1 overflow-x-auto font-mono text-xs text-slate-800">
                    <span className="select-none text-slate-400">{String(d.line).padStart(4)} | </span>
                    {src}
                    {d.column !== null && (
                      <>
                        {'\n'}
                        <span className="select-none">{'       '}</span>
                        <span className="text-red-700">{' '.repeat(Math.max(0, from - 1)) + '~'.repeat(Math.max(1, to - from))}</span>
                      </>
                    )}
                  </pre>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {!check.ok && check.diagnostics.length === 0 && (
        <pre className="whitespace-pre-wrap font-mono text-xs">
          <EscapedText text={check.stderr || '(bpftrace printed nothing)'} />
        </pre>
      )}
    </section>
  );
}
