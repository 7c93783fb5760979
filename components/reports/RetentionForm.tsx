'use client';
/** The raw output retention setting (admin): days after capture, 0 = forever. Saving applies it at once. */
import { useRouter } from 'next/navigation';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api.client';
import { ErrorBox } from '@/components/ui/ErrorBox';

interface Saved {
  rawOutputDays: number;
  expired: { rawOutputs: number; runs: number };
}

export function RetentionForm({ initialDays }: { initialDays: number }) {
  const router = useRouter();
  const [days, setDays] = useState(String(initialDays));
  const save = useMutation({
    mutationFn: () => api<Saved>('/api/reports/retention', { method: 'PUT', body: { rawOutputDays: Number(days) } }),
    onSuccess: () => router.refresh(),
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      className="flex flex-wrap items-center gap-2 text-sm"
      aria-label="Raw output retention"
    >
      <label htmlFor="retention-days">Keep raw output for</label>
      <input
        id="retention-days"
        type="number"
        min={0}
        max={36500}
        step={1}
        required
        value={days}
        onChange={(e) => setDays(e.target.value)}
        className="w-24 rounded border border-slate-300 px-2 py-1"
      />
      <span>days after capture (0 = forever); parsed results are always kept.</span>
      <button type="submit" disabled={save.isPending} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50 disabled:opacity-50">
        {save.isPending ? 'Saving…' : 'Save'}
      </button>
      {save.data && (
        <span role="status" className="text-emerald-800">
          Saved: {save.data.rawOutputDays} days; deleted the raw output of {save.data.expired.rawOutputs + save.data.expired.runs} capture(s) now past it.
        </span>
      )}
      <div className="w-full">
        <ErrorBox error={save.error} title="Not saved" />
      </div>
    </form>
  );
}
