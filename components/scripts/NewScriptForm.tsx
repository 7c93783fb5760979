'use client';
import { useRouter } from 'next/navigation';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api.client';
import type { PublicScript } from '@/lib/scripts/types';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { ScriptEditor } from '@/components/scripts/ScriptEditor';

const STARTER = `// What it shows, in one line.
tracepoint:syscalls:sys_enter_openat {
  @opens[comm] = count();
}
`;

/** Admins: a new script (its version 1); checking, approving and running happen on its page. */
export function NewScriptForm() {
  const router = useRouter();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [text, setText] = useState(STARTER);
  const create = useMutation({
    mutationFn: () => api<{ script: PublicScript }>('/api/scripts', { body: { name, description, text } }),
    onSuccess: ({ script }) => router.push(`/scripts/${script.id}`),
  });
  return (
    <form
      aria-label="Add a script"
      className="space-y-3 rounded border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h2 className="font-medium">Add a script</h2>
      <div className="grid grid-cols-2 gap-3">
        <label className="block text-sm">
          <span className="text-slate-700">Name</span>
          <input
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="opens-by-process"
            className="mt-1 w-full rounded border border-slate-300 px-2 py-1 font-mono"
          />
        </label>
        <label className="block text-sm">
          <span className="text-slate-700">Description</span>
          <input value={description} onChange={(e) => setDescription(e.target.value)} className="mt-1 w-full rounded border border-slate-300 px-2 py-1" />
        </label>
      </div>
      <ScriptEditor id="new-script-text" label="Script (bpftrace)" value={text} onChange={setText} rows={10} />
      <ErrorBox error={create.error} title="Could not add the script" />
      <button
        type="submit"
        disabled={create.isPending}
        className="rounded bg-indigo-600 px-3 py-1.5 text-sm text-white hover:bg-indigo-700 disabled:opacity-50"
      >
        {create.isPending ? 'Adding…' : 'Add script'}
      </button>
    </form>
  );
}
