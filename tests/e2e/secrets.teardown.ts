/**
 * After the whole e2e run (teardown of the "setup" project): no private key material in any client
 * bundle (.next/static), in what the server printed, in the database (keys are stored encrypted), or
 * in any API response and page of the hosts, runs and reports the run left behind.
 * Searched for: the fleet's client key, and the key auth.spec.ts added (if it ran).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test as teardown } from '@playwright/test';
import { fleetClientKeyPath } from '../integration/fleet';
import { findFragments, keyFragments } from '../integration/security-server';
import { dataDir } from './auth-helpers';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

teardown('no private key material in bundles, server log, database or API responses', async ({ page }) => {
  teardown.setTimeout(300_000);
  const keys = [fs.readFileSync(fleetClientKeyPath(), 'utf8')];
  // e2e-test-key (auth.spec.ts), e2e-test-key-* (other specs that add keys), when they ran
  for (const f of fs.readdirSync(dataDir()).filter((x) => /^e2e-test-key(-|$)/.test(x))) keys.push(fs.readFileSync(path.join(dataDir(), f), 'utf8'));
  const fragments = keys.flatMap(keyFragments);
  const leaks: string[] = [];
  const search = (where: string, text: string) => {
    for (const f of findFragments(text, fragments)) leaks.push(`${where}: ${f.slice(0, 12)}…`);
  };

  const bundles = filesUnder(path.join(process.cwd(), '.next', 'static'));
  expect(bundles.length).toBeGreaterThan(5);
  for (const f of bundles) search(f, fs.readFileSync(f, 'latin1'));

  const log = process.env.E2E_SERVER_LOG!;
  expect(fs.existsSync(log), 'the server log is captured').toBe(true);
  search('server log', fs.readFileSync(log, 'utf8'));

  for (const f of fs.readdirSync(dataDir()).filter((x) => x.startsWith('bpfdeck.db'))) search(f, fs.readFileSync(path.join(dataDir(), f), 'latin1'));

  // Everything the API will tell a signed-in admin about what the run left behind. Every request must
  // succeed: a failing one would search nothing and check nothing.
  const get = async (url: string) => {
    const r = await page.request.get(url);
    const text = await r.text();
    expect(r.status(), `GET ${url}: ${text.slice(0, 300)}`).toBe(200);
    search(url, text);
    return text;
  };
  const getJson = async <T>(url: string): Promise<T> => {
    const text = await get(url);
    return JSON.parse(text) as T;
  };
  const { hosts } = await getJson<{ hosts: Array<{ id: string }> }>('/api/hosts');
  // (empty lists are real answers: a spec run on its own, e.g. viz.spec.ts, adds no hosts or runs)
  for (const h of hosts) {
    await get(`/api/hosts/${h.id}`);
    await get(`/hosts/${h.id}`);
  }
  const { runs } = await getJson<{ runs: Array<{ id: string; status: string }> }>('/api/runs?limit=500');
  for (const r of runs.slice(0, 100)) {
    await get(`/api/runs/${r.id}`);
    // a result exists for runs that got as far as bpftrace; 404 names the others (never a 500)
    const res = await page.request.get(`/api/runs/${r.id}/result`);
    expect([200, 404], `GET /api/runs/${r.id}/result (${r.status})`).toContain(res.status());
    search(`/api/runs/${r.id}/result`, await res.text());
  }
  const { reports } = await getJson<{ reports: Array<{ id: string }> }>('/api/reports');
  for (const r of reports.slice(0, 50)) await get(`/api/reports/${r.id}`);
  for (const u of ['/api/admin/audit?limit=500', '/api/admin/users', '/api/tokens', '/api/auth/session', '/hosts', '/reports', '/admin/audit']) await get(u);

  expect(leaks).toEqual([]);
});
