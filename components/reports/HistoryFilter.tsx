/**
 * Filter of report and run lists: tool and time window, as a plain GET form (the filter lives in the
 * URL, so a filtered list can be linked to). Server-safe.
 */
export interface HistoryFilterValues {
  tool?: string;
  from?: string;
  to?: string;
}

export function HistoryFilter({ action, tools, values }: { action: string; tools: Array<{ id: string; title: string }>; values: HistoryFilterValues }) {
  const field = 'rounded border border-slate-300 px-2 py-1 text-sm';
  return (
    <form method="get" action={action} className="flex flex-wrap items-end gap-3 rounded border border-slate-200 bg-white p-3" aria-label="Filter">
      <label className="flex flex-col text-xs text-slate-600">
        Tool
        <select name="tool" defaultValue={values.tool ?? ''} className={field} aria-label="Tool">
          <option value="">all tools</option>
          {tools.map((t) => (
            <option key={t.id} value={t.id}>
              {t.title} ({t.id})
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-xs text-slate-600">
        From (UTC)
        <input type="datetime-local" name="from" defaultValue={values.from ?? ''} className={field} aria-label="From" />
      </label>
      <label className="flex flex-col text-xs text-slate-600">
        To (UTC)
        <input type="datetime-local" name="to" defaultValue={values.to ?? ''} className={field} aria-label="To" />
      </label>
      <button type="submit" className="rounded bg-slate-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-900">
        Filter
      </button>
      {(values.tool || values.from || values.to) && (
        <a href={action} className="text-sm text-slate-600 hover:underline">
          clear
        </a>
      )}
    </form>
  );
}
