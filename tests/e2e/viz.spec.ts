/**
 * The visualization components in real Chromium, through the dev gallery (/dev/viz, served because
 * playwright.config.ts sets BPFDECK_DEV_GALLERY=1). The values expected on screen are computed here
 * from the same real captures with the same parsers and pure helpers, so the test checks that what is
 * drawn is the data: row counts, sort order, filters, the CSV file, heat map cells and tooltips, chart
 * points, graph edges, flame graph frames and top functions; then the loading, empty, partial and
 * error states, and the large generated inputs (timings printed, never asserted).
 *
 * Screenshots of every view go to test-results/viz-*.png.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Locator, type Page, expect, test } from '@playwright/test';
import { GALLERY_TOOLS, findCapture, parseRecords } from '@/app/dev/viz/captures';
import { sessionCookieNameFor } from '@/lib/auth/security-headers';
import { getTool } from '@/lib/tools/catalog';
import type {
  BlockIoResult,
  ConnectionsResult,
  EventCellValue,
  EventTableResult,
  LatencyHeatmapResult,
  ProfileResult,
  TimeSeriesResult,
  ToolResult,
} from '@/lib/tools/types';
import { toCsv } from '@/lib/viz/csv';
import { columnPredicate, createRowTextIndex } from '@/lib/viz/filter';
import { topFunctions } from '@/lib/viz/flame';
import { formatCell, formatDuration, isNumericColumn } from '@/lib/viz/format';
import { layoutGraph } from '@/lib/viz/graph';
import { buildLatencyGrid, gridStats, latencyBucketLabel } from '@/lib/viz/heatmap';

const SHOTS = 'test-results';
const n = (v: number) => v.toLocaleString('en-US');

/**
 * The fixed captures the gallery shows (real bpftrace 0.23.2 output committed under tests/fixtures),
 * and the results parsed here from the same files. Every gallery tool has one: a capture that went
 * missing fails here, instead of the checks below passing on an empty view.
 */
const CAPTURES: Record<string, string> = Object.fromEntries(
  ['execsnoop', 'opensnoop', 'ext4slower', 'biosnoop', 'tcplife', 'tcpretrans', 'biolatency', 'runqlat', 'cachestat', 'profile'].map((id) => [
    id,
    `tests/fixtures/${id}/0.23.2/${id}.jsonl`,
  ]),
);
const EXPECTED = new Map<string, ToolResult>(
  GALLERY_TOOLS.map((t) => {
    const cap = findCapture(t.id);
    if (!cap || !getTool(t.id)) throw new Error(`the gallery tool ${t.id} has no capture or no parser`);
    if (cap.source !== CAPTURES[t.id]) throw new Error(`the gallery shows ${cap.source} for ${t.id}, expected the fixed capture ${CAPTURES[t.id]}`);
    return [t.id, parseRecords(t.id, cap.records)];
  }),
);

type TableData = Pick<EventTableResult, 'columns' | 'rows'>;
const TABLE_TOOLS = ['execsnoop', 'opensnoop', 'ext4slower', 'tcpretrans', 'biosnoop', 'tcplife'];

function section(page: Page, toolId: string): Locator {
  return page.getByTestId(`gallery-${toolId}`);
}

/** Opens the gallery (signed in: the "e2e" project runs with the admin's storage state). Returns the page's errors so far, growing. */
async function openGallery(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // failed loads are reported below with their URL
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  const res = await page.goto('/dev/viz');
  expect(res?.status()).toBe(200);
  return errors;
}

async function shot(loc: Locator, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await loc.scrollIntoViewIfNeeded();
  await loc.screenshot({ path: path.join(SHOTS, `viz-${name}.png`) });
}

/** Texts of the cells of the first rendered row. */
async function firstRowCells(table: Locator): Promise<string[]> {
  return table.getByTestId('event-row').first().locator('td').allTextContents();
}

const cellText = (t: TableData, key: string, v: EventCellValue | undefined) => formatCell(t.columns.find((c) => c.key === key)!.type, v).text;

/** A numeric column whose values differ, to sort by. */
function sortableColumn(t: TableData) {
  return t.columns.find((c) => isNumericColumn(c.type) && new Set(t.rows.map((r) => r[c.key]).filter((v) => typeof v === 'number')).size > 1);
}

/** A string value of the middle row (a comm or path), to filter by. */
function needleOf(t: TableData): string | null {
  const row = t.rows[Math.floor(t.rows.length / 2)];
  for (const c of t.columns) {
    const v = row[c.key];
    if (c.type === 'string' && typeof v === 'string' && v.length >= 3 && /^[\x20-\x7e]+$/.test(v)) return v.slice(0, 12);
  }
  return null;
}

async function checkEventTable(page: Page, scope: Locator, t: TableData, name: string): Promise<void> {
  const table = scope.getByTestId('event-table').first();
  const count = table.getByTestId('event-count');
  await expect(count).toHaveText(`${n(t.rows.length)} rows`);
  await expect(table.getByTestId('event-row').first()).toBeVisible();
  const rendered = await table.getByTestId('event-row').count();
  expect(rendered).toBeGreaterThan(0);
  expect(rendered).toBeLessThanOrEqual(t.rows.length);
  // the first row is the first event, each cell formatted by its column type
  expect(await firstRowCells(table)).toEqual(t.columns.map((c) => formatCell(c.type, t.rows[0][c.key]).text));
  const headers = table.locator('thead tr').first().locator('th');
  await expect(headers).toHaveCount(t.columns.length);
  for (const th of await headers.all()) expect(await th.getAttribute('scope')).toBe('col');

  // sort: numeric columns sort numerically, largest first on the first click, then smallest
  const found = sortableColumn(t);
  expect(found, `${name}: the capture has a numeric column with different values, to sort and filter by`).toBeDefined();
  const col = found!;
  {
    const idx = t.columns.indexOf(col);
    const nums = t.rows.map((r) => r[col.key]).filter((v): v is number => typeof v === 'number');
    const sortBtn = table.getByRole('button', { name: `Sort by ${col.label}`, exact: true });
    await sortBtn.click();
    await expect(table.locator('thead th').nth(idx)).toHaveAttribute('aria-sort', 'descending');
    await expect.poll(async () => (await firstRowCells(table))[idx]).toBe(cellText(t, col.key, Math.max(...nums)));
    await sortBtn.click();
    await expect(table.locator('thead th').nth(idx)).toHaveAttribute('aria-sort', 'ascending');
    await expect.poll(async () => (await firstRowCells(table))[idx]).toBe(cellText(t, col.key, Math.min(...nums)));
    await sortBtn.click(); // back to arrival order
    await expect(table.locator('thead th').nth(idx)).toHaveAttribute('aria-sort', 'none');
    await expect.poll(() => firstRowCells(table)).toEqual(t.columns.map((c) => formatCell(c.type, t.rows[0][c.key]).text));
  }

  // global filter: the count narrows to the rows holding the text
  const rowText = createRowTextIndex(t.columns);
  const needle = needleOf(t)!;
  expect(needle, `${name}: the capture's middle row has a printable text cell to filter by`).not.toBeNull();
  {
    const want = t.rows.filter((r) => rowText(r).includes(needle.toLowerCase())).length;
    await table.getByRole('searchbox', { name: /^Filter all columns/ }).fill(needle);
    await expect(count).toHaveText(`${n(want)} of ${n(t.rows.length)} rows`);
    expect(want).toBeGreaterThan(0);
    await table.getByRole('button', { name: 'Clear filters' }).click();
    await expect(count).toHaveText(`${n(t.rows.length)} rows`);
  }

  // column filter + CSV of the filtered rows (raw values, arrival order)
  {
    const sorted = t.rows
      .map((r) => r[col.key])
      .filter((v): v is number => typeof v === 'number')
      .sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const pred = columnPredicate(col.type, `>=${median}`)!;
    const kept = t.rows.filter((r) => pred(r[col.key]));
    await table.getByRole('searchbox', { name: `Filter ${col.label}`, exact: true }).fill(`>=${median}`);
    await expect(count).toHaveText(`${n(kept.length)} of ${n(t.rows.length)} rows`);
    const [download] = await Promise.all([page.waitForEvent('download'), table.getByRole('button', { name: /^Download CSV/ }).click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(csv).toBe(toCsv(t.columns, kept));
    await table.getByRole('button', { name: 'Clear filters' }).click();
    await expect(count).toHaveText(`${n(t.rows.length)} rows`);
  }

  // row details: every field, strings with visible escapes
  await table.getByTestId('event-row').first().click();
  const details = table.getByTestId('event-details');
  await expect(details).toBeVisible();
  for (const c of t.columns) {
    const v = t.rows[0][c.key];
    await expect(details.locator(`[data-field="${c.key}"]`)).toContainText(formatCell(c.type, v).text);
  }
  await shot(scope, `event-table-${name}`);
  await details.getByRole('button', { name: 'Close' }).press('Enter');
  await expect(details).toHaveCount(0);
}

test.describe('visualization gallery', () => {
  test('every tool shows its fixed real capture', async ({ page }) => {
    const errors = await openGallery(page);
    for (const t of GALLERY_TOOLS) {
      const s = section(page, t.id);
      await expect(s).toBeVisible();
      await expect(s).toHaveAttribute('data-has-result', '1');
      await expect(s.getByTestId('viz-empty')).toHaveCount(0);
      await expect(s.getByTestId('viz-error')).toHaveCount(0);
    }
    await page.waitForTimeout(500);
    expect(errors).toEqual([]);
  });

  test('generic views of real captures: upstream tools as tables, interval hists as heat maps, stacks as a flame graph', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1280, height: 900 });
    expect((await page.goto('/dev/viz?version=0.23.2'))?.status()).toBe(200);
    // the workload of tests/fixtures/generic/capture.sh on fleet21: 5 marker execs, 3 signal-0 kills + 1 SIGTERM
    const exec = page.getByTestId('gallery-generic-execsnoop');
    await expect(exec.locator('[data-section-type=table]')).toHaveCount(1);
    await expect(exec.getByTestId('event-row').filter({ hasText: '/bin/echo bpfdeck-gen-fleet21-exec a b c' })).toHaveCount(5);
    await expect(exec.getByRole('columnheader', { name: /PPID/ })).toHaveCount(1);
    await shot(exec, 'generic-execsnoop');
    const target = fs.readFileSync('tests/fixtures/generic/0.23.2/killsnoop.target', 'utf8').trim();
    const kill = page.getByTestId('gallery-generic-killsnoop');
    await expect(kill.getByTestId('event-row').filter({ hasText: target })).toHaveCount(4);
    const sizes = page.getByTestId('gallery-generic-sizes');
    await expect(sizes.getByTestId('latency-heatmap')).toHaveCount(2);
    await expect(sizes.getByTestId('generic-stats')).toHaveCount(1);
    await shot(sizes, 'generic-sizes');
    const sys = page.getByTestId('gallery-generic-syscount');
    const dd = sys.getByTestId('generic-map').locator('tr', { hasText: /^dd/ });
    await expect(dd).toHaveCount(1);
    expect(Number((await dd.locator('td').last().textContent())!.replace(/,/g, ''))).toBeGreaterThanOrEqual(200_000);
    await shot(sys, 'generic-syscount');
    const st = page.getByTestId('gallery-generic-stacks_tuples');
    await expect
      .poll(async () => (await st.locator('[data-testid=flamegraph] svg title').allTextContents()).some((t) => t.startsWith('bpfdeck_busy_loop')), {
        timeout: 15_000,
      })
      .toBe(true);
    await expect(st.getByTestId('generic-map').locator('tr', { hasText: '1,234' })).toHaveCount(1);
    await shot(st, 'generic-stacks');
    const rq = page.getByTestId('gallery-generic-runqlat');
    await expect(rq.getByTestId('generic-histogram')).toHaveCount(1);
    await expect(rq.getByText(/helper error/)).toHaveCount(1);
    await shot(rq, 'generic-runqlat');
    expect(errors).toEqual([]);
  });

  test('event tables: rows, numeric sort, filters, CSV download, row details', async ({ page }) => {
    await openGallery(page);
    let checked = 0;
    for (const id of TABLE_TOOLS) {
      const r = EXPECTED.get(id) as EventTableResult | BlockIoResult | ConnectionsResult;
      expect(r.rows.length, `${id}: rows in ${CAPTURES[id]}`).toBeGreaterThan(0);
      await checkEventTable(page, section(page, id), r, id);
      checked++;
    }
    expect(checked).toBe(TABLE_TOOLS.length);
  });

  test('flame graph: frames, top functions, highlight from the table', async ({ page }) => {
    await openGallery(page);
    const r = EXPECTED.get('profile') as ProfileResult;
    const s = section(page, 'profile');
    const frames = s.locator('[data-testid=flamegraph] svg g');
    await expect.poll(() => frames.count(), { timeout: 15_000 }).toBeGreaterThan(5);
    const titles = await s.locator('[data-testid=flamegraph] svg title').allTextContents();
    expect(titles.some((x) => x.startsWith('bpfdeck_busy_loop'))).toBe(true);

    const top = topFunctions(r.root, 30);
    const rows = s.getByTestId('top-function-row');
    await expect(rows).toHaveCount(Math.min(30, top.functions));
    await expect(rows.first().locator('td').nth(1)).toHaveText(top.rows[0].name);
    await expect(rows.first().locator('[data-col=self]')).toHaveText(n(top.rows[0].self));
    const byTotal = topFunctions(r.root, 30, 'total');
    await s.getByRole('button', { name: 'Sort by Total' }).click();
    await expect(rows.first().locator('td').nth(1)).toHaveText(byTotal.rows[0].name);
    await expect(rows.first().locator('[data-col=total]')).toHaveText(n(byTotal.rows[0].total));

    // picking a function highlights it: d3-flame-graph's own sum of the matches equals our total
    const f = byTotal.rows.find((x) => x.name === 'bpfdeck_busy_loop')!;
    await s.getByRole('button', { name: 'Highlight bpfdeck_busy_loop in the flame graph' }).click();
    await expect(s.getByTestId('flame-search-share')).toContainText(`matched ${n(f.total)} of ${n(r.samplesInTree)} samples`);
    await shot(s, 'flamegraph');
  });

  test('latency heat maps: cells, hover and keyboard tooltips, histogram, percentiles', async ({ page }) => {
    await openGallery(page);
    let checked = 0;
    for (const id of ['biolatency', 'runqlat']) {
      const r = EXPECTED.get(id) as LatencyHeatmapResult;
      expect(r.count, `${id}: events in ${CAPTURES[id]}`).toBeGreaterThan(0);
      checked++;
      const s = section(page, id);
      const grid = buildLatencyGrid(r);
      const canvas = s.getByTestId('latency-heatmap-canvas');
      await expect(canvas).toHaveAttribute('data-columns', String(grid.nCols));
      await expect(canvas).toHaveAttribute('data-rows', String(grid.rows.length));
      await expect(canvas).toHaveAttribute('data-cells', String(grid.nonZero));
      await expect(s.getByTestId('histogram-bar')).toHaveCount(grid.rows.length);
      for (const p of ['p50', 'p90', 'p99'] as const) {
        if (r[p] !== null) await expect(s.getByTestId('latency-percentiles')).toContainText(`${p} ${formatDuration(r[p]!, r.unit)}`);
      }
      // the hottest cell (first maximum, column by column), hovered where the canvas says it is
      let hot = { c: 0, r: 0, v: -1 };
      for (let c = 0; c < grid.nCols; c++)
        for (let k = 0; k < grid.rows.length; k++)
          if (grid.counts[c * grid.rows.length + k] > hot.v) hot = { c, r: k, v: grid.counts[c * grid.rows.length + k] };
      await expect(canvas).toHaveAttribute('data-hot-x', /^\d/); // set once the canvas is laid out
      const x = Number(await canvas.getAttribute('data-hot-x'));
      const y = Number(await canvas.getAttribute('data-hot-y'));
      await canvas.hover({ position: { x, y } });
      const tip = s.getByTestId('heatmap-tooltip');
      await expect(tip).toContainText(latencyBucketLabel(grid.rows[hot.r], r.unit));
      await expect(tip).toContainText(n(hot.v));
      await expect(tip).toContainText(/t \d+\.\d–\d+\.\d s/);
      await shot(s, `latency-heatmap-${id}`);
      await page.mouse.move(0, 0);
      await expect(tip).toHaveCount(0);
      // keyboard: focus lands on the hottest cell, arrows move
      await canvas.focus();
      await expect(tip).toContainText(n(hot.v));
      const before = await tip.textContent();
      await canvas.press(hot.c > 0 ? 'ArrowLeft' : 'ArrowRight');
      await expect(tip).not.toHaveText(before!);
      await canvas.press('Escape');
    }
    expect(checked).toBe(2);
  });

  test('offset heat map: cells and tooltip', async ({ page }) => {
    const r = EXPECTED.get('biosnoop') as BlockIoResult | null;
    expect(!r || r.offsetHeatmap.rows === 0, 'the biosnoop capture (tests/fixtures/biosnoop) must give an offset heat map').toBe(false);
    await openGallery(page);
    const s = section(page, 'biosnoop');
    const h = r!.offsetHeatmap;
    const canvas = s.getByTestId('offset-heatmap-canvas');
    await expect(canvas).toHaveAttribute('data-columns', String(h.cells.length));
    await expect(canvas).toHaveAttribute('data-rows', String(h.rows));
    const { max, nonZero } = gridStats(h.cells);
    await expect(canvas).toHaveAttribute('data-cells', String(nonZero));
    await expect(canvas).toHaveAttribute('data-hot-x', /^\d/);
    await canvas.hover({ position: { x: Number(await canvas.getAttribute('data-hot-x')), y: Number(await canvas.getAttribute('data-hot-y')) } });
    const tip = s.getByTestId('heatmap-tooltip');
    await expect(tip).toContainText(`${n(max)} I/O`);
    await expect(tip).toContainText(/offset \[.+\)/);
    await expect(tip).toContainText(/sectors [\d,]+–[\d,]+/);
    await shot(s.getByTestId('offset-heatmap'), 'offset-heatmap');
  });

  test('cache charts: one point per second per series, ratio gaps, method text', async ({ page }) => {
    const r = EXPECTED.get('cachestat') as TimeSeriesResult | null;
    expect(!r || r.points.length === 0, 'the cachestat capture (tests/fixtures/cachestat) must give chart points').toBe(false);
    await openGallery(page);
    const s = section(page, 'cachestat');
    const pts = r!.points;
    if (pts.length <= 180) {
      await expect(s.locator('[data-testid=cache-rates-chart] .recharts-line-dots circle')).toHaveCount(3 * pts.length);
      await expect(s.locator('[data-testid=hit-ratio-chart] .recharts-line-dots circle')).toHaveCount(pts.filter((p) => p.hitRatioPct !== null).length);
    }
    await expect(s.locator('[data-testid=cache-rates-chart] .recharts-line')).toHaveCount(3);
    await expect(s.getByTestId('timeseries-method')).toHaveText(r!.method);
    // hover: the tooltip names the series with per-second units
    await s.locator('[data-testid=cache-rates-chart] .recharts-wrapper').hover();
    await expect(s.locator('[data-testid=cache-rates-chart] .recharts-tooltip-wrapper')).toContainText('hits/s');
    await shot(s, 'timeseries');
  });

  test('connection graph: endpoints, weighted edges, hover and focus details', async ({ page }) => {
    const r = EXPECTED.get('tcplife') as ConnectionsResult | null;
    expect(!r || r.graph.nodes.length === 0, 'the tcplife capture (tests/fixtures/tcplife) must give graph nodes').toBe(false);
    await openGallery(page);
    const s = section(page, 'tcplife');
    const layout = layoutGraph(r!.graph);
    await expect(s.getByTestId('graph-node')).toHaveCount(layout.nodes.length);
    await expect(s.getByTestId('graph-edge')).toHaveCount(layout.edges.length);
    const widths = await s.getByTestId('graph-edge').evaluateAll((els) => els.map((e) => Number(e.getAttribute('stroke-width'))));
    expect(widths.sort((a, b) => a - b)).toEqual(layout.edges.map((e) => e.widthPx).sort((a, b) => a - b));
    // hover a point on the curve itself (the middle of its bounding box may be off the stroke)
    const edge = s.getByTestId('graph-edge').last();
    await edge.scrollIntoViewIfNeeded();
    const pt = await edge.evaluate((p) => {
      const path = p as SVGPathElement;
      const m = path.getPointAtLength(path.getTotalLength() / 2);
      const ctm = path.getScreenCTM()!;
      return { x: m.x * ctm.a + m.y * ctm.c + ctm.e, y: m.x * ctm.b + m.y * ctm.d + ctm.f };
    });
    await page.mouse.move(pt.x, pt.y);
    await expect(s.getByTestId('graph-details')).toContainText('→');
    await s.getByTestId('graph-node').first().focus();
    await expect(s.getByTestId('graph-details')).toContainText('connections with');
    await shot(s.getByTestId('connection-graph'), 'connection-graph');
  });

  test('states: loading, empty, partial and error for every view', async ({ page }) => {
    await openGallery(page);
    const demos = page.getByTestId('state-demo');
    const total = await demos.count();
    expect(total).toBeGreaterThanOrEqual(6);
    const stderr = fs
      .readFileSync('tests/fixtures/bpftrace/0.23.2/err_kprobe.stderr', 'utf8')
      .split('\n')
      .find((l) => l.trim())!;
    const seen = new Set<string>();
    for (const d of await demos.all()) {
      const state = (await d.getAttribute('data-state'))!;
      const tool = (await d.getAttribute('data-tool'))!;
      seen.add(state);
      if (state === 'loading') {
        await expect(d.getByTestId('viz-loading').first()).toBeVisible();
        await expect(d.getByRole('status').first()).toHaveAttribute('aria-label', /loading/);
      } else if (state === 'error') {
        await expect(d.getByRole('alert')).toContainText(stderr.trim().slice(0, 40));
      } else if (state === 'empty') {
        await expect(d.getByTestId('viz-empty').first()).toBeVisible();
      } else if (state === 'partial') {
        const notices = d.getByTestId('viz-notices').first();
        if (tool === 'profile') await expect(notices.locator('[data-notice=pruned]')).toBeVisible();
        else await expect(notices.locator('[data-notice=lost-events]')).toContainText(/[\d,]+ events? lost/);
        if (TABLE_TOOLS.includes(tool)) {
          await expect(notices.locator('[data-notice=rows-dropped]')).toContainText('row cap');
        }
      }
      await shot(d, `state-${tool}-${state}`);
    }
    expect([...seen].sort()).toEqual(['empty', 'error', 'loading', 'partial']);
  });

  test('large inputs: a 100k-row table and a 100k-sample flame graph (figures printed)', async ({ page }) => {
    test.setTimeout(240_000);
    await openGallery(page);
    const figures: Record<string, unknown> = {};
    const perfTable = page.getByTestId('perf-table');
    await expect(perfTable, 'the gallery has its 100k-row table demo').toHaveCount(1);
    {
      await perfTable.getByRole('button', { name: /^Generate 100,000 rows/ }).click();
      const table = perfTable.getByTestId('event-table');
      await expect(table.getByTestId('event-count')).toHaveText('100,000 rows', { timeout: 60_000 });
      await expect(perfTable.getByTestId('perf-table-timing')).toContainText(/painted \d+ ms/);
      figures.tableTiming = await perfTable.getByTestId('perf-table-timing').textContent();
      await expect(table.getByTestId('event-row').first()).toBeVisible();
      const rendered = await table.getByTestId('event-row').count();
      expect(rendered).toBeLessThan(120); // virtualized: only the window is in the DOM
      // scroll through: time from setting scrollTop to the second frame after, per step
      // (baseline: the same two frames without scrolling, i.e. what the browser's frame rate allows)
      const { steps, idle } = await table
        .locator('div.overflow-auto')
        .first()
        .evaluate(async (sc) => {
          const twoFrames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          const idle: number[] = [];
          for (let i = 0; i < 10; i++) {
            const t0 = performance.now();
            await twoFrames();
            idle.push(performance.now() - t0);
          }
          const steps: number[] = [];
          for (let i = 1; i <= 30; i++) {
            const t0 = performance.now();
            sc.scrollTop = (i / 30) * (sc.scrollHeight - sc.clientHeight);
            await twoFrames();
            steps.push(performance.now() - t0);
          }
          return { steps, idle };
        });
      // steady scrolling: 84 px (3 rows) per frame for 180 frames, as a fast wheel or drag does
      figures.steadyScroll = await table
        .locator('div.overflow-auto')
        .first()
        .evaluate(async (sc) => {
          sc.scrollTop = 0;
          const gaps: number[] = [];
          let last = performance.now();
          for (let i = 0; i < 180; i++) {
            sc.scrollTop += 84;
            await new Promise((r) => requestAnimationFrame(r));
            const now = performance.now();
            gaps.push(now - last);
            last = now;
          }
          gaps.sort((a, b) => a - b);
          return {
            frameMsMedian: +gaps[90].toFixed(1),
            frameMsP95: +gaps[171].toFixed(1),
            frameMsMax: +gaps[179].toFixed(1),
            framesOver34ms: gaps.filter((g) => g > 34).length,
            of: gaps.length,
          };
        });
      steps.sort((a, b) => a - b);
      idle.sort((a, b) => a - b);
      figures.scrollTwoFramesMs = { median: +steps[15].toFixed(1), max: +steps[steps.length - 1].toFixed(1), idleMedian: +idle[5].toFixed(1) };
      await table
        .locator('div.overflow-auto')
        .first()
        .evaluate((sc) => (sc.scrollTop = sc.scrollHeight));
      await expect(table.getByTestId('event-row').last()).toHaveAttribute('aria-rowindex', String(100_000 + 2));
      await shot(perfTable, 'perf-table');
      // sorting 100k rows by a numeric column
      const firstNumeric = table.locator('thead tr').first().locator('th button').nth(0);
      const t0 = Date.now();
      await firstNumeric.click();
      await expect(table.locator('thead th').first()).toHaveAttribute('aria-sort', /ascending|descending/);
      figures.sort100kMs = Date.now() - t0;
      const t1 = Date.now();
      await table.getByRole('searchbox', { name: /^Filter all columns/ }).fill('zzz-no-such-text');
      await expect(table.getByTestId('event-count')).toHaveText('0 of 100,000 rows');
      figures.filter100kMs = Date.now() - t1;
    }

    const perfFlame = page.getByTestId('perf-flame');
    const timing = perfFlame.getByTestId('perf-flame-timing');
    await perfFlame.getByRole('button', { name: 'Generate it with 20,000 frames (node cap only)' }).click();
    await expect(timing).toContainText(/drawn \d+ ms/, { timeout: 60_000 });
    figures.flame20kFramesTiming = await timing.textContent();
    await expect(perfFlame.locator('[data-notice=pruned]')).toContainText('→ 20,000 frames');
    await shot(perfFlame, 'perf-flame-20k');
    await perfFlame.getByRole('button', { name: 'Generate a 100k-sample profile' }).click();
    await expect(timing).not.toContainText('20,000 after pruning');
    await expect(timing).toContainText(/after pruning .* drawn \d+ ms/, { timeout: 60_000 });
    figures.flameServerPrunedTiming = await timing.textContent();
    expect(await perfFlame.locator('[data-testid=flamegraph] svg g').count()).toBeGreaterThan(100);
    await expect(perfFlame.getByTestId('top-function-row')).toHaveCount(30);
    const t2 = Date.now();
    await perfFlame.getByLabel('Search frames').fill('main');
    await expect(perfFlame.getByTestId('flame-search-share')).toContainText(/matched [1-9]/);
    figures.flameSearchMs = Date.now() - t2;
    await shot(perfFlame, 'perf-flame');
    const perfGraph = page.getByTestId('perf-graph');
    await expect(perfGraph, 'the gallery has its large graph demo').toHaveCount(1);
    {
      await perfGraph.getByRole('button', { name: /^Generate a \d+-endpoint graph/ }).click();
      await expect(perfGraph.getByTestId('graph-node')).toHaveCount(200);
      await expect(perfGraph.getByTestId('graph-more')).toContainText(/^\d+ more endpoints/);
      await shot(perfGraph, 'perf-graph');
    }
    fs.writeFileSync(path.join(SHOTS, 'viz-perf.json'), JSON.stringify(figures, null, 2));
    console.log('viz performance figures:', JSON.stringify(figures, null, 2));
  });
});

test('the gallery is a 404 without BPFDECK_DEV_GALLERY=1', async ({ baseURL }) => {
  test.setTimeout(90_000);
  // Any session cookie gets a page request past the proxy's sign-in redirect to the page itself; the
  // gallery must answer 404 before it even checks the session (the enabled server redirects to sign in).
  const cookie = `${sessionCookieNameFor(false)}=not-a-session`;
  const get = (base: string) =>
    fetch(`${base}/dev/viz`, { headers: { cookie }, redirect: 'manual' }).then(
      (r) => r.status,
      () => 0,
    );
  expect(await get(baseURL!)).not.toBe(404);

  const port = Number(process.env.E2E_PORT ?? 3217) + 1;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-e2e-nogallery-'));
  const env: NodeJS.ProcessEnv = { ...process.env, BPFDECK_DATA_DIR: dataDir };
  delete env.BPFDECK_DEV_GALLERY;
  const server: ChildProcess = spawn('npx', ['next', 'start', '-p', String(port), '-H', '127.0.0.1'], { env, detached: true, stdio: 'ignore' });
  try {
    let status = 0;
    for (let i = 0; i < 120 && status === 0; i++) {
      status = await get(`http://127.0.0.1:${port}`);
      if (status === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(404);
  } finally {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
