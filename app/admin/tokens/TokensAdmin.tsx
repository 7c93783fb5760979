'use client';
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api.client';
import type { PublicToken } from '@/lib/auth/tokens';
import { ROLES, type Role } from '@/lib/auth/roles';
import { ErrorBox } from '@/components/ui/ErrorBox';

const input = 'mt-1 w-full rounded border border-slate-300 px-2 py-1';
const when = (s: string | null) => (s ? new Date(s).toLocaleString() : '—');

export function TokensAdmin({ initialTokens }: { initialTokens: PublicToken[] }) {
  const [tokens, setTokens] = useState(initialTokens);
  const [form, setForm] = useState({ name: '', role: 'viewer' as Role, expiresInDays: '' });
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const refresh = async () => setTokens((await api<{ tokens: PublicToken[] }>('/api/tokens')).tokens);
  const create = useMutation({
    mutationFn: () =>
      api<{ token: string; info: PublicToken }>('/api/tokens', {
        body: { name: form.name, role: form.role, ...(form.expiresInDays ? { expiresInDays: Number(form.expiresInDays) } : {}) },
      }),
    onSuccess: async ({ token, info }) => {
      setShown({ name: info.name, token });
      setForm({ name: '', role: 'viewer', expiresInDays: '' });
      await refresh();
    },
  });
  const revoke = useMutation({ mutationFn: (id: string) => api(`/api/tokens/${id}`, { method: 'DELETE' }), onSuccess: refresh });

  return (
    <div className="space-y-6">
      {shown && (
        <div role="status" className="space-y-2 rounded border border-emerald-300 bg-emerald-50 p-3 text-sm" data-testid="new-token">
          <div>
            Token <span className="font-medium">{shown.name}</span>: copy it now, it will not be shown again.
          </div>
          <code className="block break-all rounded bg-white p-2 font-mono text-xs" data-testid="new-token-value">
            {shown.token}
          </code>
          <button type="button" className="text-sm text-slate-600 hover:underline" onClick={() => setShown(null)}>
            Done
          </button>
        </div>
      )}
      <div className="relative overflow-x-auto rounded border border-slate-200" tabIndex={0} role="region" aria-label="API tokens">
        <table className="w-full bg-white text-sm" data-testid="tokens-table">
          <thead className="bg-slate-100 text-left text-slate-600">
            <tr>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">Token</th>
              <th className="px-3 py-2">Role</th>
              <th className="px-3 py-2">Created by</th>
              <th className="px-3 py-2">Last used</th>
              <th className="px-3 py-2">Expires</th>
              <th className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 && (
              <tr>
                <td colSpan={7} className="px-3 py-2 text-slate-500">
                  No tokens.
                </td>
              </tr>
            )}
            {tokens.map((t) => (
              <tr key={t.id} className={`border-t border-slate-100 ${t.revokedAt ? 'text-slate-600' : ''}`} data-testid={`token-${t.name}`}>
                <td className="px-3 py-2">{t.name}</td>
                <td className="px-3 py-2 font-mono text-xs">{t.prefix}…</td>
                <td className="px-3 py-2">{t.role}</td>
                <td className="px-3 py-2 font-mono text-xs">{t.createdBy}</td>
                <td className="px-3 py-2">{when(t.lastUsedAt)}</td>
                <td className="px-3 py-2">{when(t.expiresAt)}</td>
                <td className="px-3 py-2 text-right">
                  {t.revokedAt ? (
                    <span>revoked {when(t.revokedAt)}</span>
                  ) : (
                    <button
                      type="button"
                      className="rounded border border-red-300 px-2 py-1 text-sm text-red-800 hover:bg-red-50"
                      onClick={() => window.confirm(`Revoke ${t.name}? Anything using it stops working.`) && revoke.mutate(t.id)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorBox error={revoke.error} title="Revoke failed" />

      <form
        className="max-w-xl space-y-3 rounded border border-slate-200 bg-white p-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <h2 className="font-semibold">Create a token</h2>
        <div className="grid grid-cols-3 gap-3">
          <label className="block text-sm">
            <span className="text-slate-700">Name</span>
            <input
              name="name"
              required
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
              className={input}
              placeholder="ci-nightly"
            />
          </label>
          <label className="block text-sm">
            <span className="text-slate-700">Role</span>
            <select name="role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} className={input}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <label className="block text-sm">
            <span className="text-slate-700">Expires after (days)</span>
            <input
              name="expiresInDays"
              type="number"
              min={1}
              max={3650}
              value={form.expiresInDays}
              onChange={(e) => setForm({ ...form, expiresInDays: e.target.value })}
              className={input}
              placeholder="never"
            />
          </label>
        </div>
        <button
          type="submit"
          disabled={create.isPending}
          className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
        <ErrorBox error={create.error} title="Could not create the token" />
      </form>
    </div>
  );
}
