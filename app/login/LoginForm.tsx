'use client';
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api.client';
import { ErrorBox } from '@/components/ui/ErrorBox';

const input = 'mt-1 w-full rounded border border-slate-300 px-2 py-1';

export function LoginForm({ next, oidcName }: { next: string; oidcName: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () => api('/api/auth/sign-in', { body: { email, password } }),
    // A full load: the layout (who is signed in, what they may see) is rendered on the server.
    onSuccess: () => window.location.assign(next),
  });
  const sso = useMutation({
    mutationFn: () => api<{ url: string }>('/api/auth/oidc', { body: { next } }),
    onSuccess: ({ url }) => window.location.assign(url),
  });
  return (
    <div className="space-y-4">
      <form
        className="space-y-3 rounded border border-slate-200 bg-white p-4"
        onSubmit={(e) => {
          e.preventDefault();
          signIn.mutate();
        }}
      >
        <label className="block text-sm">
          <span className="text-slate-700">Email</span>
          <input name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} className={input} />
        </label>
        <label className="block text-sm">
          <span className="text-slate-700">Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            className={input}
          />
        </label>
        <button
          type="submit"
          disabled={signIn.isPending}
          className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorBox error={signIn.error} title="Sign-in failed" />
      </form>
      {oidcName && (
        <div className="space-y-2">
          <button
            type="button"
            onClick={() => sso.mutate()}
            disabled={sso.isPending}
            className="w-full rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-50"
          >
            Sign in with {oidcName}
          </button>
          <ErrorBox error={sso.error} title={`Sign-in with ${oidcName} failed`} />
        </div>
      )}
    </div>
  );
}
