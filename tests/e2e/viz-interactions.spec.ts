/**
 * The interactions of the profile, compare, heat map and connection graph views, in Chromium, on
 * reports imported from the real captures under tests/fixtures (no bpftrace runs: no fleet lock).
 * Expected values are computed here from the same captures with the same pure helpers:
 *  - compare opens with the differential graph's root in view (no scrolling), searches, zooms and
 *    resets; its choosers show the time first; the tab names both reports;
 *  - a profile's sandwich view (from the table and from the zoomed frame), "hide idle", the tooltip
 *    at the pointer, and the URL state: a copied link opens with the same search, zoom, sandwich and
 *    hide idle;
 *  - brushing a time range filters the latency histogram (biolatency) and the event table (biosnoop);
 *  - tcplife's graph groups a command's PIDs and expands on click.
 * Screenshots go to test-results/vizi-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { type Locator, type Page, expect, test } from '@playwright/test';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { getTool } from '@/lib/tools/catalog';
import type { BlockIoResult, ConnectionsResult, LatencyHeatmapResult, ProfileResult } from '@/lib/tools/types';
import { latencyRange, offsetRangeSeconds, rowsInTime } from '@/lib/viz/brush';
import { topFunctions } from '@/lib/viz/flame';
import { layoutGraph } from '@/lib/viz/graph';
import { groupByCommand } from '@/lib/viz/graph-group';
import { withoutIdle } from '@/lib/viz/idle';
import { sandwich } from '@/lib/viz/sandwich';

const SHOTS = 'test-results';
const n = (v: number) => v.toLocaleString('en-US');

interface Capture {
  toolId: string;
  file: string;
  version: string;
  hostName: string;
}
const CAPTURES = {
  profileA: { toolId: 'profile', file: 'tests/fixtures/profile/0.23.2/profile.jsonl', version: '0.23.2', hostName: 'vizhost' },
  profileB: { toolId: 'profile', file: 'tests/fixtures/profile/0.23.2-30s/profile.jsonl.gz', version: '0.23.2', hostName: 'vizhost' },
  biolatency: { toolId: 'biolatency', file: 'tests/fixtures/biolatency/0.23.2/biolatency.jsonl', version: '0.23.2', hostName: 'vizhost' },
  biosnoop: { toolId: 'biosnoop', file: 'tests/fixtures/biosnoop/0.23.2/biosnoop.jsonl', version: '0.23.2', hostName: 'vizhost' },
  tcplife: { toolId: 'tcplife', file: 'tests/fixtures/tcplife/0.23.2-forks/tcplife.jsonl', version: '0.23.2', hostName: 'vizhost' },
} satisfies Record<string, Capture>;
type Key = keyof typeof CAPTURES;

const bytesOf = (c: Capture) => (c.file.endsWith('.gz') ? zlib.gunzipSync(fs.readFileSync(c.file)) : fs.readFileSync(c.file));
function parsed<T>(key: Key): T {
  const c = CAPTURES[key];
  const p = getTool(c.toolId)!.createParser();
  for (const r of decodeAll(bytesOf(c), { version: c.version })) p.push(r);
  return p.finish() as T;
}

/** report id per capture, imported once per run through the import API (as the import page does) */
const reports = new Map<Key, string>();
async function report(page: Page, key: Key): Promise<string> {
  const have = reports.get(key);
  if (have) return have;
  const c = CAPTURES[key];
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const res = await page.request.post(`/api/reports/import?toolId=${c.toolId}&hostName=${c.hostName}&bpftraceVersion=${c.version}`, {
    data: bytesOf(c),
    headers: { origin, 'content-type': 'application/octet-stream' },
  });
  expect(res.status(), await res.text()).toBe(201);
  const id = ((await res.json()) as { report: { id: string } }).report.id;
  reports.set(key, id);
  return id;
}

async function shot(loc: Locator | Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await loc.screenshot({ path: path.join(SHOTS, `vizi-${name}.png`) });
}

/** The d3 flame graph's frames of one name (d3-flame-graph sets the name attribute). */
const frames = (scope: Locator | Page, name: string) => scope.locator(`[data-testid=flamegraph] svg g[name="${name}"]`);

test.describe.configure({ mode: 'serial' });

test('compare opens on the differential graph root, searches, zooms and resets; choosers show the time first', async ({ page }) => {
  const a = await report(page, 'profileA');
  // the reports are imported one after the other: B is later, and both have the same title
  const b = await report(page, 'profileB');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/compare?tool=profile&a=${a}&b=${b}`);
  const box = page.getByTestId('diff-flamegraph-box');
  const root = box.locator('g[data-name="all"] rect');
  await expect(root).toBeVisible();
  // visible without scrolling: the page is at its top, and the root is inside the viewport and the box
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  const rb = (await root.boundingBox())!;
  const bb = (await box.boundingBox())!;
  expect(rb.y + rb.height).toBeLessThanOrEqual(900);
  expect(rb.y).toBeGreaterThanOrEqual(bb.y);
  expect(rb.y + rb.height).toBeLessThanOrEqual(bb.y + bb.height + 1);
  // a tall graph scrolls in its box, not the page
  expect(await box.evaluate((el) => el.scrollHeight > el.clientHeight && el.scrollTop > 0)).toBe(true);
  await shot(page, 'compare');

  // the tab names both reports; the choosers start with the time
  const title = await page.title();
  expect(title).toMatch(/^Compare CPU profile on vizhost \(imported\) \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\) with CPU profile on vizhost/);
  const labels = await page.getByLabel('Report A').locator('option').allTextContents();
  expect(labels.filter((l) => l.includes('vizhost')).length).toBeGreaterThanOrEqual(2);
  for (const l of labels.filter((x) => x.includes('vizhost'))) expect(l).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · CPU profile on vizhost/);
  // heading order: h1, then h2, then the tables' h3
  const headings = await page.locator('main h1, main h2, main h3').evaluateAll((els) => els.map((e) => Number(e.tagName[1])));
  for (let i = 1; i < headings.length; i++) expect(headings[i] - headings[i - 1]).toBeLessThanOrEqual(1);

  // search: matched frames are marked and their shares given
  await page.getByTestId('diff-flamegraph').getByLabel('Search frames').fill('^bpfdeck_spin_step$');
  await expect(page.getByTestId('diff-search-share')).toContainText(/^[1-9]\d* frames matched · A [\d.]+% · B [\d.]+%/);
  expect(await box.locator('g[data-match=true]').count()).toBeGreaterThan(0);
  expect(await box.locator('g[data-match=true]').evaluateAll((els) => els.every((e) => e.getAttribute('data-name') === 'bpfdeck_spin_step'))).toBe(true);

  // hover: a tooltip at the pointer with both shares
  const loop = box.locator('g[data-name="bpfdeck_busy_loop"] rect').first();
  await loop.scrollIntoViewIfNeeded();
  const lb = (await loop.boundingBox())!;
  const at = { x: lb.x + Math.min(20, lb.width / 2), y: lb.y + lb.height / 2 };
  await page.mouse.move(at.x, at.y);
  const tip = page.getByTestId('diff-tooltip');
  await expect(tip).toContainText(/^bpfdeck_busy_loop — A: [\d.]+% .* B: [\d.]+%/);
  const tb = (await tip.boundingBox())!;
  expect(Math.abs(tb.x - at.x)).toBeLessThan(360);
  expect(Math.abs(tb.y - at.y)).toBeLessThan(100);

  // zoom into the loop: it fills the width; Reset zoom brings the root back, in view
  await loop.click({ position: { x: Math.min(20, lb.width / 2), y: lb.height / 2 } });
  await expect(page.getByRole('navigation', { name: 'Zoomed into' })).toContainText('bpfdeck_busy_loop');
  const zoomedW = (await box.locator('g[data-name="bpfdeck_busy_loop"] rect').first().boundingBox())!.width;
  expect(zoomedW).toBeGreaterThan(bb.width * 0.95);
  // search and zoom are in the URL: the link opens zoomed, with the search
  await expect(page).toHaveURL(/diff\.q=%5Ebpfdeck_spin_step%24/);
  await expect(page).toHaveURL(/diff\.zoom=/);
  const other = await page.context().newPage();
  await other.setViewportSize({ width: 1440, height: 900 });
  await other.goto(page.url());
  await expect(other.getByTestId('diff-flamegraph').getByLabel('Search frames')).toHaveValue('^bpfdeck_spin_step$');
  await expect(other.getByRole('navigation', { name: 'Zoomed into' })).toContainText('bpfdeck_busy_loop');
  await other.close();
  await page.getByRole('button', { name: 'Reset zoom' }).click();
  await expect(page.getByRole('navigation', { name: 'Zoomed into' })).toHaveCount(0);
  await expect(box.locator('g[data-name="all"] rect')).toBeInViewport();
  await expect(page).not.toHaveURL(/diff\.zoom=/);
});

test('profile: hide idle, the sandwich view, the tooltip, and the URL opens where the sender was', async ({ page, context }) => {
  const id = await report(page, 'profileB');
  const result = parsed<ProfileResult>('profileB');
  const idle = withoutIdle(result.root);
  expect(idle.idleSamples).toBe(707); // the halted CPU of this capture (tests/unit/viz-interactions.test.ts)
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`/reports/${id}`);
  await expect(page).toHaveTitle(/^CPU profile on vizhost \(imported\) · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · bpfdeck$/);
  const view = page.getByTestId('flamegraph-view');
  await expect(frames(view, 'pv_native_safe_halt').first()).toBeAttached();
  await expect(view.getByTestId('idle-samples')).toHaveText(`(${n(707)} samples, ${((100 * 707) / result.root.value).toFixed(1)}%)`);
  const rowNames = () => view.getByTestId('top-function-row').locator('td:nth-child(2)').allTextContents();
  expect(await rowNames()).toContain('pv_native_safe_halt');

  // hide idle: the halt leaves the graph and the table; the busy loop stays
  await view.getByTestId('hide-idle').check();
  await expect(frames(view, 'pv_native_safe_halt')).toHaveCount(0);
  expect(await rowNames()).not.toContain('pv_native_safe_halt');
  expect((await rowNames()).slice(0, 3)).toEqual(
    topFunctions(idle.root, 3)
      .rows.slice(0, 3)
      .map((r) => r.name),
  );
  await expect(page).toHaveURL(/profile\.idle=1/);

  // sandwich from the table: the leaf of the busy loop, called by the loop
  const leaf = 'bpfdeck_spin_step';
  const fn = 'bpfdeck_busy_loop';
  const ofLeaf = sandwich(idle.root, leaf);
  await view.getByRole('button', { name: `callers/callees of ${leaf}` }).click();
  const sw = page.getByTestId('sandwich-view');
  await expect(sw.getByTestId('sandwich-name')).toHaveText(leaf);
  await expect(sw.getByTestId('sandwich-summary')).toContainText(`total ${n(ofLeaf.total)} samples`);
  expect(ofLeaf.callers.children.map((c) => c.name)).toContain(fn);
  for (const c of ofLeaf.callers.children) {
    await expect(sw.getByTestId('sandwich-callers').locator(`g[data-name="${c.name}"]`).first()).toHaveAttribute('data-value', String(c.value));
  }
  await expect(page).toHaveURL(new RegExp(`profile\\.fn=${leaf}`));
  // a click on a caller moves the sandwich there: the loop, called by main, calling the leaf
  await sw.getByTestId('sandwich-callers').locator(`g[data-name="${fn}"]`).first().click();
  await expect(sw.getByTestId('sandwich-name')).toHaveText(fn);
  const ofLoop = sandwich(idle.root, fn);
  await expect(sw.getByTestId('sandwich-summary')).toContainText(`total ${n(ofLoop.total)} samples`);
  await expect(sw.getByTestId('sandwich-callers').locator('g[data-name="main"]')).toHaveCount(1);
  await expect(sw.getByTestId('sandwich-callees').locator(`g[data-name="${leaf}"]`)).toHaveAttribute(
    'data-value',
    String(ofLoop.callees.children.find((c) => c.name === leaf)!.value),
  );
  await shot(sw, 'sandwich');
  await sw.getByRole('button', { name: 'Close' }).click();
  await expect(sw).toHaveCount(0);

  // search and zoom from the graph; the zoomed frame opens its sandwich too
  await view.getByLabel('Search frames').fill('spin_step');
  await expect(view.getByTestId('flame-search-share')).toContainText(/matched [1-9]/);
  const loop = frames(view, fn).first();
  await loop.click();
  await expect(view.getByTestId('zoomed-sandwich')).toHaveText(`Callers and callees of ${fn}`);
  await expect(page).toHaveURL(/profile\.zoom=/);
  await view.getByTestId('zoomed-sandwich').click();
  await expect(page.getByTestId('sandwich-name')).toHaveText(fn);

  // tooltip at the pointer
  const graph = view.getByTestId('flamegraph');
  const main = frames(view, 'main').first();
  const mb = (await main.boundingBox())!;
  const at = { x: mb.x + 30, y: mb.y + mb.height / 2 };
  await page.mouse.move(at.x, at.y);
  const tip = view.getByTestId('flame-tooltip');
  await expect(tip).toContainText(/^main \([\d.]+%, [\d,]+ samples\)/);
  const tb = (await tip.boundingBox())!;
  expect(Math.abs(tb.x - at.x)).toBeLessThan(360);
  expect(Math.abs(tb.y - at.y)).toBeLessThan(100);
  await page.mouse.move(0, 0);
  await expect(tip).toHaveCount(0);
  await shot(view, 'flamegraph-expanded');

  // the link opens where this page is: search, zoom, sandwich, hide idle
  const url = page.url();
  expect(url).toMatch(/profile\.q=spin_step/);
  const zoomedWidth = (await loop.locator('rect').boundingBox())!.width;
  const graphWidth = (await graph.boundingBox())!.width;
  expect(zoomedWidth).toBeGreaterThan(graphWidth * 0.9);
  const other = await context.newPage();
  await other.setViewportSize({ width: 1920, height: 1080 });
  await other.goto(url);
  const v2 = other.getByTestId('flamegraph-view');
  await expect(v2.getByLabel('Search frames')).toHaveValue('spin_step');
  await expect(v2.getByTestId('flame-search-share')).toContainText(/matched [1-9]/);
  await expect(v2.getByTestId('hide-idle')).toBeChecked();
  await expect(frames(v2, 'pv_native_safe_halt')).toHaveCount(0);
  await expect(other.getByTestId('sandwich-name')).toHaveText(fn);
  await expect(v2.getByTestId('zoomed-sandwich')).toHaveText(`Callers and callees of ${fn}`);
  await expect.poll(async () => (await frames(v2, fn).first().locator('rect').boundingBox())?.width ?? 0).toBeGreaterThan(graphWidth * 0.9);
  await shot(other, 'profile-from-link');
  await other.close();
});

/** Drag across columns `from`..`to` of a heat map canvas. */
async function brush(page: Page, canvas: Locator, from: number, to: number): Promise<void> {
  await canvas.scrollIntoViewIfNeeded();
  const cols = Number(await canvas.getAttribute('data-columns'));
  const b = (await canvas.boundingBox())!;
  const x = (c: number) => b.x + ((c + 0.5) * b.width) / cols;
  await page.mouse.move(x(from), b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.move(x((from + to) / 2), b.y + b.height / 2);
  await page.mouse.move(x(to), b.y + b.height / 2);
  await page.mouse.up();
}

test('brushing a time range: the latency histogram of those seconds, the biosnoop rows of that time', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const bio = parsed<LatencyHeatmapResult>('biolatency');
  expect(bio.columns.length).toBeGreaterThanOrEqual(3);
  await page.goto(`/reports/${await report(page, 'biolatency')}`);
  const canvas = page.getByTestId('latency-heatmap-canvas');
  await expect(canvas).toHaveAttribute('data-hot-x', /^\d/);
  await brush(page, canvas, 1, 2);
  await expect(canvas).toHaveAttribute('data-brush', '1-2');
  const want = latencyRange(bio, { from: 1, to: 2 });
  await expect(page.getByTestId('latency-brush-summary')).toContainText(`${n(want.count)} I/Os in t ${want.fromSec.toFixed(1)}–${want.toSec.toFixed(1)} s`);
  const bars = await page.getByTestId('histogram-bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  expect(bars.reduce((a, v) => a + v, 0)).toBe(want.count);
  expect(want.count).toBeLessThan(bio.count);
  await shot(page.getByTestId('latency-heatmap'), 'latency-brush');
  await page.getByRole('button', { name: 'Clear range' }).click();
  const all = await page.getByTestId('histogram-bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  expect(all.reduce((a, v) => a + v, 0)).toBe(bio.count);

  const bs = parsed<BlockIoResult>('biosnoop');
  const hm = bs.offsetHeatmap;
  const busiest = hm.cells.map((col, i) => ({ i, v: col.reduce((a, c) => a + c, 0) })).sort((x, y) => y.v - x.v)[0].i;
  await page.goto(`/reports/${await report(page, 'biosnoop')}`);
  const oc = page.getByTestId('offset-heatmap-canvas');
  await expect(oc).toHaveAttribute('data-hot-x', /^\d/);
  await brush(page, oc, busiest, busiest);
  const span = offsetRangeSeconds({ from: busiest, to: busiest }, hm.binSec);
  const rows = rowsInTime(bs.rows, 'time', span.fromSec, span.toSec);
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.length).toBeLessThan(bs.rows.length);
  await expect(page.getByTestId('brush-filter')).toContainText(`${n(rows.length)} of ${n(bs.rows.length)} I/Os shown`);
  await expect(page.getByTestId('event-count')).toHaveText(`${n(rows.length)} rows`);
  await shot(page.getByTestId('block-io-view'), 'biosnoop-brush');
  await page.getByRole('button', { name: 'Clear range' }).click();
  await expect(page.getByTestId('event-count')).toHaveText(`${n(bs.rows.length)} rows`);
});

test('tcplife graph: the PIDs of one command are one node, a click shows them and groups them again', async ({ page }) => {
  const t = parsed<ConnectionsResult>('tcplife');
  const grouped = layoutGraph(groupByCommand(t.graph));
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/reports/${await report(page, 'tcplife')}`);
  const g = page.getByTestId('connection-graph');
  await expect(g.getByTestId('graph-node')).toHaveCount(grouped.nodes.length);
  const group = g.locator('[data-testid=graph-node][data-group-pids="10"]');
  await expect(group).toHaveAttribute('data-label', 'tl-fork · 10 PIDs');
  await expect(group).toHaveAttribute('role', 'button');
  await expect(group).toHaveAttribute('aria-expanded', 'false');
  await expect(g.getByTestId('graph-grouping')).toContainText('tl-fork (10 PIDs)');
  // no focusable endpoint inside an image (axe: nested-interactive)
  expect(await g.locator('svg[role=img] [tabindex]').count()).toBe(0);
  await shot(g, 'tcplife-grouped');
  await group.click();
  const pids = g.locator('[data-testid=graph-node][data-label^="tl-fork ["]');
  await expect(pids).toHaveCount(10);
  await expect(g.getByTestId('graph-node')).toHaveCount(layoutGraph(groupByCommand(t.graph, new Set(['tl-fork']))).nodes.length);
  await shot(g, 'tcplife-expanded');
  // Enter on one of them groups them again
  await pids.first().focus();
  await page.keyboard.press('Enter');
  await expect(group).toHaveCount(1);
  await expect(pids).toHaveCount(0);
});
