/**
 * Sign-in, roles, API tokens, the audit log, host-key re-pinning and the content security policy, in
 * real Chromium against the production build (project "auth": starts signed out).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { fleetClientKeyPath, fleetHost, hostKeyBlob } from '../integration/fleet';
import { fingerprintOf } from '@/lib/ssh/hostkey';
import { ADMIN, api, dataDir, signInWithForm } from './auth-helpers';
import { generateTestKey } from '@/tests/helpers/ssh-keys';

test.describe.configure({ mode: 'serial' });

const VIEWER = { email: `viewer-${Date.now()}@bpfdeck.test`, password: 'viewer-password-not-secret' };
const OPERATOR = { email: `operator-${Date.now()}@bpfdeck.test`, password: 'operator-password-not-secret' };
let origin = '';
let hostId = '';

/** Every CSP violation and uncaught error a page reports. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

async function signedIn(browser: Browser, who: { email: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/login');
  await signInWithForm(page, who);
  return page;
}

test('signed out: pages lead to /login and back; a wrong password is refused', async ({ page, baseURL }) => {
  origin = new URL(baseURL!).origin;
  await page.goto('/hosts');
  await expect(page).toHaveURL(/\/login\?next=%2Fhosts$/);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Sign-in failed' })).toContainText('wrong email or password');
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/hosts$/);
  await expect(page.getByTestId('signed-in-as')).toContainText(ADMIN.email);

  // the session cookie: HttpOnly (page scripts cannot read it), SameSite=Lax
  const cookie = (await page.context().cookies()).find((c) => c.name === 'bpfdeck.session_token')!;
  expect(cookie.httpOnly).toBe(true);
  expect(cookie.sameSite).toBe('Lax');
  expect(await page.evaluate(() => document.cookie)).not.toContain('session_token');
});

test('admin: adds an operator and a viewer, makes and revokes an API token, reads the audit log', async ({ browser }) => {
  const page = await signedIn(browser, ADMIN);
  const problems = watchProblems(page);
  await page.goto('/admin');
  await page.getByRole('link', { name: 'Users' }).click();
  for (const [who, role] of [
    [OPERATOR, 'operator'],
    [VIEWER, 'viewer'],
  ] as const) {
    const form = page.locator('form', { hasText: 'Add a user' });
    await form.getByLabel('Email').fill(who.email);
    await form.getByLabel('Name').fill(role);
    await form.getByLabel('Role').selectOption(role);
    await form.getByLabel('Initial password').fill(who.password);
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect(page.getByTestId(`user-${who.email}`)).toContainText('password');
  }

  await page.goto('/admin/tokens');
  const form = page.locator('form', { hasText: 'Create a token' });
  await form.getByLabel('Name').fill('e2e-ci');
  await form.getByLabel('Role').selectOption('viewer');
  await form.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token-value').textContent())!.trim();
  expect(token).toMatch(/^bpfd_[A-Za-z0-9_-]{43}$/);
  // usable at once, with the API the pages use
  const anon = await browser.newContext();
  expect((await anon.request.get('/api/tools', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(200);
  expect((await anon.request.post('/api/hosts', { headers: { authorization: `Bearer ${token}` }, data: {} })).status()).toBe(403);
  // shown once: after a reload only its prefix is left
  await page.reload();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  await expect(page.getByTestId('token-e2e-ci')).toContainText(token.slice(0, 11));
  expect(await page.content()).not.toContain(token);
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('token-e2e-ci').getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('token-e2e-ci')).toContainText('revoked');
  expect((await anon.request.get('/api/tools', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);

  await page.goto('/admin/audit');
  await page.getByLabel('Action').selectOption('token.create');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/action=token\.create/);
  await expect(page.getByTestId('audit-row').first()).toContainText('token:e2e-ci');
  await page.getByLabel('Action').selectOption('auth.sign_in');
  await page.getByLabel('Outcome').selectOption('failed');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByTestId('audit-row').first()).toContainText(ADMIN.email);
  await expect(page.getByTestId('audit-row').first()).toContainText('127.0.0.1');
  await page.screenshot({ path: 'test-results/e2e-audit-log.png', fullPage: true });
  expect(problems).toEqual([]);
  await anon.close();
});

test('a host added through the form; its key is pinned by an admin only', async ({ browser }) => {
  const page = await signedIn(browser, ADMIN);
  // A key made for this test: secrets.teardown.ts searches everything for it afterwards.
  const testKey = generateTestKey({ comment: 'bpfdeck-e2e-test-key' }).private;
  fs.writeFileSync(path.join(dataDir(), 'e2e-test-key'), testKey, { mode: 0o600 });
  const f = fleetHost('fleet11');
  await page.goto('/hosts');
  await page.getByLabel('Name').fill('e2e-auth-f11');
  await page.getByLabel('SSH user').fill(f.user);
  await page.getByLabel('Address').fill(f.address);
  await page.getByLabel('Port').fill(String(f.port));
  await page.getByLabel(/Private key/).fill(testKey);
  await page.getByRole('button', { name: 'Add host' }).click();
  await expect(page.getByRole('heading', { name: 'e2e-auth-f11' })).toBeVisible();
  hostId = page.url().split('/').pop()!;
  // the fleet accepts the fleet's key, not the test key: swap it in (PATCH, as the API allows)
  const r = await api(page.request, origin, 'PATCH', `/api/hosts/${hostId}`, { privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8') });
  expect(r.status).toBe(200);

  // operator and viewer: no host-key buttons (and the API refuses them)
  for (const who of [OPERATOR, VIEWER]) {
    const p = await signedIn(browser, who);
    await p.goto(`/hosts/${hostId}`);
    await expect(p.getByText('Only admins can pin or replace a host key.')).toBeVisible();
    await expect(p.getByRole('button', { name: /Fetch host key/ })).toHaveCount(0);
    const scan = await api(p.request, origin, 'POST', `/api/hosts/${hostId}/hostkey/scan`, {});
    expect(scan.status).toBe(403);
    await p.context().close();
  }

  const expected = execFileSync('ssh-keygen', ['-l', '-f', f.hostKeyPath], { encoding: 'utf8' }).split(' ')[1];
  await page.reload();
  await page.getByRole('button', { name: 'Fetch host key' }).click();
  await expect(page.getByTestId('offered-fingerprint')).toHaveText(expected);
  await page.getByRole('button', { name: 'Accept and pin this key' }).click();
  await expect(page.getByTestId('pinned-fingerprint')).toHaveText(expected);
});

test('after a host key change, an admin re-pins it through the explicit flow, and it is audited', async ({ browser }) => {
  // The host "changed its key": we pretend fleet12's key was the one pinned.
  const other = hostKeyBlob(fleetHost('fleet12'));
  const db = new Database(path.join(dataDir(), 'bpfdeck.db'));
  try {
    db.prepare('UPDATE Host SET hostKeyBlob = ?, hostKeyFingerprint = ? WHERE id = ?').run(other.toString('base64'), fingerprintOf(other), hostId);
  } finally {
    db.close();
  }
  const page = await signedIn(browser, ADMIN);
  await page.goto(`/hosts/${hostId}`);
  // pinned but never checked: the key and capability panels are open (only a checked host's fold into one line)
  await expect(page.getByTestId('summary-fingerprint')).toHaveCount(0);
  await expect(page.getByTestId('pinned-fingerprint')).toHaveText(fingerprintOf(other));
  // connecting is refused while the keys differ
  const check = await api<{ error: { message: string } }>(page.request, origin, 'POST', `/api/hosts/${hostId}/check`, {});
  expect(check.status).toBe(409);
  expect(check.json.error.message).toMatch(/Refusing to connect/);
  await page.getByRole('button', { name: 'Compare with the key offered now' }).click();
  const offered = (await page.getByTestId('offered-fingerprint').textContent())!;
  expect(offered).not.toBe(fingerprintOf(other));
  await page.getByRole('button', { name: 'Replace the pinned key with this one' }).click();
  await expect(page.getByTestId('pinned-fingerprint')).toHaveText(offered);
  await expect(page.getByTestId('capabilities')).toContainText(fleetHost('fleet11').bpftraceVersion!, { timeout: 30_000 });

  const audit = await api<{ events: Array<{ actor: string; outcome: string; details: Record<string, unknown> }> }>(
    page.request,
    origin,
    'GET',
    `/api/admin/audit?action=hostkey.accept&target=${hostId}`,
  );
  expect(audit.json.events[0]).toMatchObject({
    actor: ADMIN.email,
    outcome: 'ok',
    details: { replace: true, previous: fingerprintOf(other), fingerprint: offered },
  });
});

test('a viewer sees hosts and dashboards but cannot change anything', async ({ browser }) => {
  const page = await signedIn(browser, VIEWER);
  const problems = watchProblems(page);
  await page.goto('/hosts');
  await expect(page.getByRole('heading', { name: 'Hosts' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Add a host' })).toHaveCount(0);
  await page.goto(`/hosts/${hostId}`);
  await expect(page.getByTestId('card-profile').getByRole('button', { name: /^Run profile/ })).toBeDisabled();
  const start = await api<{ error: { code: string } }>(page.request, origin, 'POST', '/api/runs', { hostId, toolId: 'profile', durationSec: 10 });
  expect(start.status).toBe(403);
  await page.goto('/admin/users');
  await expect(page).toHaveURL(/\/login\?need=admin/);
  await expect(page.getByTestId('need-role')).toContainText('needs the admin role');
  expect(problems).toEqual([]);
});

test('no CSP violations on the app pages and the visualization gallery (d3, canvas, charts)', async ({ browser }) => {
  const page = await signedIn(browser, ADMIN);
  const problems = watchProblems(page);
  for (const p of ['/hosts', `/hosts/${hostId}`, '/reports', '/admin/users', '/admin/tokens', '/admin/audit']) {
    const res = await page.goto(p);
    expect(res?.status(), p).toBe(200);
    expect(res?.headers()['content-security-policy'], p).toMatch(/'nonce-/);
  }
  const gallery = await page.goto('/dev/viz');
  if (gallery?.status() === 200) {
    await expect(page.locator('[data-testid=flamegraph] svg').first()).toBeVisible({ timeout: 30_000 });
    await page.waitForTimeout(1000);
  }
  expect(problems).toEqual([]);
});

test('sign-out ends the session on the server, not only in the browser', async ({ browser }) => {
  const page = await signedIn(browser, OPERATOR);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'bpfdeck.session_token')!;
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  const replay = await browser.newContext();
  await replay.addCookies([cookie]);
  expect((await replay.request.get('/api/hosts')).status()).toBe(401);
  await replay.close();
});
