'use client';
/**
 * Admins edit a host (PATCH /api/hosts/<id>: only the fields changed are sent) and delete it, each
 * after a confirmation that says what follows: a new address or port unpins the host key; deletion
 * takes the host's runs with it and keeps its reports.
 */
import { useRouter } from 'next/navigation';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api.client';
import type { PublicHost } from '@/lib/hosts/service';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { Field, splitErrors } from '@/components/ui/Field';
import { DeleteButton } from '@/components/reports/DeleteButton';
import { parseTagText } from '@/components/hosts/AddHostForm';

const input = 'mt-1 w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono';
const FIELDS = ['name', 'address', 'port', 'username', 'privateKey', 'passphrase', 'tags'] as const;

const tagText = (tags: Record<string, string>) =>
  Object.entries(tags)
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .join(' ');

export function HostSettings({ host, onSaved }: { host: PublicHost; onSaved: (h: PublicHost) => void }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const initial = {
    name: host.name,
    address: host.address,
    port: String(host.port),
    username: host.username,
    tags: tagText(host.tags),
    privateKey: '',
    passphrase: '',
  };
  const [form, setForm] = useState(initial);
  const [confirming, setConfirming] = useState(false);
  const changes: Record<string, unknown> = {};
  if (form.name !== host.name) changes.name = form.name;
  if (form.address !== host.address) changes.address = form.address;
  if (form.port.trim() !== String(host.port)) changes.port = form.port.trim();
  if (form.username !== host.username) changes.username = form.username;
  if (form.tags.trim() !== tagText(host.tags)) changes.tags = parseTagText(form.tags);
  if (form.privateKey) changes.privateKey = form.privateKey;
  if (form.passphrase) changes.passphrase = form.passphrase;
  const endpointChanges = 'address' in changes || 'port' in changes;
  const save = useMutation({
    mutationFn: () => api<{ host: PublicHost }>(`/api/hosts/${host.id}`, { method: 'PATCH', body: changes }),
    onSuccess: ({ host: h }) => {
      onSaved(h);
      setEditing(false);
      setConfirming(false);
      router.refresh(); // the page title, header and dashboard come from the server
    },
  });
  const { byField, rest } = splitErrors(save.error, FIELDS);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  return (
    <section aria-labelledby="host-settings-h" className="rounded border border-slate-200 bg-white px-4 py-2" data-testid="host-settings">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="host-settings-h" className="text-sm font-semibold">
          Host settings
        </h2>
        <button
          type="button"
          aria-expanded={editing}
          onClick={() => {
            setForm(initial);
            save.reset();
            setConfirming(false);
            setEditing((v) => !v);
          }}
          className="rounded border border-slate-300 px-2 py-0.5 text-sm hover:bg-slate-50"
        >
          {editing ? 'Close' : 'Edit host'}
        </button>
        <DeleteButton
          url={`/api/hosts/${host.id}`}
          what={`the host ${host.name}`}
          label="Delete host"
          consequence="Its runs and dashboard runs go with it; its reports are kept (they name the host they came from)."
          redirectTo="/hosts"
        />
      </div>
      {editing && (
        <form
          className="mt-3 space-y-3"
          aria-label={`Edit ${host.name}`}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (Object.keys(changes).length === 0) return;
            // a new endpoint means a new host key to check: say so first
            if (endpointChanges && host.hostKey && !confirming) return setConfirming(true);
            save.mutate();
          }}
        >
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
            <Field label="Name" error={byField.name}>
              <input name="name" value={form.name} onChange={set('name')} className={input} />
            </Field>
            <Field label="SSH user" error={byField.username}>
              <input name="username" value={form.username} onChange={set('username')} className={input} />
            </Field>
            <Field label="Address" error={byField.address}>
              <input name="address" value={form.address} onChange={set('address')} className={input} />
            </Field>
            <Field label="Port" error={byField.port}>
              <input name="port" inputMode="numeric" value={form.port} onChange={set('port')} className={input} />
            </Field>
          </div>
          <Field label="Tags (key=value, space-separated)" error={byField.tags}>
            <input name="tags" value={form.tags} onChange={set('tags')} className={input} />
          </Field>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="New private key (leave empty to keep the current one)" error={byField.privateKey}>
              <textarea name="privateKey" rows={3} value={form.privateKey} onChange={set('privateKey')} className={`${input} text-xs`} />
            </Field>
            <Field label="Its passphrase (if it has one)" error={byField.passphrase}>
              <input name="passphrase" type="password" autoComplete="off" value={form.passphrase} onChange={set('passphrase')} className={input} />
            </Field>
          </div>
          {confirming && (
            <p role="alert" className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-950">
              A new address or port is a different endpoint: the pinned host key is dropped, and you check and accept the key it offers again before anything
              runs. Save again to go ahead.
            </p>
          )}
          <ErrorBox error={rest} title="The host was not changed" />
          <button
            type="submit"
            disabled={save.isPending || Object.keys(changes).length === 0}
            className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
          >
            {save.isPending ? 'Saving…' : confirming ? 'Yes, save and unpin the key' : 'Save changes'}
          </button>
        </form>
      )}
    </section>
  );
}
