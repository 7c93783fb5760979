'use client';
/**
 * Event table (execsnoop, opensnoop, ext4slower, biosnoop, tcplife, tcpretrans).
 *
 * TanStack Table holds the columns, the sort and filter state and renders headers and rows;
 * @tanstack/react-virtual keeps only the rows in view (plus overscan) in the DOM. Filtering and sorting
 * themselves run on row indexes (lib/viz/filter.ts computeView, manualSorting/manualFiltering), and
 * TanStack gets only the rendered window as its data: its row model allocates dozens of closures per
 * row, which for 100k rows cost ~2 s of garbage collection in Chromium on every new result (a live
 * run delivers one every few seconds). The table stays a real <table> (spacer rows above and below the
 * window) so screen readers keep headers and cells; aria-rowcount/aria-rowindex place a row in the
 * whole table.
 *
 * Pure: rows come in as props, nothing is fetched. Filters apply on deferred values so typing stays
 * responsive while 100k rows are re-filtered.
 */
import { type ColumnDef, type ColumnFiltersState, type SortingState, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useDeferredValue, useMemo, useRef, useState } from 'react';
import type { EventCellValue, EventColumn, EventTableResult } from '@/lib/tools/types';
import { toCsv } from '@/lib/viz/csv';
import { columnUnit, formatCell, isNumericColumn } from '@/lib/viz/format';
import { columnPredicate, computeView, createRowTextIndex } from '@/lib/viz/filter';
import { type ResultNotice, resultNotices } from '@/lib/viz/notices';
import { EventDetails } from '@/components/viz/EventDetails';
import { EscapedText } from '@/components/viz/EscapedText';
import { ResultNotices, VizEmpty, VizError, VizSkeleton } from '@/components/viz/VizStates';
import { useRovingFocus } from '@/components/ui/useRovingFocus';

type EventRow = Record<string, EventCellValue>;

/** What the table needs of an event result (BlockIoResult and ConnectionsResult fit too). */
export type EventTableData = Pick<EventTableResult, 'columns' | 'rows' | 'eventsSeen' | 'rowsDropped' | 'maxRows' | 'unparsedEvents' | 'stats'>;

export interface EventTableProps {
  result: EventTableData | null | undefined;
  /** accessible name of the table, e.g. "opensnoop events" */
  label: string;
  loading?: boolean;
  error?: unknown;
  /** CSV file name without ".csv" */
  csvName?: string;
  /** height of the scrolling area, px */
  heightPx?: number;
  /** notices to show instead of those computed from `result` ([] when a parent shows them) */
  notices?: readonly ResultNotice[];
}

/** row height, px: fixed, so the virtualizer needs no measuring */
const ROW_PX = 28;

/** Column widths by type, px; string columns share what is left (at least STRING_MIN_PX). */
const WIDTH_PX: Record<EventColumn['type'], number | null> = {
  time: 92,
  int: 76,
  float: 84,
  bytes: 88,
  duration_ms: 96,
  errno: 112,
  addr: 160,
  string: null,
};
/** px per character of the table's text (14px sans), and the clamps of a string column's width */
const CHAR_PX = 7.2;
const STRING_MIN_PX = 72;
/** the widest string column (a path, the arguments) may take this much, others less */
const STRING_MAX_PX = 360;
const STRING_OTHER_MAX_PX = 220;

/**
 * Width of each column, px. String columns are sized to their content (the 90th percentile length of
 * up to 500 rows, or the header), so a one-letter column stays narrow; the string column with the
 * longest content (path, arguments) gets the most room and no fixed width (negative: "at least this"),
 * so it also takes what is left of the table's width.
 */
function useColumnWidths(columns: readonly EventColumn[], rows: readonly EventRow[]): Array<number | null> {
  return useMemo(() => {
    const sample = rows.length > 500 ? rows.filter((_, i) => i % Math.ceil(rows.length / 500) === 0) : rows;
    const want = columns.map((c) => {
      if (WIDTH_PX[c.type] !== null) return 0;
      const lens = sample.map((r) => (typeof r[c.key] === 'string' ? (r[c.key] as string).length : 1)).sort((a, b) => a - b);
      const p90 = lens.length ? lens[Math.floor(lens.length * 0.9)] : 8;
      // the header needs its label, the sort arrow and padding; cells their text and padding
      return Math.round(Math.max(c.label.length * 7.5 + 40, p90 * CHAR_PX + 20));
    });
    let widest = -1;
    columns.forEach((c, i) => {
      if (WIDTH_PX[c.type] === null && (widest < 0 || want[i] > want[widest])) widest = i;
    });
    return columns.map((c, i) => {
      const fixed = WIDTH_PX[c.type];
      if (fixed !== null) return fixed;
      if (i === widest) return -Math.max(STRING_MIN_PX, Math.min(STRING_MAX_PX, want[i]));
      return Math.max(STRING_MIN_PX, Math.min(STRING_OTHER_MAX_PX, want[i]));
    });
  }, [columns, rows]);
}

export function EventTable({ result, label, loading, error, csvName = 'events', heightPx = 480, notices }: EventTableProps) {
  if (error) return <VizError label={label} error={error} />;
  if (!result) return loading ? <VizSkeleton label={label} heightPx={heightPx} /> : <VizEmpty label={label}>No events.</VizEmpty>;
  const shown = notices ?? resultNotices({ ...result, kind: 'events' });
  return (
    <div className="space-y-2">
      <ResultNotices notices={shown} />
      {result.rows.length === 0 ? (
        <VizEmpty label={label}>No events were seen{loading ? ' yet' : ' during the run'}.</VizEmpty>
      ) : (
        <EventGrid columns={result.columns} rows={result.rows} label={label} csvName={csvName} heightPx={heightPx} />
      )}
    </div>
  );
}

function useEventColumns(columns: readonly EventColumn[]) {
  return useMemo<ColumnDef<EventRow>[]>(
    () =>
      columns.map((c) => ({
        id: c.key,
        accessorFn: (r: EventRow) => r[c.key],
        header: c.label,
        // numeric columns sort largest first on the first click: that is usually the question
        sortDescFirst: isNumericColumn(c.type),
        meta: c,
      })),
    [columns],
  );
}

function EventGrid({
  columns,
  rows,
  label,
  csvName,
  heightPx,
}: {
  columns: EventColumn[];
  rows: EventRow[];
  label: string;
  csvName: string;
  heightPx: number;
}) {
  const columnDefs = useEventColumns(columns);
  const rowText = useMemo(() => createRowTextIndex(columns), [columns]);
  const [sorting, setSorting] = useState<SortingState>([]);
  const [globalText, setGlobalText] = useState('');
  const [filterTexts, setFilterTexts] = useState<Record<string, string>>({});
  /** the selected row, as the row object (survives re-sorting and new results that keep it) */
  const [selected, setSelected] = useState<EventRow | null>(null);
  const deferredGlobal = useDeferredValue(globalText.trim().toLowerCase());
  const deferredFilters = useDeferredValue(filterTexts);
  const columnFilters = useMemo<ColumnFiltersState>(
    () =>
      Object.entries(deferredFilters)
        .filter(([, v]) => v.trim() !== '')
        .map(([id, value]) => ({ id, value })),
    [deferredFilters],
  );

  // the shown rows, as indexes into `rows`
  const view = useMemo(() => {
    const types = new Map(columns.map((c) => [c.key, c.type]));
    const filters = columnFilters.flatMap((f) => {
      const pred = columnPredicate(types.get(f.id) ?? 'string', String(f.value));
      return pred ? [{ key: f.id, pred }] : [];
    });
    const sort = sorting[0] ? { key: sorting[0].id, desc: sorting[0].desc } : null;
    return computeView(rows, { global: deferredGlobal, rowText, filters, sort });
  }, [rows, columns, columnFilters, deferredGlobal, sorting, rowText]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: view.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    overscan: 16,
    useFlushSync: false,
    // the server render and the first client render show the first rows, not an empty box
    initialRect: { width: 0, height: heightPx },
  });
  const items = virtualizer.getVirtualItems();
  const first = items.length ? items[0].index : 0;
  // the rows are one Tab stop (a live table keeps adding rows: Tab must get past them); arrow keys,
  // PageUp/PageDown and Home/End move inside, Enter opens a row's details. The sort buttons likewise.
  const virt = useRef({ virtualizer, length: 0 });
  virt.current = { virtualizer, length: view.length };
  // stable: a new callback would restart the roving focus (and forget the active row)
  const scrollToEnd = useCallback(
    (where: 'start' | 'end') => virt.current.virtualizer.scrollToIndex(where === 'start' ? 0 : Math.max(0, virt.current.length - 1)),
    [],
  );
  useRovingFocus(scrollRef, 'tr[data-testid="event-row"]', { pageStep: 10, scrollToEnd });
  const headRef = useRef<HTMLTableSectionElement>(null);
  useRovingFocus(headRef, 'button[aria-label^="Sort by"]', { orientation: 'horizontal' });
  const windowRows = useMemo(() => items.map((vi) => rows[view[vi.index]]), [items, rows, view]);

  const table = useReactTable({
    data: windowRows,
    columns: columnDefs,
    state: { sorting, columnFilters },
    onSortingChange: setSorting,
    manualSorting: true,
    manualFiltering: true,
    enableSortingRemoval: true,
    enableMultiSort: false,
    getCoreRowModel: getCoreRowModel(),
    // stable ids: the row's index in the result, whatever the window
    getRowId: (_r, i) => String(view[first + i]),
  });
  const tableRows = table.getRowModel().rows;

  const padTop = items.length ? items[0].start : 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  const filtering = deferredGlobal !== '' || columnFilters.length > 0;
  const stale = deferredGlobal !== globalText.trim().toLowerCase() || deferredFilters !== filterTexts;
  const selectedPos = useMemo(() => {
    if (!selected) return -1;
    const i = rows.indexOf(selected);
    return i < 0 ? -1 : view.indexOf(i);
  }, [selected, rows, view]);

  // stable, so memoized rows that stay in view are not re-rendered on scroll
  const toggle = useCallback((row: EventRow) => setSelected((cur) => (cur === row ? null : row)), []);

  const download = useCallback(() => {
    const csv = toCsv(
      columns,
      view.map((i) => rows[i]),
    );
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${csvName}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    // revoked later: some browsers read the blob after click() returns
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }, [columns, rows, view, csvName]);

  const widths = useColumnWidths(columns, rows);
  const minWidth = widths.reduce<number>((a, w) => a + Math.abs(w ?? 0), 0);

  return (
    <div className="space-y-2" data-testid="event-table">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <input
          type="search"
          value={globalText}
          onChange={(e) => setGlobalText(e.target.value)}
          placeholder="Filter all columns"
          aria-label={`Filter all columns of ${label}`}
          className="w-64 rounded border border-slate-300 px-2 py-1"
        />
        <span data-testid="event-count" aria-live="polite" className={stale ? 'text-slate-600' : 'text-slate-700'}>
          {filtering ? `${view.length.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} rows` : `${rows.length.toLocaleString('en-US')} rows`}
        </span>
        {filtering && (
          <button
            type="button"
            onClick={() => {
              setGlobalText('');
              setFilterTexts({});
            }}
            className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100"
          >
            Clear filters
          </button>
        )}
        <button
          type="button"
          onClick={download}
          disabled={view.length === 0}
          className="ml-auto rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 disabled:opacity-50"
          aria-label={`Download CSV of the ${view.length.toLocaleString('en-US')} shown rows`}
        >
          Download CSV
        </button>
      </div>
      {/* contain: layout and paint stay inside the scroller, so a scroll step re-lays out the table, not the page */}
      <div ref={scrollRef} className="overflow-auto rounded border border-slate-200 bg-white" style={{ maxHeight: heightPx, contain: 'content' }} tabIndex={-1}>
        <table aria-label={label} aria-rowcount={view.length + 2} className="w-full table-fixed border-collapse text-sm" style={{ minWidth }}>
          <colgroup>
            {columns.map((c, i) => (
              <col key={c.key} style={widths[i]! > 0 ? { width: widths[i]! } : undefined} />
            ))}
          </colgroup>
          <thead ref={headRef} className="sticky top-0 z-10 bg-slate-100 text-left text-xs text-slate-700 shadow-[0_1px_0_#e2e8f0]">
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id} aria-rowindex={1}>
                {hg.headers.map((h) => {
                  const c = h.column.columnDef.meta as EventColumn;
                  const dir = h.column.getIsSorted();
                  const unit = columnUnit(c.type);
                  const title = [c.description, unit ? `unit: ${unit}` : null].filter(Boolean).join(' · ') || undefined;
                  return (
                    <th
                      key={h.id}
                      scope="col"
                      aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                      className={`px-2 pt-1.5 font-medium ${isNumericColumn(c.type) ? 'text-right' : ''}`}
                      title={title}
                    >
                      <button
                        type="button"
                        onClick={h.column.getToggleSortingHandler()}
                        className={`inline-flex max-w-full items-center gap-1 truncate hover:text-slate-950 ${isNumericColumn(c.type) ? 'flex-row-reverse' : ''}`}
                        aria-label={`Sort by ${c.label}`}
                      >
                        <span className="truncate">{flexRender(h.column.columnDef.header, h.getContext())}</span>
                        <span aria-hidden="true" className="w-3 text-slate-500">
                          {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}
                        </span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
            <tr aria-rowindex={2}>
              {columns.map((c) => (
                <th key={c.key} scope="col" className="px-1 pb-1.5 pt-1 font-normal">
                  <input
                    type="search"
                    value={filterTexts[c.key] ?? ''}
                    onChange={(e) => setFilterTexts((f) => ({ ...f, [c.key]: e.target.value }))}
                    placeholder={isNumericColumn(c.type) ? '>10, 1..5' : 'text'}
                    aria-label={`Filter ${c.label}`}
                    className="w-full rounded border border-slate-300 bg-white px-1 py-0.5 text-xs font-normal"
                  />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr aria-hidden="true">
                <td colSpan={columns.length} style={{ height: padTop, padding: 0 }} />
              </tr>
            )}
            {items.map((vi, k) => {
              const r = tableRows[k];
              if (!r) return null;
              return <EventRowView key={r.id} row={r.original} columns={columns} index={vi.index} selected={r.original === selected} onToggle={toggle} />;
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true">
                <td colSpan={columns.length} style={{ height: padBottom, padding: 0 }} />
              </tr>
            )}
          </tbody>
        </table>
        {view.length === 0 && <p className="p-4 text-center text-sm text-slate-600">No rows match the filters.</p>}
      </div>
      {selected && selectedPos >= 0 && <EventDetails columns={columns} row={selected} position={selectedPos + 1} onClose={() => setSelected(null)} />}
    </div>
  );
}

interface EventRowViewProps {
  row: EventRow;
  columns: EventColumn[];
  /** position in the shown rows, 0-based */
  index: number;
  selected: boolean;
  onToggle: (row: EventRow) => void;
}

/** One row; memoized: while scrolling, only rows entering the window render. */
const EventRowView = memo(function EventRowView({ row, columns, index, selected, onToggle }: EventRowViewProps) {
  return (
    <tr
      data-testid="event-row"
      data-index={index}
      aria-rowindex={index + 3}
      aria-selected={selected}
      tabIndex={0}
      onClick={() => onToggle(row)}
      onKeyDown={(e) => {
        // the arrow keys move between rows: useRovingFocus in EventTable
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onToggle(row);
        }
      }}
      style={{ height: ROW_PX }}
      className={`cursor-pointer border-b border-slate-100 outline-none focus-visible:bg-indigo-50 focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-400 ${
        selected ? 'bg-indigo-100' : index % 2 ? 'bg-slate-50/60 hover:bg-indigo-50' : 'hover:bg-indigo-50'
      }`}
    >
      {columns.map((c) => (
        <Cell key={c.key} col={c} value={row[c.key]} />
      ))}
    </tr>
  );
});

function Cell({ col, value }: { col: EventColumn; value: EventCellValue | undefined }) {
  const f = formatCell(col.type, value);
  const numeric = isNumericColumn(col.type);
  const title = f.title ?? (typeof value === 'string' && value.length > 24 ? f.text : undefined);
  return (
    <td
      title={title}
      className={`truncate whitespace-nowrap px-2 ${numeric ? 'text-right font-mono tabular-nums' : ''} ${col.type === 'addr' ? 'font-mono' : ''} ${value === null || value === undefined || value === '' ? 'text-slate-600' : ''}`}
    >
      {typeof value === 'string' && value !== '' ? <EscapedText text={value} /> : f.text}
    </td>
  );
}
