'use client';
/** The signed-in person in the header, and sign-out. (Rendered outside the query provider: plain state.) */
import { useState } from 'react';
import { api } from '@/lib/api.client';

export function UserMenu({ email, role }: { email: string; role: string }) {
  const [pending, setPending] = useState(false);
  const signOut = async () => {
    setPending(true);
    try {
      await api('/api/auth/sign-out', { body: {} });
    } finally {
      window.location.assign('/login');
    }
  };
  return (
    <div className="ml-auto flex items-center gap-3 text-sm">
      <span className="text-slate-600" data-testid="signed-in-as">
        {email} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{role}</span>
      </span>
      <button type="button" onClick={() => void signOut()} disabled={pending} className="text-slate-600 hover:text-slate-900 disabled:opacity-50">
        Sign out
      </button>
    </div>
  );
}
