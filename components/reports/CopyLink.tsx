'use client';
/** The permalink of a report, shown in full, with a "Copy link" button (clipboard, else selected for Ctrl+C). */
import { useEffect, useRef, useState } from 'react';

export function CopyLink({ path }: { path: string }) {
  const [url, setUrl] = useState(path);
  const [state, setState] = useState<'idle' | 'copied' | 'select'>('idle');
  const input = useRef<HTMLInputElement>(null);
  // eslint-disable-next-line react-hooks/set-state-in-effect -- window exists only in the browser: set during render, server and client HTML would differ
  useEffect(() => setUrl(new URL(path, window.location.href).toString()), [path]);
  useEffect(() => {
    if (state !== 'copied') return;
    const t = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(t);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setState('copied');
    } catch {
      // no clipboard permission (plain http, an old browser): select it for the user
      input.current?.select();
      setState('select');
    }
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor="permalink" className="text-sm text-slate-600">
        Permalink
      </label>
      <input
        id="permalink"
        ref={input}
        readOnly
        value={url}
        data-testid="permalink"
        onFocus={(e) => e.currentTarget.select()}
        className="min-w-0 flex-1 rounded border border-slate-300 bg-slate-50 px-2 py-1 font-mono text-xs text-slate-800"
      />
      <button type="button" onClick={copy} className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700">
        Copy link
      </button>
      <span role="status" aria-live="polite" className="text-sm text-emerald-700">
        {state === 'copied' ? 'Copied' : state === 'select' ? 'Press Ctrl+C to copy' : ''}
      </span>
    </div>
  );
}
