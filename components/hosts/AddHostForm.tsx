'use client';
import { useRouter } from 'next/navigation';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api.client';
import type { PublicHost } from '@/lib/hosts/service';
import { ErrorBox } from '@/components/ui/ErrorBox';

export function AddHostForm() {
  const router = useRouter();
  const [form, setForm] = useState({ name: '', address: '', port: '22', username: '', privateKey: '', passphrase: '', tags: '' });
  const add = useMutation({
    mutationFn: () => {
      const { passphrase, tags, ...rest } = form;
      const tagObj: Record<string, string> = {};
      for (const t of tags.split(/[\s,]+/).filter(Boolean)) {
        const eq = t.indexOf('=');
        tagObj[eq < 0 ? t : t.slice(0, eq)] = eq < 0 ? '' : t.slice(eq + 1); // checked by the server
      }
      return api<{ host: PublicHost }>('/api/hosts', {
        body: { ...rest, port: Number(form.port), ...(passphrase ? { passphrase } : {}), ...(tags.trim() ? { tags: tagObj } : {}) },
      });
    },
    onSuccess: ({ host }) => router.push(`/hosts/${host.id}`),
  });
  const field = (k: keyof typeof form, label: string, props: Record<string, unknown> = {}) => (
    <label className="block text-sm">
      <span className="text-slate-700">{label}</span>
      <input
        {...props}
        name={k}
        value={form[k]}
        onChange={(e) => setForm({ ...form, [k]: e.target.value })}
        className="mt-1 w-full rounded border border-slate-300 px-2 py-1 font-mono"
      />
    </label>
  );
  return (
    <form
      className="space-y-3 rounded border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <div className="grid grid-cols-2 gap-3">
        {field('name', 'Name', { required: true, placeholder: 'web-01' })}
        {field('username', 'SSH user', { required: true, placeholder: 'bpfdeck' })}
        {field('address', 'Address', { required: true, placeholder: '10.0.0.5 or host.example' })}
        {field('port', 'Port', { type: 'number', min: 1, max: 65535 })}
      </div>
      <label className="block text-sm">
        <span className="text-slate-700">Private key (OpenSSH or PEM; stored encrypted, never shown again)</span>
        <textarea
          name="privateKey"
          required
          rows={5}
          value={form.privateKey}
          onChange={(e) => setForm({ ...form, privateKey: e.target.value })}
          className="mt-1 w-full rounded border border-slate-300 px-2 py-1 font-mono text-xs"
          placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
        />
      </label>
      <div className="grid grid-cols-2 gap-3">
        {field('passphrase', 'Key passphrase (if it has one; stored encrypted)', { type: 'password', autoComplete: 'off' })}
        {field('tags', 'Tags (key=value, space-separated)', { placeholder: 'role=web az=b' })}
      </div>
      <ErrorBox error={add.error} title="The host was not added" />
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
