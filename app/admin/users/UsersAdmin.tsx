'use client';
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api.client';
import type { PublicUser } from '@/lib/auth/users';
import { ROLES, type Role } from '@/lib/auth/roles';
import { ErrorBox } from '@/components/ui/ErrorBox';

const btn = 'rounded px-2 py-1 text-sm disabled:opacity-50';
const input = 'mt-1 w-full rounded border border-slate-300 px-2 py-1';

export function UsersAdmin({ initialUsers, myId }: { initialUsers: PublicUser[]; myId: string }) {
  const [users, setUsers] = useState(initialUsers);
  const [form, setForm] = useState({ email: '', name: '', role: 'viewer' as Role, password: '' });
  const refresh = async () => setUsers((await api<{ users: PublicUser[] }>('/api/admin/users')).users);
  const create = useMutation({
    mutationFn: () => api('/api/admin/users', { body: form }),
    onSuccess: async () => {
      setForm({ email: '', name: '', role: 'viewer', password: '' });
      await refresh();
    },
  });
  const update = useMutation({
    mutationFn: ({ id, ...body }: { id: string; role?: Role; password?: string }) => api(`/api/admin/users/${id}`, { method: 'PATCH', body }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/admin/users/${id}`, { method: 'DELETE' }),
    onSuccess: refresh,
  });

  return (
    <div className="space-y-6">
      <div className="relative overflow-x-auto rounded border border-slate-200" tabIndex={0} role="region" aria-label="Users">
        <table className="w-full bg-white text-sm" data-testid="users-table">
          <thead className="bg-slate-100 text-left text-slate-600">
            <tr>
              <th className="px-3 py-2">Email</th>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">Role</th>
              <th className="px-3 py-2">Sign-in</th>
              <th className="px-3 py-2">Sessions</th>
              <th className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className="border-t border-slate-100" data-testid={`user-${u.email}`}>
                <td className="px-3 py-2 font-mono text-xs">{u.email}</td>
                <td className="px-3 py-2">{u.name}</td>
                <td className="px-3 py-2">
                  <select
                    aria-label={`role of ${u.email}`}
                    value={u.role}
                    disabled={u.id === myId || update.isPending}
                    onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}
                    className="rounded border border-slate-300 px-1 py-0.5"
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="px-3 py-2">{u.methods.join(', ')}</td>
                <td className="px-3 py-2">{u.activeSessions}</td>
                <td className="space-x-2 px-3 py-2 text-right">
                  <button
                    type="button"
                    className={`${btn} border border-slate-300 hover:bg-slate-50`}
                    onClick={() => {
                      const password = window.prompt(`New password for ${u.email} (at least 12 characters). Their sessions will end.`);
                      if (password) update.mutate({ id: u.id, password });
                    }}
                  >
                    Set password
                  </button>
                  {u.id !== myId && (
                    <button
                      type="button"
                      className={`${btn} border border-red-300 text-red-800 hover:bg-red-50`}
                      onClick={() => window.confirm(`Delete ${u.email}? Their sessions and API tokens end too.`) && remove.mutate(u.id)}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorBox error={update.error ?? remove.error} title="Change failed" />

      <form
        className="max-w-xl space-y-3 rounded border border-slate-200 bg-white p-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <h2 className="font-semibold">Add a user</h2>
        <div className="grid grid-cols-2 gap-3">
          <label className="block text-sm">
            <span className="text-slate-700">Email</span>
            <input name="email" type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} className={input} />
          </label>
          <label className="block text-sm">
            <span className="text-slate-700">Name</span>
            <input name="name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} className={input} />
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
            <span className="text-slate-700">Initial password</span>
            <input
              name="password"
              type="password"
              autoComplete="new-password"
              minLength={12}
              required
              value={form.password}
              onChange={(e) => setForm({ ...form, password: e.target.value })}
              className={input}
            />
          </label>
        </div>
        <button
          type="submit"
          disabled={create.isPending}
          className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          {create.isPending ? 'Adding…' : 'Add user'}
        </button>
        <ErrorBox error={create.error} title="Could not add the user" />
      </form>
    </div>
  );
}
