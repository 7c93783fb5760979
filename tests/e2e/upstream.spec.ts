/**
 * "Done when" of issue 11 for the host's upstream tools: on a demo host (fleet11, Debian 12's
 * bpftrace 0.17) an SRE opens "Upstream tools", runs runqlat.bt and syscount.bt for 5 s each while
 * this test makes load of known shape, and gets a latency histogram (with percentiles) and tables
 * holding the test's own process. A kprobe-based tool says in plain words why it cannot run here.
 * Screenshots of the section are saved.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { fleetClientKeyPath, fleetHost } from '../integration/fleet';
import { busyLoopBinary } from '../integration/helpers';
import { kernelHasKprobePmu, usableCpus } from '../integration/host-facts';

async function apiCall<T>(req: APIRequestContext, origin: string, method: string, url: string, data?: unknown): Promise<T> {
  const res = await req.fetch(url, { method, data, headers: method === 'GET' ? {} : { origin } });
  const text = await res.text();
  if (!res.ok()) throw new Error(`${method} ${url}: HTTP ${res.status()}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** fleet11 added through the API, its key pinned after comparing with ssh-keygen, and checked */
async function addFleet11(req: APIRequestContext, origin: string): Promise<string> {
  const f = fleetHost('fleet11');
  const { host } = await apiCall<{ host: { id: string } }>(req, origin, 'POST', '/api/hosts', {
    name: `upstream-fleet11-${Date.now().toString(36)}`,
    address: f.address,
    port: f.port,
    username: f.user,
    privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8'),
  });
  const { hostKey } = await apiCall<{ hostKey: { fingerprint: string } }>(req, origin, 'POST', `/api/hosts/${host.id}/hostkey/scan`, {});
  expect(hostKey.fingerprint).toBe(execFileSync('ssh-keygen', ['-l', '-f', f.hostKeyPath], { encoding: 'utf8' }).split(' ')[1]);
  await apiCall(req, origin, 'POST', `/api/hosts/${host.id}/hostkey/accept`, { fingerprint: hostKey.fingerprint });
  await apiCall(req, origin, 'POST', `/api/hosts/${host.id}/check`, {});
  return host.id;
}

test('Upstream tools on a demo host: runqlat.bt gives a latency histogram, syscount.bt tables with the test process', async ({ page }) => {
  test.setTimeout(240_000);
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const hostId = await addFleet11(page.request, origin);
  await page.goto(`/hosts/${hostId}`);
  const section = page.getByTestId('upstream-tools');
  await expect(section.getByRole('heading', { name: 'Upstream tools' })).toBeVisible();
  const tool = (name: string) => section.locator(`[data-testid="upstream-tool"][data-tool="${name}"]`);
  // Debian 12's package: 38 tools, each with its description and docs at the host's release
  await expect(section.getByTestId('upstream-tool')).toHaveCount(38);
  await expect(tool('runqlat')).toContainText('CPU scheduler run queue latency as a histogram.');
  await expect(tool('runqlat').getByRole('link', { name: 'man page' })).toHaveAttribute('href', /\/blob\/v0\.17\.0\/man\/man8\/runqlat\.bt\.8$/);
  await expect(tool('syscount').getByRole('link', { name: 'examples' })).toHaveAttribute('href', /\/blob\/v0\.17\.0\/tools\/syscount_example\.txt$/);
  if (!kernelHasKprobePmu()) {
    await expect(section.getByTestId('upstream-blocked-vfsstat')).toHaveText(
      "Cannot run on this host: vfsstat.bt uses kprobes, and kprobes cannot attach on this host's kernel (built without CONFIG_KPROBES): it cannot run here.",
    );
    await expect(tool('vfsstat').getByRole('button')).toHaveCount(0);
  }
  await section.getByLabel('Upstream tool duration in seconds').selectOption('5');

  const bin = busyLoopBinary();
  const children: ChildProcess[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-e2e-up-'));
  const comm = `bdksc${randomBytes(4).toString('hex')}`; // 13 chars: within comm's 15
  fs.symlinkSync('/bin/dd', path.join(dir, comm));
  try {
    // runqlat.bt: 4 runnable threads per CPU for 3 s, once it traces
    await tool('runqlat').getByRole('button', { name: 'Run runqlat.bt for 5s' }).click();
    await expect(section.getByTestId('upstream-progress-runqlat')).toContainText('tracing', { timeout: 60_000 });
    for (const cpu of usableCpus()) for (let i = 0; i < 4; i++) children.push(spawn('taskset', ['-c', String(cpu), bin, '3'], { stdio: 'ignore' }));
    const rq = section.getByTestId('upstream-run-runqlat');
    await expect(rq.getByTestId('run-status')).toHaveText('completed', { timeout: 90_000 });
    // printed once at exit: a histogram with percentiles, milliseconds of waiting in it
    const hist = rq.getByTestId('generic-histogram');
    await expect(hist).toBeVisible();
    await expect(hist).toContainText(/@usecs · [\d,]+ values · p50 [\d,.]+ · p90 [\d,.]+ · p99 [\d,.]+/);
    await expect(hist.getByText(/^\[1024, 2047\]$/)).toBeVisible();
    // 0.17's file needed upstream's BTF fix here: the run says so
    await expect(rq).toContainText('upstream fix applied: runqlat-btf-task-running');

    // syscount.bt: 100,000 one-byte reads and writes by a dd named for this test
    await tool('syscount').getByRole('button', { name: 'Run syscount.bt for 5s' }).click();
    await expect(section.getByTestId('upstream-progress-syscount')).toContainText('tracing', { timeout: 60_000 });
    children.push(spawn(path.join(dir, comm), ['if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=100000'], { stdio: 'ignore' }));
    const sc = section.getByTestId('upstream-run-syscount');
    await expect(sc.getByTestId('run-status')).toHaveText('completed', { timeout: 90_000 });
    const maps = sc.getByTestId('generic-map');
    await expect(maps).toHaveCount(2);
    const row = maps.last().getByRole('row').filter({ hasText: comm });
    await expect(row).toHaveCount(1);
    const count = Number((await row.getByRole('cell').last().innerText()).replace(/,/g, ''));
    expect(count).toBeGreaterThanOrEqual(200_000);
    await expect(sc.getByTestId('report-link')).toBeVisible({ timeout: 15_000 });
  } finally {
    for (const c of children) c.kill('SIGKILL');
  }
  fs.mkdirSync('test-results', { recursive: true });
  await tool('runqlat').screenshot({ path: 'test-results/upstream-runqlat.png' });
  await tool('syscount').screenshot({ path: 'test-results/upstream-syscount.png' });

  // the run page of syscount.bt: the host's own file, its sha256, the generic view
  await section.getByTestId('upstream-run-syscount').getByRole('link', { name: 'open run' }).click();
  await expect(page.getByRole('heading', { name: /^syscount\.bt \(upstream\) on / })).toBeVisible();
  await expect(page.getByTestId('run-script-path')).toContainText('/usr/sbin/syscount.bt');
  await expect(page.getByTestId('generic-result')).toBeVisible();
});
