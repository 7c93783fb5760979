'use client';
/** Delete with an explicit second step (admin): says what goes, then asks again. */
import { useRouter } from 'next/navigation';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api.client';
import { ErrorBox } from '@/components/ui/ErrorBox';

export function DeleteButton({
  url,
  what,
  consequence,
  redirectTo,
  label = 'Delete',
}: {
  url: string;
  what: string;
  consequence: string;
  redirectTo?: string;
  /** the first button's text */
  label?: string;
}) {
  const router = useRouter();
  const [asking, setAsking] = useState(false);
  const del = useMutation({
    mutationFn: () => api(url, { method: 'DELETE' }),
    onSuccess: () => {
      setAsking(false);
      if (redirectTo) router.push(redirectTo);
      else router.refresh();
    },
  });
  if (!asking) {
    return (
      <button type="button" onClick={() => setAsking(true)} className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-800 hover:bg-red-50">
        {label}
      </button>
    );
  }
  return (
    <div
      role="alertdialog"
      aria-label={`Delete ${what}?`}
      className="flex flex-wrap items-center gap-2 rounded border border-red-300 bg-red-50 px-2 py-1 text-xs text-red-900"
    >
      <span>
        Delete {what} for good? {consequence}
      </span>
      <button
        type="button"
        disabled={del.isPending}
        onClick={() => del.mutate()}
        className="rounded bg-red-600 px-2 py-0.5 font-medium text-white hover:bg-red-700 disabled:opacity-50"
      >
        {del.isPending ? 'Deleting…' : 'Yes, delete'}
      </button>
      <button type="button" onClick={() => setAsking(false)} className="rounded border border-slate-300 bg-white px-2 py-0.5 text-slate-700">
        Cancel
      </button>
      <ErrorBox error={del.error} title="Not deleted" />
    </div>
  );
}
