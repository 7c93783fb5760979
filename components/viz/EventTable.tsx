'use client';
/**
 * Event table (execsnoop, opensnoop, ext4slower, biosnoop, tcplife, tcpretrans). TanStack Table for
 * sorting and filtering, @tanstack/react-virtual for rows: only the rows in view (plus overscan) are in
 * the DOM, so 100k rows scroll like 100. The table stays a real <table> (spacer rows above and below
 * the rendered window) so screen readers keep headers and cells; aria-rowcount/aria-rowindex say where
 * in the whole table a row is.
 *
 * Pure: rows come in as props, nothing is fetched. Filters apply on deferred values so typing stays
 * responsive while 100k rows are re-filtered.
 */
import {
  type ColumnDef,
  type ColumnFiltersState,
  type FilterFn,
  type Row,
  type SortingState,
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useDeferredValue, useMemo, useRef, useState } from 'react';
import type { EventCellValue, EventColumn, EventTableResult } from '@/lib/tools/types';
import { toCsv } from '@/lib/viz/csv';
import { columnUnit, formatCell, isNumericColumn } from '@/lib/viz/format';
import { type CellPredicate, columnPredicate, compareCells, createRowTextIndex } from '@/lib/viz/filter';
import { type ResultNotice, resultNotices } from '@/lib/viz/notices';
import { EventDetails } from '@/components/viz/EventDetails';
import { EscapedText } from '@/components/viz/EscapedText';
import { ResultNotices, VizEmpty, VizError, VizSkeleton } from '@/components/viz/VizStates';

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
  time: 96,
  int: 84,
  float: 88,
  bytes: 96,
  duration_ms: 104,
  errno: 124,
  addr: 170,
  string: null,
};
/** px per character of the table's text (14px sans), and the clamp of a string column's width */
const CHAR_PX = 7.2;
const STRING_MIN_PX = 56;
const STRING_MAX_PX = 360;

/**
 * Width of each column, px. String columns are sized to their content (the 90th percentile length of
 * up to 500 rows, or the header), so a one-letter column stays narrow and a path column gets room; the
 * last string column has no width and takes what is left of the table's width.
 */
function useColumnWidths(columns: readonly EventColumn[], rows: readonly EventRow[]): Array<number | null> {
  return useMemo(() => {
    const sample = rows.length > 500 ? rows.filter((_, i) => i % Math.ceil(rows.length / 500) === 0) : rows;
    const lastString = columns.map((c) => c.type).lastIndexOf('string');
    return columns.map((c, i) => {
      const fixed = WIDTH_PX[c.type];
      if (fixed !== null) return fixed;
      const lens = sample.map((r) => (typeof r[c.key] === 'string' ? (r[c.key] as string).length : 1)).sort((a, b) => a - b);
      const p90 = lens.length ? lens[Math.floor(lens.length * 0.9)] : 8;
      const px = Math.round(Math.max(c.label.length + 2, p90) * CHAR_PX + 20);
      const w = Math.max(STRING_MIN_PX, Math.min(STRING_MAX_PX, px));
      return i === lastString ? -w : w; // negative: "at least this, takes the rest"
    });
  }, [columns, rows]);
}

/** A column's filter: the filter text is turned into a predicate once per change, not once per row. */
function cellFilter(type: EventColumn['type']): FilterFn<EventRow> {
  const fn: FilterFn<EventRow> = (row, id, pred: CellPredicate) => pred(row.original[id]);
  fn.resolveFilterValue = (text: string) => columnPredicate(type, text) ?? (() => true);
  return fn;
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
        // null -> undefined, so TanStack's sortUndefined keeps empty cells last in both directions
        accessorFn: (r: EventRow) => r[c.key] ?? undefined,
        header: c.label,
        sortingFn: (a: Row<EventRow>, b: Row<EventRow>, id: string) => compareCells(a.original[id], b.original[id]),
        sortUndefined: 'last' as const,
        // numeric columns sort largest first on the first click: that is usually the question
        sortDescFirst: isNumericColumn(c.type),
        filterFn: cellFilter(c.type),
        meta: c,
      })),
    [columns],
  );
}

function EventGrid({ columns, rows, label, csvName, heightPx }: { columns: EventColumn[]; rows: EventRow[]; label: string; csvName: string; heightPx: number }) {
  const columnDefs = useEventColumns(columns);
  const rowText = useMemo(() => createRowTextIndex(columns), [columns]);
  const [sorting, setSorting] = useState<SortingState>([]);
  const [globalText, setGlobalText] = useState('');
  const [filterTexts, setFilterTexts] = useState<Record<string, string>>({});
  const [selected, setSelected] = useState<EventRow | null>(null);
  const deferredGlobal = useDeferredValue(globalText.trim().toLowerCase());
  const deferredFilters = useDeferredValue(filterTexts);
  const columnFilters = useMemo<ColumnFiltersState>(
    () => Object.entries(deferredFilters).filter(([, v]) => v.trim() !== '').map(([id, value]) => ({ id, value })),
    [deferredFilters],
  );
  const firstId = columns[0]?.key;

  const table = useReactTable({
    data: rows,
    columns: columnDefs,
    state: { sorting, globalFilter: deferredGlobal, columnFilters },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    // The global filter runs once per row on a cached whole-row text, not once per cell: only the
    // first column "can" global-filter and its filter looks at the entire row.
    getColumnCanGlobalFilter: (col) => col.id === firstId,
    globalFilterFn: (row, _id, needle: string) => rowText(row.original).includes(needle),
    enableSortingRemoval: true,
  });

  const tableRows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    overscan: 16,
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items.length ? items[0].start : 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;

  const filtering = deferredGlobal !== '' || columnFilters.length > 0;
  const stale = deferredGlobal !== globalText.trim().toLowerCase() || deferredFilters !== filterTexts;
  const selectedIndex = selected ? tableRows.findIndex((r) => r.original === selected) : -1;

  const download = useCallback(() => {
    const csv = toCsv(columns, table.getRowModel().rows.map((r) => r.original));
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${csvName}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    // revoked later: some browsers read the blob after click() returns
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }, [columns, table, csvName]);

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
        <span data-testid="event-count" aria-live="polite" className={stale ? 'text-slate-400' : 'text-slate-700'}>
          {filtering ? `${tableRows.length.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} rows` : `${rows.length.toLocaleString('en-US')} rows`}
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
          disabled={tableRows.length === 0}
          className="ml-auto rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 disabled:opacity-50"
          aria-label={`Download CSV of the ${tableRows.length.toLocaleString('en-US')} shown rows`}
        >
          Download CSV
        </button>
      </div>
      <div ref={scrollRef} className="overflow-auto rounded border border-slate-200 bg-white" style={{ maxHeight: heightPx }} tabIndex={-1}>
        <table
          aria-label={label}
          aria-rowcount={tableRows.length + 2}
          className="w-full table-fixed border-collapse text-sm"
          style={{ minWidth }}
        >
          <colgroup>
            {columns.map((c, i) => (
              <col key={c.key} style={widths[i]! > 0 ? { width: widths[i]! } : undefined} />
            ))}
          </colgroup>
          <thead className="sticky top-0 z-10 bg-slate-100 text-left text-xs text-slate-700 shadow-[0_1px_0_#e2e8f0]">
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
                    placeholder={isNumericColumn(c.type) ? '>10, 1..5' : 'contains'}
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
            {items.map((vi) => {
              const r = tableRows[vi.index];
              const isSel = r.original === selected;
              return (
                <tr
                  key={r.id}
                  data-testid="event-row"
                  data-index={vi.index}
                  aria-rowindex={vi.index + 3}
                  aria-selected={isSel}
                  tabIndex={0}
                  onClick={() => setSelected(isSel ? null : r.original)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      setSelected(isSel ? null : r.original);
                    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                      e.preventDefault();
                      const next = (e.currentTarget as HTMLElement)[e.key === 'ArrowDown' ? 'nextElementSibling' : 'previousElementSibling'];
                      if (next instanceof HTMLElement && next.dataset.testid === 'event-row') next.focus();
                    }
                  }}
                  style={{ height: ROW_PX }}
                  className={`cursor-pointer border-b border-slate-100 outline-none focus-visible:bg-indigo-50 focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-400 ${
                    isSel ? 'bg-indigo-100' : vi.index % 2 ? 'bg-slate-50/60 hover:bg-indigo-50' : 'hover:bg-indigo-50'
                  }`}
                >
                  {columns.map((c) => (
                    <Cell key={c.key} col={c} value={r.original[c.key]} />
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true">
                <td colSpan={columns.length} style={{ height: padBottom, padding: 0 }} />
              </tr>
            )}
          </tbody>
        </table>
        {tableRows.length === 0 && <p className="p-4 text-center text-sm text-slate-600">No rows match the filters.</p>}
      </div>
      {selected && selectedIndex >= 0 && (
        <EventDetails columns={columns} row={selected} position={selectedIndex + 1} onClose={() => setSelected(null)} />
      )}
    </div>
  );
}

function Cell({ col, value }: { col: EventColumn; value: EventCellValue | undefined }) {
  const f = formatCell(col.type, value);
  const numeric = isNumericColumn(col.type);
  const title = f.title ?? (typeof value === 'string' && value.length > 24 ? f.text : undefined);
  return (
    <td
      title={title}
      className={`truncate whitespace-nowrap px-2 ${numeric ? 'text-right font-mono tabular-nums' : ''} ${col.type === 'addr' ? 'font-mono' : ''} ${value === null || value === undefined || value === '' ? 'text-slate-400' : ''}`}
    >
      {typeof value === 'string' && value !== '' ? <EscapedText text={value} /> : f.text}
    </td>
  );
}
