/** Determinate progress bar; `value` in 0..1. */
export function ProgressBar({ value, label }: { value: number; label: string }) {
  const pct = Math.max(0, Math.min(100, value * 100));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct)}
      className="h-3 w-full overflow-hidden rounded bg-slate-200"
    >
      <div className="h-full bg-indigo-500 transition-[width] duration-500" style={{ width: `${pct}%` }} />
    </div>
  );
}
