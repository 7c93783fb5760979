'use client';
/**
 * Upload a capture taken by hand (`sudo bpftrace -f json <catalog script> > capture.jsonl`) to make a
 * report of it. The file is sent as the request body (not multipart) so the server can stream it.
 */
import { useRouter } from 'next/navigation';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api.client';
import { ErrorBox } from '@/components/ui/ErrorBox';

export interface ImportTool {
  id: string;
  title: string;
  scriptFile: string;
}

async function upload(params: URLSearchParams, file: File): Promise<{ report: { id: string } }> {
  const res = await fetch(`/api/reports/import?${params}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? 'http', json?.error?.message ?? `HTTP ${res.status}`);
  return json;
}

export function ImportForm({ tools, maxBytes }: { tools: ImportTool[]; maxBytes: number }) {
  const router = useRouter();
  // '' = no tool: the generic result, or the view of a tool recognised from its records
  const [toolId, setToolId] = useState('');
  const [hostName, setHostName] = useState('');
  const [version, setVersion] = useState('');
  const [kernel, setKernel] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [clientError, setClientError] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: () => {
      const p = new URLSearchParams();
      if (hostName.trim()) p.set('hostName', hostName.trim());
      if (toolId) p.set('toolId', toolId);
      if (version.trim()) p.set('bpftraceVersion', version.trim());
      if (kernel.trim()) p.set('kernelRelease', kernel.trim());
      return upload(p, file!);
    },
    onSuccess: ({ report }) => router.push(`/reports/${report.id}`),
  });
  const tool = tools.find((t) => t.id === toolId);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setClientError(null);
    if (!file) return setClientError('Choose the capture file.');
    if (file.size > maxBytes) return setClientError(`The file is ${(file.size / 2 ** 20).toFixed(0)} MiB; at most ${maxBytes / 2 ** 20} MiB can be imported.`);
    send.mutate();
  };
  const field = 'w-full min-w-0 rounded border border-slate-300 px-2 py-1 text-sm';
  return (
    <form onSubmit={submit} className="space-y-3 rounded border border-slate-200 bg-white p-4" aria-label="Import a capture">
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="flex min-w-0 flex-col gap-1 text-sm">
          Tool
          <select value={toolId} onChange={(e) => setToolId(e.target.value)} className={field} aria-label="Tool">
            <option value="">Any bpftrace program (views chosen from the output)</option>
            {tools.map((t) => (
              <option key={t.id} value={t.id}>
                {t.title} ({t.id})
              </option>
            ))}
          </select>
        </label>
        <label className="flex min-w-0 flex-col gap-1 text-sm">
          Host it was captured on (a report bundle names it)
          <input
            value={hostName}
            onChange={(e) => setHostName(e.target.value)}
            className={field}
            aria-label="Host name"
            placeholder="db-7.example"
            maxLength={120}
          />
        </label>
        <label className="flex min-w-0 flex-col gap-1 text-sm">
          bpftrace version (optional)
          <input value={version} onChange={(e) => setVersion(e.target.value)} className={field} aria-label="bpftrace version" placeholder="0.17.0" />
        </label>
        <label className="flex min-w-0 flex-col gap-1 text-sm">
          Kernel (optional)
          <input value={kernel} onChange={(e) => setKernel(e.target.value)} className={field} aria-label="Kernel" placeholder="6.1.0-26-amd64" />
        </label>
      </div>
      {tool && (
        <p className="text-sm text-slate-600">
          Capture it on the host with the catalog script:{' '}
          <code className="break-all rounded bg-slate-100 px-1 font-mono text-xs">sudo bpftrace -f json {tool.scriptFile} &gt; capture.jsonl</code> (stop it
          with Ctrl+C; the maps it prints then are part of the capture).
        </p>
      )}
      <label className="flex min-w-0 flex-col gap-1 text-sm">
        Capture file (bpftrace -f json output, or a bpfdeck report bundle; at most {maxBytes / 2 ** 20} MiB)
        <input
          type="file"
          accept=".bpfdeck.jsonl,.jsonl,.json,.ndjson,.txt,application/json,application/x-ndjson,text/plain"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          aria-label="Capture file"
          className="text-sm"
        />
      </label>
      <button
        type="submit"
        disabled={send.isPending}
        className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
      >
        {send.isPending ? 'Importing…' : 'Import and make a report'}
      </button>
      <ErrorBox error={clientError ?? send.error} title="Not imported" />
    </form>
  );
}
