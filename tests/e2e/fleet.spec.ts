/**
 * A fleet run end to end in Chromium, against the real test fleet: import an ssh_config of six fleet
 * hosts (a bastion, fleet45, and fleet49 reachable only through it, included; aliases prefixed so the
 * spec does not clash with other specs' hosts), pin their keys against the fleet's known_hosts, run
 * profile on all of them from the hosts page's "Run on fleet" form while a busy loop runs, and check
 * the merged flame graph holds the busy function with a share on every host that ran (fleet49 behind
 * the bastion included; the bastion itself has no bpftrace and fails with its reason). Then tcplife on
 * the fleet while loopback TCP sessions run between fleet addresses: they must be edges between fleet
 * hosts, traced at both ends. Last, the fleet report permalink in a fresh browser context. Screenshots
 * are saved (test-results/) to be looked at.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { fleetClientKeyPath, fleetPaths } from '../integration/fleet';

const FLEET = ['fleet11', 'fleet12', 'fleet21', 'fleet31', 'fleet45', 'fleet49'];
/** hosts that can run bpftrace (the bastion cannot) */
const RUNNERS = ['fleet11', 'fleet12', 'fleet21', 'fleet31', 'fleet49'];
const BUSY = 'bpfdeck_busy_loop';

function busyLoop(seconds: number): ChildProcess {
  const bin = path.join(os.tmpdir(), `bpfdeck-e2e-busy-${process.pid}`);
  if (!fs.existsSync(bin)) execFileSync('gcc', ['-O0', '-fno-omit-frame-pointer', '-g', '-o', bin, path.join(process.cwd(), 'tests/workloads/busy_loop.c')]);
  return spawn(bin, [String(seconds)], { stdio: 'ignore' });
}

function tcpSessions(pairs: string[]): Promise<{ sessions: Array<{ laddr: string; raddr: string }> }> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [path.join(process.cwd(), 'tests/fixtures/fleet/fleet-tcp.cjs'), ...pairs, '--sessions', '2'],
      { timeout: 30_000 },
      (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(JSON.parse(out))),
    ),
  );
}

/** "Run on fleet" from the hosts page; returns the fleet run page's URL */
async function runOnFleet(page: Page, selector: string, tool: string, durationSec: number): Promise<string> {
  await page.goto('/hosts');
  const form = page.getByTestId('run-on-fleet');
  await form.getByLabel('Fleet selector').fill(selector);
  await form.getByLabel('Fleet tool').selectOption(tool);
  await form.getByLabel('Fleet duration').fill(String(durationSec));
  await form.getByRole('button', { name: `Run ${tool} for ${durationSec}s on the fleet` }).click();
  await page.waitForURL(/\/fleet-runs\/[A-Za-z0-9_-]{22}$/);
  await expect(page.getByTestId('fleet-grid').locator('tbody tr')).toHaveCount(FLEET.length);
  return page.url();
}

test('fleet: import, pin, profile on every host (one behind a bastion), merged flame graph, tcplife graph, report permalink', async ({ page, browser }) => {
  test.setTimeout(900_000);
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const p = `fv${Date.now().toString(36).slice(-5)}-`;
  const name = (h: string) => `${p}${h}`;

  // 1. import an ssh_config of the fleet (aliases prefixed, ProxyJump too)
  const res = await page.request.post('/api/identities', {
    headers: { origin },
    data: { kind: 'key', name: `${p}key`, privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8') },
  });
  expect(res.ok(), await res.text()).toBe(true);
  const identity = (await res.json()).identity as { id: string };
  const cfg = fs
    .readFileSync(fleetPaths().sshConfig, 'utf8')
    .split(/\n(?=Host )/)
    .filter((b) => FLEET.includes(b.split(/\s+/)[1]))
    .map((b) =>
      b.replace(/^Host (\S+)/, (_m, h: string) => `Host ${name(h)}`).replace(/^(\s*ProxyJump )(\S+)/m, (_m, k: string, h: string) => `${k}${name(h)}`),
    )
    .join('\n');
  await page.goto('/hosts/import');
  await page.locator('textarea[name="importText"]').fill(cfg);
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByRole('table', { name: 'Import preview' });
  await expect(preview.locator('tbody tr')).toHaveCount(FLEET.length);
  await expect(preview.locator('tr', { hasText: name('fleet49') })).toContainText(name('fleet45'));
  await page.getByLabel('default identity').selectOption(identity.id);
  await page.getByRole('button', { name: `Create ${FLEET.length} hosts` }).click();
  await expect(page.getByRole('status')).toContainText(`Created ${FLEET.length} hosts`);

  // 2. pin the keys the fleet's known_hosts vouches for (hashed, as ssh-keygen -H writes it)
  const kh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-e2e-fleet-kh-')), 'known_hosts');
  fs.copyFileSync(fleetPaths().knownHosts, kh);
  execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
  await page.locator('textarea[name="knownHosts"]').fill(fs.readFileSync(kh, 'utf8'));
  await page.getByRole('button', { name: /Scan the new hosts/ }).click();
  const keys = page.getByRole('table', { name: 'Host keys' });
  for (const h of FLEET) await expect(keys.locator('tr', { hasText: name(h) })).toContainText('matches known hosts — pinned', { timeout: 90_000 });

  // 3. profile on every host while a busy loop runs
  const selector = `name=${p}*`;
  let busy: ChildProcess | undefined;
  let profileUrl: string;
  try {
    profileUrl = await runOnFleet(page, selector, 'profile', 10);
    busy = busyLoop(60);
    const grid = page.getByTestId('fleet-grid');
    await expect(grid.locator('td[data-tool="profile"][data-status="completed"]')).toHaveCount(RUNNERS.length, { timeout: 300_000 });
  } finally {
    busy?.kill();
  }
  const grid = page.getByTestId('fleet-grid');
  // the bastion has no bpftrace: it fails with its own reason, the others completed
  const bastion = grid.locator(`tr[data-host="${name('fleet45')}"]`);
  await expect(bastion.locator('td[data-tool="profile"]')).toHaveAttribute('data-status', 'failed');
  await expect(bastion.getByTestId('fleet-host-error')).not.toBeEmpty();
  await expect(page.getByTestId('fleet-status')).toHaveText('partial');
  await page.screenshot({ path: test.info().outputPath('fleet-run-grid.png'), fullPage: true });

  // 4. the merged flame graph: the busy function, and its share per host (every host that ran, fleet49 included)
  const view = page.getByTestId('fleet-view-profile');
  await expect(view.getByTestId('fleet-flame-samples')).toContainText(`from ${RUNNERS.length} hosts`, { timeout: 60_000 });
  await view.getByRole('button', { name: `Highlight ${BUSY} in the flame graph` }).click();
  const shares = view.getByTestId('fleet-function-shares');
  await expect(shares.locator('tbody tr')).toHaveCount(RUNNERS.length);
  for (const h of RUNNERS) {
    const cell = shares.locator(`tr[data-host="${name(h)}"]`).getByTestId('share-of-frame');
    await expect(cell).toHaveText(/%$/);
    const pct = Number((await cell.textContent())!.replace(/[^0-9.]/g, ''));
    expect(pct, `${h}'s share of ${BUSY}`).toBeGreaterThan(0);
  }
  await expect(view.getByTestId('flame-search-share')).toContainText('matched');
  await view.locator('[data-testid="flamegraph"] g', { hasText: BUSY }).first().click();
  await expect(view.getByTestId('fleet-path-shares')).toBeVisible();
  await view.getByTestId('fleet-frame-shares').scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('fleet-merged-flame.png') });
  await page.screenshot({ path: test.info().outputPath('fleet-merged-flame-full.png'), fullPage: true });
  // the merged folded export: every host's stacks, the host first
  const folded = await page.request.get(`${profileUrl.replace('/fleet-runs/', '/api/fleet-runs/')}/export?toolId=profile&format=folded`);
  expect(folded.ok()).toBe(true);
  const lines = (await folded.text()).split('\n').filter(Boolean);
  for (const h of RUNNERS)
    expect(
      lines.some((l) => l.startsWith(`${name(h)};`) && l.includes(BUSY)),
      `${h} in the folded export`,
    ).toBe(true);

  // 5. tcplife on the fleet while loopback sessions run between fleet addresses
  await runOnFleet(page, selector, 'tcplife', 10);
  await expect(grid.locator('td[data-tool="tcplife"][data-status="running"]')).toHaveCount(RUNNERS.length, { timeout: 120_000 });
  await page.waitForTimeout(3_000); // bpftrace attaches its probes after it is started
  const pairs = ['127.0.0.11>127.0.0.21', '127.0.0.12>127.0.0.31', '127.0.0.31>127.0.0.11'];
  const wl = await tcpSessions(pairs);
  expect(wl.sessions).toHaveLength(6);
  await expect(grid.locator('td[data-tool="tcplife"][data-status="completed"]')).toHaveCount(RUNNERS.length, { timeout: 180_000 });
  const edges = page.getByTestId('fleet-edges');
  for (const [a, b] of [
    ['fleet11', 'fleet21'],
    ['fleet12', 'fleet31'],
    ['fleet31', 'fleet11'],
  ]) {
    const e = edges.locator(`tr[data-source="${name(a)}"][data-target="${name(b)}"]`);
    await expect(e, `${a} -> ${b}`).toHaveCount(1, { timeout: 60_000 });
    await expect(e.getByTestId('fleet-edge-matched')).toHaveText('2');
  }
  await page.getByTestId('fleet-connections').scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('fleet-tcplife.png') });

  // 6. the profile run's fleet report, opened in a fresh context
  await page.goto(profileUrl);
  const link = page.getByTestId('fleet-report-link');
  await expect(link).toBeVisible({ timeout: 60_000 });
  const href = (await link.getAttribute('href'))!;
  expect(href).toMatch(/^\/reports\/[A-Za-z0-9_-]{22}$/);
  const ctx = await browser.newContext({ storageState: process.env.E2E_ADMIN_STATE, baseURL: origin });
  try {
    const fresh = await ctx.newPage();
    await fresh.goto(href);
    const report = fresh.getByTestId('fleet-report');
    await expect(report.getByTestId('fleet-report-hosts').locator('tbody tr')).toHaveCount(FLEET.length);
    await expect(report.locator(`tr[data-host="${name('fleet49')}"] [data-tool="profile"]`)).toHaveAttribute('data-status', 'completed');
    await expect(report.getByTestId('fleet-flame-samples')).toContainText(`from ${RUNNERS.length} hosts`);
    await report.getByRole('button', { name: `Highlight ${BUSY} in the flame graph` }).click();
    await expect(report.getByTestId('fleet-function-shares').locator('tbody tr')).toHaveCount(RUNNERS.length);
    await fresh.screenshot({ path: test.info().outputPath('fleet-report.png'), fullPage: true });
  } finally {
    await ctx.close();
  }
});
