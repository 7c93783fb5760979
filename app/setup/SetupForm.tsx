'use client';
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api.client';
import { ErrorBox } from '@/components/ui/ErrorBox';

const input = 'mt-1 w-full rounded border border-slate-300 px-2 py-1';

export function SetupForm() {
  const [form, setForm] = useState({ setupToken: '', email: '', name: '', password: '', confirm: '' });
  const [mismatch, setMismatch] = useState(false);
  const setup = useMutation({
    mutationFn: () => api('/api/auth/setup', { body: { setupToken: form.setupToken, email: form.email, name: form.name, password: form.password } }),
    onSuccess: () => window.location.assign('/hosts'),
  });
  const field = (k: keyof typeof form, label: string, props: Record<string, unknown> = {}) => (
    <label className="block text-sm">
      <span className="text-slate-700">{label}</span>
      <input name={k} required className={input} {...props} value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
    </label>
  );
  return (
    <form
      className="space-y-3 rounded border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        setMismatch(form.password !== form.confirm);
        if (form.password === form.confirm) setup.mutate();
      }}
    >
      {field('setupToken', 'Setup code', { autoComplete: 'off', className: `${input} font-mono` })}
      {field('email', 'Email', { type: 'email', autoComplete: 'username' })}
      {field('name', 'Name', { autoComplete: 'name' })}
      {field('password', 'Password (at least 12 characters)', { type: 'password', minLength: 12, autoComplete: 'new-password' })}
      {field('confirm', 'Password again', { type: 'password', minLength: 12, autoComplete: 'new-password' })}
      <button
        type="submit"
        disabled={setup.isPending}
        className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
      >
        {setup.isPending ? 'Creating…' : 'Create admin and sign in'}
      </button>
      <ErrorBox error={mismatch ? 'The two passwords differ.' : setup.error} title="Setup failed" />
    </form>
  );
}
