/**
 * Custom scripts in real Chromium against the production build, on the real fleet (fleet11, bpftrace
 * 0.17; hold the fleet lock): an admin adds a script with a syntax error and sees bpftrace's message at
 * its line, fixes and approves it; an operator runs the approved version and sees the view chosen
 * from the output; a viewer can neither edit nor run it (page and API).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { fleetClientKeyPath, fleetHost } from '../integration/fleet';
import { ADMIN, api, signInWithForm } from './auth-helpers';

test.describe.configure({ mode: 'serial' });

const SHOTS = 'test-results';
const stamp = Date.now().toString(36);
const OPERATOR = { email: `cs-operator-${stamp}@bpfdeck.test`, password: 'operator-password-not-secret' };
const VIEWER = { email: `cs-viewer-${stamp}@bpfdeck.test`, password: 'viewer-password-not-secret' };
const s = { origin: '', hostId: '', hostName: `cs-fleet11-${stamp}`, scriptId: '', scriptName: `opens-${stamp}` };

// A copy of cat with its own name opens a marker file over and over: the script counts its opens by file.
const MARK_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-cs-'));
const MARK_FILE = path.join(MARK_DIR, 'marker.txt');
const OPENER = path.join(MARK_DIR, 'bpfdeckcsopen');
// line 4 lacks the semicolon of line 3's statement: bpftrace reports line 4, where `printf` starts
const BROKEN = `// opens of files by the marker process, counted by file name
tracepoint:syscalls:sys_enter_openat /comm == "bpfdeckcsopen"/ {
  @opens[str(args->filename)] = count()
  printf("open %s\\n", str(args->filename));
}
`;
const FIXED = BROKEN.replace('count()\n', 'count();\n');

async function signedIn(browser: Browser, who: { email: string; password: string }): Promise<Page> {
  // signed out first: the project's storageState (the admin's session) applies to new contexts too
  const page = await (await browser.newContext({ storageState: { cookies: [], origins: [] } })).newPage();
  await page.goto('/login');
  await signInWithForm(page, who);
  return page;
}

test('setup: fleet11 registered and checked; an operator and a viewer', async ({ page, baseURL }) => {
  s.origin = new URL(baseURL!).origin;
  await page.goto('/scripts');
  const call = async <T>(method: string, url: string, data?: unknown): Promise<T> => {
    const r = await api<T>(page.request, s.origin, method, url, data);
    expect(r.status, `${method} ${url}: ${JSON.stringify(r.json)}`).toBeLessThan(300);
    return r.json;
  };
  const fleet = fleetHost('fleet11');
  const { host } = await call<{ host: { id: string } }>('POST', '/api/hosts', {
    name: s.hostName,
    address: fleet.address,
    port: fleet.port,
    username: fleet.user,
    privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8'),
  });
  s.hostId = host.id;
  const { hostKey } = await call<{ hostKey: { fingerprint: string } }>('POST', `/api/hosts/${host.id}/hostkey/scan`, {});
  expect(hostKey.fingerprint).toBe(execFileSync('ssh-keygen', ['-l', '-f', fleet.hostKeyPath], { encoding: 'utf8' }).split(' ')[1]);
  await call('POST', `/api/hosts/${host.id}/hostkey/accept`, { fingerprint: hostKey.fingerprint });
  await call('POST', `/api/hosts/${host.id}/check`, {});
  for (const [who, role] of [
    [OPERATOR, 'operator'],
    [VIEWER, 'viewer'],
  ] as const) {
    await call('POST', '/api/admin/users', { email: who.email, name: role, role, password: who.password });
  }
  fs.writeFileSync(MARK_FILE, 'x\n');
  fs.copyFileSync('/bin/cat', OPENER);
  fs.chmodSync(OPENER, 0o755);
});

test('1. an admin adds a script with a syntax error and sees bpftrace’s message at its line', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Scripts' }).click();
  await expect(page).toHaveURL(/\/scripts$/);
  const form = page.getByRole('form', { name: 'Add a script' });
  await form.getByLabel('Name').fill(s.scriptName);
  await form.getByLabel('Description').fill('opens by the marker process');
  await form.getByLabel('Script (bpftrace)').fill(BROKEN);
  await form.getByRole('button', { name: 'Add script' }).click();
  await expect(page).toHaveURL(/\/scripts\/[A-Za-z0-9_-]{22}$/);
  s.scriptId = page.url().split('/').pop()!;
  await expect(page.getByTestId('script-title')).toHaveText(s.scriptName);

  await page.getByLabel('Check on host').selectOption({ label: `${s.hostName} (bpftrace ${fleetHost('fleet11').bpftraceVersion})` });
  await page.getByRole('button', { name: 'Check on host' }).click();
  const result = page.getByTestId('check-result');
  await expect(result.getByTestId('check-verdict')).toContainText('bpftrace refused it', { timeout: 60_000 });
  const diag = result.getByTestId('script-diagnostic');
  await expect(diag).toHaveCount(1);
  await expect(diag).toHaveAttribute('data-line', '4');
  await expect(diag).toContainText('Line 4, column 3');
  await expect(diag.getByTestId('diagnostic-message')).toHaveText('syntax error, unexpected call, expecting }');
  // the line itself, under it bpftrace's underline, and the gutter marks line 4
  await expect(diag.locator('pre')).toContainText('printf("open %s\\n", str(args->filename));');
  await expect(diag.locator('pre')).toContainText('~~~~~~');
  await expect(page.getByTestId('gutter-mark-4')).toHaveAttribute('title', 'error: syntax error, unexpected call, expecting }');
  // v1 failed its check: it cannot be approved
  await expect(page.getByTestId('version-1')).toContainText('failed on');
  await expect(page.getByRole('button', { name: 'Approve v1' })).toBeDisabled();
  await page.screenshot({ path: `${SHOTS}/custom-script-error.png`, fullPage: true });
});

test('2. the admin fixes it, checks it, saves it as v2 and approves it; the diff shows the fix', async ({ page }) => {
  await page.goto(`/scripts/${s.scriptId}`);
  await page.getByLabel(/^Script \(editing from version 1\)/).fill(FIXED);
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await expect(page.getByTestId('version-2')).toBeVisible();
  // its own host (other specs add hosts, some of which fail their login, and the list is by name)
  await page.getByLabel('Check on host').selectOption({ label: `${s.hostName} (bpftrace ${fleetHost('fleet11').bpftraceVersion})` });
  await page.getByRole('button', { name: 'Check on host' }).click();
  await expect(page.getByTestId('check-verdict')).toContainText('bpftrace compiled it', { timeout: 60_000 });
  await expect(page.getByTestId('script-diagnostic')).toHaveCount(0);
  await expect(page.getByTestId('version-2')).toContainText('passed on');
  await page.getByRole('button', { name: 'Approve v2' }).click();
  await expect(page.getByTestId('version-2').getByTestId('approved')).toHaveText(`approved by ${ADMIN.email}`);
  await expect(page.getByTestId('version-1')).toContainText('Approve v1'); // still not approvable, still there
  await expect(page.getByTestId('diff-summary')).toHaveText('+1 −1');
  await expect(page.getByTestId('diff')).toContainText('-   @opens[str(args->filename)] = count()');
  await expect(page.getByTestId('diff')).toContainText('+   @opens[str(args->filename)] = count();');
  await page.screenshot({ path: `${SHOTS}/custom-script-approved.png`, fullPage: true });

  // the audit log holds the creation, both checks, the new version and the approval
  const { json } = await api<{ events: Array<{ action: string; target: string | null; outcome: string }> }>(
    page.request,
    s.origin,
    'GET',
    `/api/admin/audit?target=${encodeURIComponent(`script:${s.scriptId}`)}`,
  );
  expect(json.events.map((e) => e.action).sort()).toEqual(['script.approve', 'script.check', 'script.check', 'script.create', 'script.version']);
});

test('3. an operator runs the approved version and sees the view chosen from its output', async ({ browser }) => {
  test.setTimeout(180_000);
  const page = await signedIn(browser, OPERATOR);
  let opener: ChildProcess | null = null;
  try {
    await page.goto(`/scripts/${s.scriptId}`);
    // no editor for an operator: the approved text, read-only
    await expect(page.getByLabel(/^Script \(editing/)).toHaveCount(0);
    await expect(page.getByLabel('Text of v2 (read-only)')).toHaveValue(FIXED);
    const run = page.getByRole('region', { name: 'Run' });
    await run.getByLabel('Host').selectOption({ label: s.hostName });
    await run.getByLabel('Duration (s)').fill('6');
    opener = spawn('sh', ['-c', `while :; do '${OPENER}' '${MARK_FILE}' >/dev/null; sleep 0.2; done`], { stdio: 'ignore', detached: true });
    await run.getByRole('button', { name: 'Run v2' }).click();
    await expect(page).toHaveURL(/\/runs\/[A-Za-z0-9_-]{22}$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${s.scriptName} v2 (custom script) on ${s.hostName}`);
    await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 120_000 });
    // the map became a table with the marker file and a bar chart; the printf lines a text section
    const map = page.locator('[data-testid=generic-section][data-section-type=map]');
    await expect(map.locator('h4')).toHaveText('Map @opens');
    await expect(map.getByTestId('generic-map')).toContainText(MARK_FILE);
    const lines = page.locator('[data-testid=generic-section][data-section-type=lines]');
    await expect(lines.getByTestId('generic-lines')).toContainText(`open ${MARK_FILE}`);
    await page.screenshot({ path: `${SHOTS}/custom-script-run.png`, fullPage: true });
    // the run recorded the version it ran
    const runId = page.url().split('/').pop()!;
    const { json } = await api<{ run: { toolId: string; variantId: string; scriptSha256: string } }>(page.request, s.origin, 'GET', `/api/runs/${runId}`);
    const { json: sj } = await api<{ script: { versions: Array<{ id: string; number: number; sha256: string }> } }>(
      page.request,
      s.origin,
      'GET',
      `/api/scripts/${s.scriptId}`,
    );
    const v2 = sj.script.versions.find((v) => v.number === 2)!;
    expect(json.run).toMatchObject({ toolId: 'custom', variantId: v2.id, scriptSha256: v2.sha256 });
    await expect(page.getByText(`script sha256 ${v2.sha256.slice(0, 16)}`)).toBeVisible();
    // an operator may not change it, nor run the unapproved v1
    const v1 = sj.script.versions.find((v) => v.number === 1)!;
    expect((await api(page.request, s.origin, 'POST', `/api/scripts/${s.scriptId}/versions`, { text: 'BEGIN { exit(); }' })).status).toBe(403);
    expect((await api(page.request, s.origin, 'POST', `/api/scripts/${s.scriptId}/runs`, { hostId: s.hostId, durationSec: 2, versionId: v1.id })).status).toBe(
      403,
    );
  } finally {
    if (opener?.pid) process.kill(-opener.pid, 'SIGKILL');
    await page.context().close();
  }
});

test('4. a viewer can read the script but neither edit nor run it', async ({ browser }) => {
  const page = await signedIn(browser, VIEWER);
  try {
    await page.goto('/scripts');
    await expect(page.getByRole('form', { name: 'Add a script' })).toHaveCount(0);
    await page.getByRole('link', { name: s.scriptName }).click();
    await expect(page.getByTestId('script-title')).toHaveText(s.scriptName);
    await expect(page.getByLabel('Text of v2 (read-only)')).toHaveValue(FIXED);
    await expect(page.getByLabel('Text of v2 (read-only)')).toHaveAttribute('readonly', '');
    await expect(page.getByRole('button', { name: /^(Check on host|Save as new version|Approve v\d|Run v\d)$/ })).toHaveCount(0);
    await expect(page.getByTestId('viewer-note')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/custom-script-viewer.png`, fullPage: true });
    const post = (url: string, data: unknown) => api(page.request, s.origin, 'POST', url, data).then((r) => r.status);
    expect(await post(`/api/scripts/${s.scriptId}/runs`, { hostId: s.hostId, durationSec: 2 })).toBe(403);
    expect(await post(`/api/scripts/${s.scriptId}/versions`, { text: 'BEGIN { exit(); }' })).toBe(403);
    expect(await post(`/api/scripts/${s.scriptId}/check`, { hostId: s.hostId, text: 'BEGIN { exit(); }' })).toBe(403);
    expect(await post('/api/scripts', { name: 'viewer-script', text: 'BEGIN { exit(); }' })).toBe(403);
  } finally {
    await page.context().close();
  }
});
