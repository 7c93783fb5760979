'use client';
/**
 * A custom script's page: the editor (admins), check on a chosen host with bpftrace's messages at
 * their lines, save as a new version, the versions with their sha256, author, check and approval, a
 * diff between any two, and (operators and admins) running an approved version on a host.
 * Viewers see the texts, versions and diffs, and nothing that changes or runs anything.
 */
import { useRouter } from 'next/navigation';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '@/lib/api.client';
import type { Role } from '@/lib/auth/roles';
import { formatDateTime } from '@/lib/format/date';
import { diffSummary, lineDiff } from '@/lib/scripts/diff';
import { CUSTOM_DEFAULT_DURATION_SEC, CUSTOM_MAX_DURATION_SEC, CUSTOM_MIN_DURATION_SEC } from '@/lib/scripts/limits';
import type { PublicScript, PublicScriptVersion, ScriptCheck } from '@/lib/scripts/types';
import type { PublicRun } from '@/lib/runs/types';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { EscapedText } from '@/components/viz/EscapedText';
import { ScriptEditor } from '@/components/scripts/ScriptEditor';
import { CheckResult } from '@/components/scripts/Diagnostics';

export interface HostChoice {
  id: string;
  name: string;
  bpftraceVersion: string | null;
}

export function ScriptWorkbench({ initial, hosts, role }: { initial: PublicScript; hosts: HostChoice[]; role: Role }) {
  const router = useRouter();
  const [script, setScript] = useState(initial);
  const latest = script.versions[0];
  const isAdmin = role === 'admin';
  const [text, setText] = useState(latest.text ?? '');
  const [hostId, setHostId] = useState(hosts[0]?.id ?? '');
  const [checked, setChecked] = useState<{ check: ScriptCheck; text: string } | null>(null);

  const reload = async () => setScript((await api<{ script: PublicScript }>(`/api/scripts/${script.id}`)).script);
  const check = useMutation({
    mutationFn: (t: string) => api<{ check: ScriptCheck }>(`/api/scripts/${script.id}/check`, { body: { hostId, text: t } }),
    onSuccess: async ({ check: c }, t) => {
      setChecked({ check: c, text: t });
      await reload();
    },
  });
  const save = useMutation({
    mutationFn: () => api<{ version: PublicScriptVersion }>(`/api/scripts/${script.id}/versions`, { body: { text } }),
    onSuccess: reload,
  });
  const approve = useMutation({
    mutationFn: (versionId: string) => api(`/api/scripts/${script.id}/versions/${versionId}/approve`, { body: {} }),
    onSuccess: reload,
  });
  const dirty = text !== latest.text;
  // the gutter marks belong to the text that was checked: shown while the editor still holds it
  const marks = checked && checked.text === text ? checked.check.diagnostics : [];

  return (
    <div className="space-y-6">
      {isAdmin && (
        <section aria-label="Editor" className="space-y-3 rounded border border-slate-200 bg-white p-4">
          <ScriptEditor id="script-text" label={`Script (editing from version ${latest.number})`} value={text} onChange={setText} diagnostics={marks} />
          <div className="flex flex-wrap items-end gap-3 text-sm">
            <label className="block">
              <span className="text-slate-700">Check on host</span>
              <select value={hostId} onChange={(e) => setHostId(e.target.value)} className="mt-1 block rounded border border-slate-300 px-2 py-1">
                {hosts.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.name}
                    {h.bpftraceVersion ? ` (bpftrace ${h.bpftraceVersion})` : ''}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              onClick={() => check.mutate(text)}
              disabled={!hostId || check.isPending}
              className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-100 disabled:opacity-50"
            >
              {check.isPending ? 'Checking…' : 'Check on host'}
            </button>
            <button
              type="button"
              onClick={() => save.mutate()}
              disabled={!dirty || save.isPending}
              className="rounded bg-indigo-600 px-3 py-1.5 text-white hover:bg-indigo-700 disabled:opacity-50"
            >
              {save.isPending ? 'Saving…' : 'Save as new version'}
            </button>
            <span className="text-xs text-slate-500">
              The check compiles the text with the host&apos;s bpftrace (<code>--emit-elf</code>): nothing is loaded or attached.
            </span>
          </div>
          <ErrorBox error={check.error} title="Check failed" />
          <ErrorBox error={save.error} title="Could not save" />
          {checked && <CheckResult check={checked.check} text={checked.text} />}
        </section>
      )}

      {!isAdmin && <ReadOnlyText versions={script.versions} preferred={script.approvedVersionId} />}
      <Versions script={script} isAdmin={isAdmin} onApprove={(id) => approve.mutate(id)} approving={approve.isPending} />
      <ErrorBox error={approve.error} title="Could not approve" />
      <DiffView versions={script.versions} />
      {role !== 'viewer' ? (
        <RunPanel script={script} hosts={hosts} onStarted={(run) => router.push(`/runs/${run.id}`)} />
      ) : (
        <p className="text-sm text-slate-600" data-testid="viewer-note">
          Viewers can read scripts and their versions; operators run approved versions, admins edit and approve them.
        </p>
      )}
    </div>
  );
}

/** Operators and viewers read a version's text (the approved one first); they have no editor. */
function ReadOnlyText({ versions, preferred }: { versions: PublicScriptVersion[]; preferred: string | null }) {
  const [id, setId] = useState(preferred ?? versions[0]?.id ?? '');
  const v = versions.find((x) => x.id === id) ?? versions[0];
  if (!v) return null;
  return (
    <section aria-label="Script text" className="space-y-2 rounded border border-slate-200 bg-white p-4">
      <label className="text-sm">
        <span className="mr-1 text-slate-700">Version</span>
        <select value={v.id} onChange={(e) => setId(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
          {versions.map((x) => (
            <option key={x.id} value={x.id}>
              v{x.number}
              {x.approvedAt ? ' (approved)' : ''}
            </option>
          ))}
        </select>
      </label>
      <ScriptEditor id="script-text-readonly" label={`Text of v${v.number} (read-only)`} value={v.text ?? ''} readOnly />
    </section>
  );
}

function Versions({ script, isAdmin, onApprove, approving }: { script: PublicScript; isAdmin: boolean; onApprove: (id: string) => void; approving: boolean }) {
  return (
    <section aria-label="Versions" className="rounded border border-slate-200 bg-white p-4">
      <h2 className="mb-2 font-medium">Versions</h2>
      <table className="w-full text-left text-sm">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th className="py-1 pr-3">Version</th>
            <th className="pr-3">sha256</th>
            <th className="pr-3">Author</th>
            <th className="pr-3">Saved</th>
            <th className="pr-3">Last check</th>
            <th className="pr-3">Approval</th>
          </tr>
        </thead>
        <tbody>
          {script.versions.map((v) => (
            <tr key={v.id} className="border-t border-slate-100" data-testid={`version-${v.number}`}>
              <td className="py-1 pr-3 font-medium">v{v.number}</td>
              <td className="pr-3 font-mono text-xs" title={v.sha256}>
                {v.sha256.slice(0, 12)}…
              </td>
              <td className="pr-3">
                <EscapedText text={v.author} />
              </td>
              <td className="pr-3" suppressHydrationWarning>
                {formatDateTime(v.createdAt)}
              </td>
              <td className="pr-3">
                {v.check ? (
                  <span className={v.check.ok ? 'text-emerald-700' : 'text-red-700'}>
                    {v.check.ok ? 'passed' : 'failed'} on <EscapedText text={v.check.hostName} />
                  </span>
                ) : (
                  <span className="text-slate-400">not checked</span>
                )}
              </td>
              <td className="pr-3">
                {v.approvedAt ? (
                  <span className="text-emerald-700" data-testid="approved">
                    approved by <EscapedText text={v.approvedBy ?? ''} />
                  </span>
                ) : isAdmin ? (
                  <button
                    type="button"
                    onClick={() => onApprove(v.id)}
                    disabled={approving || !v.check?.ok}
                    title={v.check?.ok ? undefined : 'a version is approved after it passed a check on a host'}
                    className="rounded border border-emerald-400 px-2 py-0.5 text-emerald-800 hover:bg-emerald-50 disabled:opacity-40"
                  >
                    Approve v{v.number}
                  </button>
                ) : (
                  <span className="text-slate-400">not approved</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function DiffView({ versions }: { versions: PublicScriptVersion[] }) {
  // until someone picks, the two newest versions (also after a save adds one)
  const [picked, setPicked] = useState<{ older: string | null; newer: string | null }>({ older: null, newer: null });
  const newer = picked.newer ?? versions[0]?.id ?? '';
  const older = picked.older ?? versions[1]?.id ?? versions[0]?.id ?? '';
  const setNewer = (id: string) => setPicked((p) => ({ ...p, newer: id }));
  const setOlder = (id: string) => setPicked((p) => ({ ...p, older: id }));
  const a = versions.find((v) => v.id === older);
  const b = versions.find((v) => v.id === newer);
  const lines = useMemo(() => (a && b ? lineDiff(a.text ?? '', b.text ?? '') : []), [a, b]);
  if (versions.length < 2) return null;
  const sum = diffSummary(lines);
  const pick = (value: string, set: (v: string) => void, label: string) => (
    <label className="text-sm">
      <span className="mr-1 text-slate-700">{label}</span>
      <select value={value} onChange={(e) => set(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
        {versions.map((v) => (
          <option key={v.id} value={v.id}>
            v{v.number}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section aria-label="Diff" className="space-y-2 rounded border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="font-medium">Diff</h2>
        {pick(older, setOlder, 'from')}
        {pick(newer, setNewer, 'to')}
        <span className="text-sm text-slate-600" data-testid="diff-summary">
          +{sum.added} −{sum.removed}
        </span>
      </div>
      <pre className="overflow-x-auto rounded bg-slate-50 py-1 font-mono text-xs" data-testid="diff">
        {lines.map((l, i) => (
          <div key={i} className={l.op === 'add' ? 'bg-emerald-100 text-emerald-900' : l.op === 'del' ? 'bg-red-100 text-red-900' : 'text-slate-700'}>
            <span className="inline-block w-10 select-none pr-2 text-right text-slate-400">{l.oldLine ?? ''}</span>
            <span className="inline-block w-10 select-none pr-2 text-right text-slate-400">{l.newLine ?? ''}</span>
            <span className="select-none">{l.op === 'add' ? '+ ' : l.op === 'del' ? '- ' : '  '}</span>
            {l.text}
          </div>
        ))}
      </pre>
    </section>
  );
}

function RunPanel({ script, hosts, onStarted }: { script: PublicScript; hosts: HostChoice[]; onStarted: (run: PublicRun) => void }) {
  const approved = script.versions.filter((v) => v.approvedAt);
  const [versionId, setVersionId] = useState(approved[0]?.id ?? '');
  const [hostId, setHostId] = useState(hosts[0]?.id ?? '');
  const [durationSec, setDurationSec] = useState(String(CUSTOM_DEFAULT_DURATION_SEC));
  const start = useMutation({
    mutationFn: () => api<{ run: PublicRun }>(`/api/scripts/${script.id}/runs`, { body: { hostId, versionId, durationSec: Number(durationSec) } }),
    onSuccess: ({ run }) => onStarted(run),
  });
  // the newest approved version is preselected; a newer approval (after a reload) moves it
  const current = approved.some((v) => v.id === versionId) ? versionId : (approved[0]?.id ?? '');
  return (
    <section aria-label="Run" className="space-y-2 rounded border border-slate-200 bg-white p-4">
      <h2 className="font-medium">Run on a host</h2>
      {approved.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="no-approved">
          No approved version yet: only approved versions run.
        </p>
      ) : (
        <form
          className="flex flex-wrap items-end gap-3 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            start.mutate();
          }}
        >
          <label className="block">
            <span className="text-slate-700">Version</span>
            <select value={current} onChange={(e) => setVersionId(e.target.value)} className="mt-1 block rounded border border-slate-300 px-2 py-1">
              {approved.map((v) => (
                <option key={v.id} value={v.id}>
                  v{v.number} ({v.sha256.slice(0, 8)})
                </option>
              ))}
            </select>
          </label>
          <label className="block">
            <span className="text-slate-700">Host</span>
            <select value={hostId} onChange={(e) => setHostId(e.target.value)} className="mt-1 block rounded border border-slate-300 px-2 py-1">
              {hosts.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
            </select>
          </label>
          <label className="block">
            <span className="text-slate-700">Duration (s)</span>
            <input
              type="number"
              min={CUSTOM_MIN_DURATION_SEC}
              max={CUSTOM_MAX_DURATION_SEC}
              value={durationSec}
              onChange={(e) => setDurationSec(e.target.value)}
              className="mt-1 block w-24 rounded border border-slate-300 px-2 py-1"
            />
          </label>
          <button
            type="submit"
            disabled={!hostId || start.isPending}
            className="rounded bg-indigo-600 px-3 py-1.5 text-white hover:bg-indigo-700 disabled:opacity-50"
          >
            {start.isPending ? 'Starting…' : `Run v${approved.find((v) => v.id === current)?.number ?? ''}`}
          </button>
        </form>
      )}
      <ErrorBox error={start.error} title="Could not start the run" />
    </section>
  );
}
