'use client';
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api.client';
import type { PublicIdentity } from '@/lib/hosts/identities';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { formatDateTime } from '@/lib/format/date';

const input = 'mt-1 w-full rounded border border-slate-300 px-2 py-1';
const button = 'rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50';

type Kind = 'key' | 'agent';
interface KeyForm {
  name: string;
  kind: Kind;
  privateKey: string;
  passphrase: string;
  agentSocket: string;
}
const emptyForm = (agentSockets: string[]): KeyForm => ({ name: '', kind: 'key', privateKey: '', passphrase: '', agentSocket: agentSockets[0] ?? '' });

/** The request body: only the fields of the chosen kind (a key's passphrase only when one was typed). */
function bodyOf(f: KeyForm, withName: boolean) {
  const name = withName || f.name ? { name: f.name } : {};
  return f.kind === 'key'
    ? { kind: 'key', ...name, privateKey: f.privateKey, ...(f.passphrase ? { passphrase: f.passphrase } : {}) }
    : { kind: 'agent', ...name, agentSocket: f.agentSocket };
}

/** The fields of a key or agent identity: used to add one and to rotate one. */
function SecretFields({ form, set, agentSockets, idPrefix }: { form: KeyForm; set: (f: KeyForm) => void; agentSockets: string[]; idPrefix: string }) {
  return (
    <>
      <fieldset className="flex gap-4 text-sm">
        <legend className="sr-only">Kind</legend>
        <label className="flex items-center gap-1">
          <input type="radio" name={`${idPrefix}-kind`} checked={form.kind === 'key'} onChange={() => set({ ...form, kind: 'key' })} /> Private key
        </label>
        <label className="flex items-center gap-1">
          <input
            type="radio"
            name={`${idPrefix}-kind`}
            checked={form.kind === 'agent'}
            disabled={agentSockets.length === 0}
            onChange={() => set({ ...form, kind: 'agent' })}
          />{' '}
          ssh-agent {agentSockets.length === 0 && <span className="text-slate-600">(no socket configured on this server)</span>}
        </label>
      </fieldset>
      {form.kind === 'key' ? (
        <>
          <label className="block text-sm">
            <span className="text-slate-700">Private key (OpenSSH or PEM)</span>
            <textarea
              name="privateKey"
              required
              rows={5}
              spellCheck={false}
              autoComplete="off"
              value={form.privateKey}
              onChange={(e) => set({ ...form, privateKey: e.target.value })}
              className={`${input} font-mono text-xs`}
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
            />
          </label>
          <label className="block text-sm">
            <span className="text-slate-700">Passphrase (if the key has one)</span>
            <input
              name="passphrase"
              type="password"
              autoComplete="off"
              value={form.passphrase}
              onChange={(e) => set({ ...form, passphrase: e.target.value })}
              className={input}
            />
          </label>
        </>
      ) : (
        <label className="block text-sm">
          <span className="text-slate-700">Agent socket on the bpfdeck server</span>
          <select name="agentSocket" value={form.agentSocket} onChange={(e) => set({ ...form, agentSocket: e.target.value })} className={input}>
            {agentSockets.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}

function IdentityRow({ identity, agentSockets, onChanged }: { identity: PublicIdentity; agentSockets: string[]; onChanged: () => Promise<void> }) {
  const [rotating, setRotating] = useState(false);
  const [form, setForm] = useState<KeyForm>(() => ({ ...emptyForm(agentSockets), kind: identity.kind }));
  const [copied, setCopied] = useState(false);
  const rotate = useMutation({
    mutationFn: () => api(`/api/identities/${identity.id}`, { method: 'PATCH', body: bodyOf(form, false) }),
    onSuccess: async () => {
      setRotating(false);
      setForm({ ...emptyForm(agentSockets), kind: identity.kind });
      await onChanged();
    },
  });
  const remove = useMutation({ mutationFn: () => api(`/api/identities/${identity.id}`, { method: 'DELETE' }), onSuccess: onChanged });
  return (
    <li className="space-y-2 rounded border border-slate-200 bg-white p-3 text-sm" data-testid={`identity-${identity.name}`}>
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <span className="font-medium">{identity.name}</span>
        <span className="text-slate-600">
          {identity.kind === 'agent' ? `ssh-agent at ${identity.agentSocket}` : identity.encrypted ? 'private key, passphrase-protected' : 'private key'}
        </span>
        <span className="text-slate-600">
          used by {identity.hostCount} host{identity.hostCount === 1 ? '' : 's'}
        </span>
        <span className="text-slate-600">changed {formatDateTime(identity.updatedAt)}</span>
      </div>
      <div className="font-mono text-xs break-all" data-testid="identity-fingerprint">
        {identity.fingerprint || 'fingerprint unknown (the key could not be read)'}
      </div>
      {identity.publicKey && (
        <div className="flex items-start gap-2">
          <code className="block flex-1 rounded bg-slate-50 p-2 font-mono text-xs break-all" aria-label={`public key of ${identity.name}`}>
            {identity.publicKey} bpfdeck-{identity.name}
          </code>
          <button
            type="button"
            className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50"
            onClick={() => {
              void navigator.clipboard?.writeText(`${identity.publicKey} bpfdeck-${identity.name}`).then(() => setCopied(true));
            }}
          >
            {copied ? 'Copied' : 'Copy for authorized_keys'}
          </button>
        </div>
      )}
      <div className="flex gap-2">
        <button
          type="button"
          className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50"
          onClick={() => setRotating(!rotating)}
          aria-expanded={rotating}
        >
          {rotating ? 'Cancel rotation' : 'Rotate'}
        </button>
        <button
          type="button"
          className="rounded border border-red-300 px-2 py-1 text-red-800 hover:bg-red-50 disabled:opacity-50"
          disabled={identity.hostCount > 0 || remove.isPending}
          title={identity.hostCount > 0 ? 'hosts use this identity: give them another one first' : undefined}
          onClick={() => window.confirm(`Delete the SSH identity ${identity.name}? Its key is erased from bpfdeck.`) && remove.mutate()}
        >
          Delete
        </button>
      </div>
      {rotating && (
        <form
          className="space-y-2 border-t border-slate-100 pt-2"
          aria-label={`rotate ${identity.name}`}
          onSubmit={(e) => {
            e.preventDefault();
            rotate.mutate();
          }}
        >
          <p className="text-slate-600">
            The new key replaces the old one for all {identity.hostCount} host(s) from their next connection. Install its public half on them first.
          </p>
          <SecretFields form={form} set={setForm} agentSockets={agentSockets} idPrefix={`rotate-${identity.id}`} />
          <button type="submit" className={button} disabled={rotate.isPending}>
            {rotate.isPending ? 'Checking the key…' : 'Rotate the key'}
          </button>
          <ErrorBox error={rotate.error} title="Could not rotate" />
        </form>
      )}
      <ErrorBox error={remove.error} title="Could not delete" />
    </li>
  );
}

export function IdentitiesAdmin({ initialIdentities, agentSockets }: { initialIdentities: PublicIdentity[]; agentSockets: string[] }) {
  const [identities, setIdentities] = useState(initialIdentities);
  const [form, setForm] = useState<KeyForm>(() => emptyForm(agentSockets));
  const refresh = async () => setIdentities((await api<{ identities: PublicIdentity[] }>('/api/identities')).identities);
  const create = useMutation({
    mutationFn: () => api<{ identity: PublicIdentity }>('/api/identities', { body: bodyOf(form, true) }),
    onSuccess: async () => {
      setForm(emptyForm(agentSockets));
      await refresh();
    },
  });
  return (
    <div className="space-y-6">
      <ul className="space-y-2" aria-label="SSH identities">
        {identities.length === 0 && <li className="text-sm text-slate-600">No identities yet.</li>}
        {identities.map((i) => (
          <IdentityRow key={i.id} identity={i} agentSockets={agentSockets} onChanged={refresh} />
        ))}
      </ul>
      <form
        className="max-w-2xl space-y-3 rounded border border-slate-200 bg-white p-4"
        aria-label="Add an SSH identity"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <h2 className="font-semibold">Add an identity</h2>
        <label className="block text-sm">
          <span className="text-slate-700">Name</span>
          <input name="name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} className={input} placeholder="prod-web" />
        </label>
        <SecretFields form={form} set={setForm} agentSockets={agentSockets} idPrefix="new" />
        <button type="submit" disabled={create.isPending} className={button}>
          {create.isPending ? 'Checking the key…' : 'Add identity'}
        </button>
        <ErrorBox error={create.error} title="Could not add the identity" />
      </form>
    </div>
  );
}
