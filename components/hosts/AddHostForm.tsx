'use client';
import { useRouter } from 'next/navigation';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api.client';
import type { PublicHost } from '@/lib/hosts/service';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { Field, splitErrors } from '@/components/ui/Field';

const input = 'mt-1 w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono';
const FIELDS = ['name', 'address', 'port', 'username', 'privateKey', 'passphrase', 'tags'] as const;

/** "role=web az=b" -> {role: "web", az: "b"} (the server checks keys and values) */
export function parseTagText(tags: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags.split(/[\s,]+/).filter(Boolean)) {
    const eq = t.indexOf('=');
    out[eq < 0 ? t : t.slice(0, eq)] = eq < 0 ? '' : t.slice(eq + 1);
  }
  return out;
}

export function AddHostForm() {
  const router = useRouter();
  const [form, setForm] = useState({ name: '', address: '', port: '22', username: '', privateKey: '', passphrase: '', tags: '' });
  const add = useMutation({
    mutationFn: () => {
      const { passphrase, tags, port, ...rest } = form;
      // the port goes as typed: the server checks it (a whole number from 1 to 65535) and says so under the field
      return api<{ host: PublicHost }>('/api/hosts', {
        body: { ...rest, port: port.trim(), ...(passphrase ? { passphrase } : {}), ...(tags.trim() ? { tags: parseTagText(tags) } : {}) },
      });
    },
    onSuccess: ({ host }) => router.push(`/hosts/${host.id}`),
  });
  const { byField, rest } = splitErrors(add.error, FIELDS);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <form
      className="space-y-3 rounded border border-slate-200 bg-white p-4"
      aria-label="Add a host"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Name" error={byField.name}>
          <input name="name" required placeholder="web-01" value={form.name} onChange={set('name')} className={input} />
        </Field>
        <Field label="SSH user" error={byField.username}>
          <input name="username" required placeholder="bpfdeck" value={form.username} onChange={set('username')} className={input} />
        </Field>
        <Field label="Address" error={byField.address}>
          <input name="address" required placeholder="10.0.0.5 or host.example" value={form.address} onChange={set('address')} className={input} />
        </Field>
        <Field label="Port" error={byField.port}>
          <input name="port" inputMode="numeric" value={form.port} onChange={set('port')} className={input} />
        </Field>
      </div>
      <Field label="Private key (OpenSSH or PEM; stored encrypted, never shown again)" error={byField.privateKey}>
        <textarea
          name="privateKey"
          required
          rows={5}
          value={form.privateKey}
          onChange={set('privateKey')}
          className={`${input} text-xs`}
          placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
        />
      </Field>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Key passphrase (if it has one; stored encrypted)" error={byField.passphrase}>
          <input name="passphrase" type="password" autoComplete="off" value={form.passphrase} onChange={set('passphrase')} className={input} />
        </Field>
        <Field label="Tags (key=value, space-separated)" error={byField.tags}>
          <input name="tags" placeholder="role=web az=b" value={form.tags} onChange={set('tags')} className={input} />
        </Field>
      </div>
      <ErrorBox error={rest} title="The host was not added" />
      <button
        type="submit"
        disabled={add.isPending}
        className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
      >
        {add.isPending ? 'Adding…' : 'Add host'}
      </button>
    </form>
  );
}
