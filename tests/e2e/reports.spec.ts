/**
 * Reports in real Chromium against the production build, on the real fleet (fleet11, bpftrace 0.17):
 *  - a profile run (started from the host page, with a busy loop running) becomes a report; its
 *    permalink is copied with the "Copy link" button and opened in a fresh browser context by a viewer,
 *    who sees the same data;
 *  - every export format downloads (raw byte-identical to the run's stored output; JSON = the result;
 *    folded; SVG; CSV of an event table from an execsnoop run), and the raw capture re-imported through
 *    the import page gives an equal result;
 *  - a baseline profile (no busy loop) compared with the busy one shows bpfdeck_busy_loop as grown;
 *  - the host's history filters by tool and deletes a report after asking.
 * Screenshots: test-results/reports-*.png.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { type APIRequestContext, type Page, expect, test } from '@playwright/test';
import { fleetClientKeyPath, fleetHost } from '../integration/fleet';
import { samplesInFrame, startBusyLoop } from '../integration/helpers';
import { ADMIN, setupCode, signInWithForm } from './auth-helpers';
import { EXIT_SYMBOL_RACE_WARNING } from '@/lib/bpftrace/stop';
import type { StackNode } from '@/lib/tools/types';

test.describe.configure({ mode: 'serial' });

const SHOTS = 'test-results';
const VIEWER = { email: `e2e-viewer-${Date.now()}@bpfdeck.test`, password: 'e2e-viewer-password-not-secret' };

/** State shared by the serial tests below. */
const s = {
  origin: '',
  hostId: '',
  hostName: `reports-fleet11-${Date.now().toString(36)}`,
  baselineReport: '',
  busyRun: '',
  busyReport: '',
  permalink: '',
  rawFile: '',
  execsnoopReport: '',
};

/** The API as the signed-in browser context, with the Origin header a page would send. */
async function apiCall<T>(req: APIRequestContext, method: 'GET' | 'POST' | 'DELETE' | 'PUT', url: string, data?: unknown): Promise<T> {
  const res = await req.fetch(url, { method, data, headers: method === 'GET' ? {} : { origin: s.origin } });
  const text = await res.text();
  if (!res.ok()) throw new Error(`${method} ${url}: HTTP ${res.status()}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/**
 * The e2e admin: the "setup" project's saved session normally (playwright.config.ts); else first-run
 * setup with the server's setup code, or sign-in (so this spec also runs on its own).
 */
async function signInAdmin(page: Page): Promise<void> {
  s.origin = new URL(test.info().project.use.baseURL!).origin;
  const session = await apiCall<{ user: unknown; setupRequired: boolean }>(page.request, 'GET', '/api/auth/session');
  if (session.user) return;
  if (session.setupRequired) {
    await apiCall(page.request, 'POST', '/api/auth/setup', { setupToken: setupCode(), email: ADMIN.email, name: 'e2e admin', password: ADMIN.password });
  } else {
    await apiCall(page.request, 'POST', '/api/auth/sign-in', ADMIN);
  }
}

async function waitRun(req: APIRequestContext, runId: string, timeoutMs = 120_000): Promise<{ status: string; errorMessage: string | null }> {
  const t0 = Date.now();
  for (;;) {
    const { run } = await apiCall<{ run: { status: string; errorMessage: string | null } }>(req, 'GET', `/api/runs/${runId}`);
    if (['completed', 'failed', 'cancelled'].includes(run.status)) return run;
    if (Date.now() - t0 > timeoutMs) throw new Error(`run ${runId} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * bpftrace 0.17 aborts now and then while it prints user stacks at exit, when a sampled process exits
 * at that moment (lib/bpftrace/stop.ts). The run service keeps such a run as completed, with a warning
 * saying so: that is the one message a completed run here may carry. Nothing is retried.
 */
function expectCompleted(what: string, run: { status: string; errorMessage: string | null }): void {
  expect(run.status, `${what}: ${run.errorMessage}`).toBe('completed');
  expect([null, EXIT_SYMBOL_RACE_WARNING], `${what}: the only warning a completed run here may carry`).toContain(run.errorMessage);
}

async function runTool(req: APIRequestContext, toolId: string, durationSec: number): Promise<string> {
  const { run } = await apiCall<{ run: { id: string } }>(req, 'POST', '/api/runs', { hostId: s.hostId, toolId, durationSec });
  expectCompleted(`${toolId} run ${run.id}`, await waitRun(req, run.id));
  return run.id;
}

async function reportOfRun(req: APIRequestContext, runId: string): Promise<string> {
  let link = { report: null as null | { id: string }, pending: true };
  await expect
    .poll(
      async () => {
        link = await apiCall(req, 'GET', `/api/runs/${runId}/report`);
        return link.pending;
      },
      { timeout: 30_000 },
    )
    .toBe(false);
  expect(link.report, `report of run ${runId}`).not.toBeNull();
  return link.report!.id;
}

async function busyLoopShare(req: APIRequestContext, reportId: string): Promise<number> {
  const { result } = await apiCall<{ result: { root: StackNode } }>(req, 'GET', `/api/reports/${reportId}/result?tool=profile`);
  return result.root.value > 0 ? samplesInFrame(result.root, 'bpfdeck_busy_loop') / result.root.value : 0;
}

async function flameFrames(page: Page): Promise<string[]> {
  return page.locator('[data-testid=flamegraph] svg title').allTextContents();
}

test('setup: fleet11 registered through the API, key compared with its key file before pinning', async ({ page }) => {
  await signInAdmin(page);
  const fleet = fleetHost('fleet11');
  const { host } = await apiCall<{ host: { id: string } }>(page.request, 'POST', '/api/hosts', {
    name: s.hostName,
    address: fleet.address,
    port: fleet.port,
    username: fleet.user,
    privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8'),
  });
  s.hostId = host.id;
  const { hostKey } = await apiCall<{ hostKey: { fingerprint: string } }>(page.request, 'POST', `/api/hosts/${host.id}/hostkey/scan`, {});
  const expected = execFileSync('ssh-keygen', ['-l', '-f', fleet.hostKeyPath], { encoding: 'utf8' }).split(' ')[1];
  expect(hostKey.fingerprint).toBe(expected);
  await apiCall(page.request, 'POST', `/api/hosts/${host.id}/hostkey/accept`, { fingerprint: hostKey.fingerprint });
  await apiCall(page.request, 'POST', `/api/hosts/${host.id}/check`, {});

  // The baseline profile, with no busy loop running: the comparison below must show the loop appear.
  // Other busy loops run only in tests that hold the fleet lock, as this one does.
  s.baselineReport = await reportOfRun(page.request, await runTool(page.request, 'profile', 10));
  const share = await busyLoopShare(page.request, s.baselineReport);
  expect(share, 'share of the baseline samples in bpfdeck_busy_loop (another busy loop ran?)').toBeLessThan(0.02);
});

test('a profile run from the host page becomes a report; its permalink opens in a fresh context with the same data', async ({ page, browser, context }) => {
  await signInAdmin(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.origin });
  test.setTimeout(300_000);
  // one loop (two would starve bpftrace 0.17 of CPU while it resolves symbols at exit)
  const busy = [startBusyLoop(60)];
  try {
    await page.goto(`/hosts/${s.hostId}`);
    const card = page.getByTestId('card-profile');
    await card.getByLabel('profile duration in seconds').selectOption('10');
    // the card shows the latest profile run of the host (the baseline) until the new one is there
    const runLink = card.getByRole('link', { name: /^(result of|open run)/ });
    const previous = await runLink.getAttribute('href');
    await card.getByRole('button', { name: 'Run profile for 10s' }).click();
    await expect(runLink).not.toHaveAttribute('href', previous!, { timeout: 15_000 });
    await expect(card.getByTestId('run-status')).toHaveText(/^(completed|failed|cancelled)$/, { timeout: 150_000 });
    const cardRunId = (await runLink.getAttribute('href'))!.split('/').pop()!;
    const { run: cardRun } = await apiCall<{ run: { status: string; errorMessage: string | null } }>(page.request, 'GET', `/api/runs/${cardRunId}`);
    expectCompleted(`the profile run ${cardRunId} started from the card`, cardRun);
    if (cardRun.errorMessage) await expect(card).toContainText(cardRun.errorMessage); // the warning is shown
    // the card links to the report once the run has ended
    const link = card.getByTestId('report-link');
    await expect(link).toBeVisible({ timeout: 30_000 });
    await card.screenshot({ path: `${SHOTS}/reports-dashboard-card.png` });
    await link.click();
    await page.waitForURL(/\/reports\/[A-Za-z0-9_-]{22}$/);
  } finally {
    for (const b of busy) b.kill('SIGKILL');
  }
  s.busyReport = new URL(page.url()).pathname.split('/').pop()!;
  await expect(page.getByTestId('report-title')).toHaveText(`CPU profile on ${s.hostName}`);
  await expect(page.getByTestId('report-bpftrace')).toHaveText(fleetHost('fleet11').bpftraceVersion!); // as fleet-up.sh found it on the host
  await expect(page.getByTestId('report-meta')).toContainText('fleet11@127.0.0.11');
  await expect.poll(async () => (await flameFrames(page)).some((t) => t.startsWith('bpfdeck_busy_loop')), { timeout: 20_000 }).toBe(true);
  const samples = (await page.getByTestId('flame-samples').textContent())!;
  expect(samples).toMatch(/^[\d,]+ samples at 99 Hz/);

  // Copy link: the clipboard gets the full URL shown in the permalink box
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Copied')).toBeVisible();
  s.permalink = await page.evaluate(() => navigator.clipboard.readText());
  expect(s.permalink).toBe(`${s.origin}/reports/${s.busyReport}`);
  await expect(page.getByTestId('permalink')).toHaveValue(s.permalink);
  const { report } = await apiCall<{ report: { runId: string } }>(page.request, 'GET', `/api/reports/${s.busyReport}`);
  s.busyRun = report.runId;
  await page.screenshot({ path: `${SHOTS}/reports-permalink.png`, fullPage: true });
  await page.screenshot({ path: `${SHOTS}/reports-permalink-top.png`, clip: { x: 0, y: 0, width: 1280, height: 720 } });

  // Someone else (a viewer, in a fresh browser context) opens the link
  await apiCall(page.request, 'POST', '/api/admin/users', { email: VIEWER.email, name: 'e2e viewer', role: 'viewer', password: VIEWER.password });
  // (an empty storage state: not the admin session the project config gives every context)
  const other = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    const p2 = await other.newPage();
    await p2.goto(s.permalink);
    await p2.waitForURL(/\/login/);
    await signInWithForm(p2, VIEWER);
    await p2.waitForURL(s.permalink);
    await expect(p2.getByTestId('report-title')).toHaveText(`CPU profile on ${s.hostName}`);
    await expect(p2.getByTestId('flame-samples')).toHaveText(samples);
    await expect.poll(async () => (await flameFrames(p2)).some((t) => t.startsWith('bpfdeck_busy_loop')), { timeout: 20_000 }).toBe(true);
    expect(new Set(await flameFrames(p2))).toEqual(new Set(await flameFrames(page)));
    // a viewer may read and export, not delete
    await expect(p2.getByRole('button', { name: 'Delete' })).toHaveCount(0);
    await expect(p2.getByTestId('export-profile-raw')).toBeVisible();
    await p2.screenshot({ path: `${SHOTS}/reports-viewer.png`, fullPage: true });
  } finally {
    await other.close();
  }
});

test('every export downloads; the raw capture is byte-identical and re-imports to an equal result', async ({ page }, info) => {
  await signInAdmin(page);
  await page.goto(`/reports/${s.busyReport}`);
  const download = async (testId: string): Promise<Buffer> => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    const file = info.outputPath(d.suggestedFilename());
    await d.saveAs(file);
    return fs.readFileSync(file);
  };
  // raw: exactly what the run stored (the run's own raw route serves the stored gzip, uncompressed)
  const raw = await download('export-profile-raw');
  const stored = Buffer.from(await (await page.request.get(`/api/runs/${s.busyRun}/raw`)).body());
  expect(raw.length).toBeGreaterThan(1000);
  expect(Buffer.compare(raw, stored)).toBe(0);
  expect(raw.toString('utf8').split('\n')[0]).toContain('"attached_probes"');
  s.rawFile = info.outputPath('capture.jsonl');
  fs.writeFileSync(s.rawFile, raw);

  const json = JSON.parse((await download('export-profile-json')).toString('utf8'));
  const { result } = await apiCall<{ result: { kind: string; samplesInTree: number; fullStacksSummary: { stacks: number; samples: number } } }>(
    page.request,
    'GET',
    `/api/reports/${s.busyReport}/result?tool=profile`,
  );
  // the JSON export is the stored result: with the full stacks, which the page gets only the size of
  const { fullStacks, ...viewPart } = json as { fullStacks: { stacks: number[][] } };
  expect(fullStacks.stacks.length).toBe(result.fullStacksSummary.stacks);
  expect({ ...viewPart, fullStacksSummary: result.fullStacksSummary }).toEqual(result);

  // the stack exports say their source and resolution next to the downloads
  await expect(page.getByTestId('export-profile-source')).toContainText(
    `full resolution, every stack of the run (${result.fullStacksSummary.stacks.toLocaleString('en-US')} stacks`,
  );
  const folded = (await download('export-profile-folded')).toString('utf8').trimEnd().split('\n');
  expect(folded.every((l) => /^.+ \d+$/.test(l))).toBe(true);
  expect(folded.some((l) => l.includes(';bpfdeck_busy_loop'))).toBe(true);
  expect(folded.some((l) => /_\[k\] \d+$/.test(l))).toBe(true);
  expect(folded.length).toBe(result.fullStacksSummary.stacks);
  expect(folded.reduce((n, l) => n + Number(/ (\d+)$/.exec(l)![1]), 0)).toBe(result.samplesInTree);
  const pprof = await download('export-profile-pprof');
  expect([pprof[0], pprof[1]]).toEqual([0x1f, 0x8b]); // gzip (decoded by pprof-format in the unit and integration tests)
  // unticking "kernel frames marked _[k]" gives the files without the suffix
  await page.getByTestId('export-profile-kernel-suffix').uncheck();
  const plain = (await download('export-profile-folded')).toString('utf8');
  expect(plain).not.toContain('_[k]');
  await page.getByTestId('export-profile-kernel-suffix').check();

  const svg = (await download('export-profile-svg')).toString('utf8');
  expect(svg.startsWith('<?xml')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg).toMatch(/<title>bpfdeck_busy_loop \([\d,]+ samples/);

  // CSV: an event table (execsnoop), with execs happening during the run
  const execs = spawn('sh', ['-c', 'for i in $(seq 150); do /bin/true bpfdeck-e2e-marker; sleep 0.1; done'], { stdio: 'ignore' });
  try {
    s.execsnoopReport = await reportOfRun(page.request, await runTool(page.request, 'execsnoop', 5));
  } finally {
    execs.kill();
  }
  await page.goto(`/reports/${s.execsnoopReport}`);
  await expect(page.getByTestId('viz-loading')).toHaveCount(0, { timeout: 20_000 });
  await page.screenshot({ path: `${SHOTS}/reports-execsnoop.png`, clip: { x: 0, y: 0, width: 1280, height: 1100 } });
  const csv = (await download('export-execsnoop-csv')).toString('utf8');
  const lines = csv.split('\r\n');
  expect(lines[0].split(',').length).toBeGreaterThan(3);
  expect(csv).toContain('bpfdeck-e2e-marker');

  // re-import the raw capture through the import page
  await page.goto('/reports/import');
  await page.getByLabel('Tool').selectOption('profile');
  await page.getByLabel('Host name').fill('fleet11 by hand');
  await page.getByLabel('bpftrace version').fill('0.17.0');
  await page.getByLabel('Capture file').setInputFiles(s.rawFile);
  await page.screenshot({ path: `${SHOTS}/reports-import-form.png`, fullPage: true });
  await page.getByRole('button', { name: 'Import and make a report' }).click();
  await page.waitForURL((u) => /^\/reports\/[A-Za-z0-9_-]{22}$/.test(u.pathname) && !u.pathname.endsWith(s.busyReport));
  const imported = new URL(page.url()).pathname.split('/').pop()!;
  await expect(page.getByTestId('report-title')).toHaveText('CPU profile on fleet11 by hand (imported)');
  const again = await apiCall<{ result: unknown }>(page.request, 'GET', `/api/reports/${imported}/result?tool=profile`);
  expect(again.result).toEqual(result);
  await expect(page.getByTestId('flame-samples')).toHaveText((await flameSamplesOf(page, s.busyReport))!);
  await page.screenshot({ path: `${SHOTS}/reports-imported.png`, fullPage: true });
});

async function flameSamplesOf(page: Page, reportId: string): Promise<string | null> {
  const p = await page.context().newPage();
  try {
    await p.goto(`/reports/${reportId}`);
    return await p.getByTestId('flame-samples').textContent();
  } finally {
    await p.close();
  }
}

test('comparing the baseline with the busy profile marks bpfdeck_busy_loop as grown', async ({ page }) => {
  await signInAdmin(page);
  await page.goto('/compare?tool=profile');
  await page.getByLabel('Report A').selectOption(s.baselineReport);
  await page.getByLabel('Report B').selectOption(s.busyReport);
  await page.getByRole('button', { name: 'Compare' }).click();
  await page.waitForURL(/b=/);
  const grownRow = page.locator('[data-testid=functions-grown] tr[data-name="bpfdeck_busy_loop"]');
  await expect(grownRow).toBeVisible();
  await expect(grownRow).toContainText('+');
  // busy in B, (checked) idle in A: the loop is the function that grew most
  await expect(page.locator('[data-testid=functions-grown] tbody tr').first()).toHaveAttribute('data-name', 'bpfdeck_busy_loop');
  await expect(page.locator('[data-testid=functions-shrunk] tr[data-name="bpfdeck_busy_loop"]')).toHaveCount(0);
  const frames = page.locator('[data-testid=diff-flamegraph] g[data-name="bpfdeck_busy_loop"]');
  expect(await frames.count()).toBeGreaterThan(0);
  for (const change of await frames.evaluateAll((els) => els.map((e) => e.getAttribute('data-change')))) expect(change).toBe('grown');
  await frames.first().hover();
  await expect(page.getByTestId('diff-details')).toContainText(/^bpfdeck_busy_loop — A: [\d.]+% .* B: [\d.]+% .* change \+/);
  await page.screenshot({ path: `${SHOTS}/reports-compare.png`, fullPage: true });
  await page.getByRole('region', { name: 'Differential flame graph' }).getByText('Grew most').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/reports-compare-tables.png` });
});

test("the host's history filters by tool and deletes a report after asking", async ({ page }) => {
  await signInAdmin(page);
  await page.goto(`/hosts/${s.hostId}/history`);
  const reports = page.getByTestId('report-table');
  await expect(reports.locator(`[data-testid=report-row-${s.busyReport}]`)).toBeVisible();
  await expect(reports.locator(`[data-testid=report-row-${s.execsnoopReport}]`)).toBeVisible();
  const { runs } = await apiCall<{ runs: Array<{ toolId: string }> }>(page.request, 'GET', `/api/runs?hostId=${s.hostId}`);
  expect(runs.length).toBeGreaterThanOrEqual(3); // baseline and busy profile, execsnoop (and any retried run)
  await expect(page.getByTestId('run-table').locator('tbody tr')).toHaveCount(runs.length);
  await page.screenshot({ path: `${SHOTS}/reports-history.png`, fullPage: true });

  await page.getByLabel('Tool').selectOption('execsnoop');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/tool=execsnoop/);
  await expect(reports.locator('tbody tr')).toHaveCount(1);
  const execRuns = runs.filter((r) => r.toolId === 'execsnoop').length;
  await expect(page.getByTestId('run-table').locator('tbody tr')).toHaveCount(execRuns);

  const row = reports.locator(`[data-testid=report-row-${s.execsnoopReport}]`);
  await row.getByRole('button', { name: 'Delete' }).click();
  const ask = row.getByRole('alertdialog');
  await expect(ask).toContainText('Its link stops working');
  await page.screenshot({ path: `${SHOTS}/reports-delete-confirm.png` });
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('alertdialog').getByRole('button', { name: 'Yes, delete' }).click();
  await expect(row).toHaveCount(0);
  expect((await page.request.get(`/api/reports/${s.execsnoopReport}`)).status()).toBe(404);
  // the runs stay
  await expect(page.getByTestId('run-table').locator('tbody tr')).toHaveCount(execRuns);
});
