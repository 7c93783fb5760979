/**
 * Real data for the accessibility, keyboard and phone specs, made once per e2e data directory (the
 * first spec that asks pays; the others find it): fleet11 pinned, checked and with a 10 s dashboard run
 * of all ten tools (so every card and the dashboard report hold what bpftrace really printed), and
 * hosts in the other states the hosts list names: sudo denied (fleet14), no bpftrace (fleet15), a login
 * the host refuses (fleet11 with a key it does not know), and one never checked.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expect, type APIRequestContext } from '@playwright/test';
import { fleetClientKeyPath, fleetHost } from '../integration/fleet';
import { generateTestKey } from '../helpers/ssh-keys';

export interface A11yData {
  hostId: string;
  hostName: string;
  authFailedId: string;
  authFailedPublicKey: string;
  sudoDeniedId: string;
  noBpftraceId: string;
  uncheckedId: string;
  runIds: Record<string, string>;
  dashboardReportId: string;
}

const PREFIX = 'a11y';

async function call<T>(req: APIRequestContext, origin: string, method: string, url: string, data?: unknown, ok: number[] = []): Promise<T> {
  const res = await req.fetch(url, { method, data, headers: method === 'GET' ? {} : { origin } });
  const text = await res.text();
  if (!res.ok() && !ok.includes(res.status())) throw new Error(`${method} ${url}: HTTP ${res.status()}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

async function addHost(req: APIRequestContext, origin: string, name: string, fleet: string, privateKey: string, opts: { check: boolean }): Promise<string> {
  const f = fleetHost(fleet);
  const { host } = await call<{ host: { id: string } }>(req, origin, 'POST', '/api/hosts', {
    name,
    address: f.address,
    port: f.port,
    username: f.user,
    privateKey,
  });
  const { hostKey } = await call<{ hostKey: { fingerprint: string } }>(req, origin, 'POST', `/api/hosts/${host.id}/hostkey/scan`, {});
  expect(hostKey.fingerprint).toBe(execFileSync('ssh-keygen', ['-l', '-f', f.hostKeyPath], { encoding: 'utf8' }).split(' ')[1]);
  await call(req, origin, 'POST', `/api/hosts/${host.id}/hostkey/accept`, { fingerprint: hostKey.fingerprint });
  // a refused login is a 502: what the test wants to see on the page
  if (opts.check) await call(req, origin, 'POST', `/api/hosts/${host.id}/check`, {}, [502]);
  return host.id;
}

let cached: A11yData | null = null;

export async function ensureA11yData(req: APIRequestContext, origin: string): Promise<A11yData> {
  if (cached) return cached;
  const file = `${process.env.E2E_DATA_DIR}/a11y-data.json`;
  if (fs.existsSync(file)) return (cached = JSON.parse(fs.readFileSync(file, 'utf8')) as A11yData);
  const key = fs.readFileSync(fleetClientKeyPath(), 'utf8');
  const stamp = Date.now().toString(36);
  const hostName = `${PREFIX}-fleet11-${stamp}`;
  const hostId = await addHost(req, origin, hostName, 'fleet11', key, { check: true });
  const stranger = generateTestKey({ comment: 'not-on-the-host' });
  const authFailedId = await addHost(req, origin, `${PREFIX}-authfail-${stamp}`, 'fleet11', stranger.private, { check: true });
  const sudoDeniedId = await addHost(req, origin, `${PREFIX}-nosudo-${stamp}`, 'fleet14', key, { check: true });
  const noBpftraceId = await addHost(req, origin, `${PREFIX}-nobpftrace-${stamp}`, 'fleet15', key, { check: true });
  const { host: unchecked } = await call<{ host: { id: string } }>(req, origin, 'POST', '/api/hosts', {
    name: `${PREFIX}-unchecked-${stamp}`,
    address: '127.0.0.1',
    port: 9,
    username: 'nobody',
    privateKey: key,
  });

  // every tool at once for 10 s: real data on every card and in one dashboard report
  const { runs } = await call<{ runs: Array<{ id: string; toolId: string }> }>(req, origin, 'POST', `/api/hosts/${hostId}/dashboard`, { durationSec: 10 });
  expect(runs.length).toBe(10);
  const runIds: Record<string, string> = {};
  for (const r of runs) {
    runIds[r.toolId] = r.id;
    await expect
      .poll(async () => (await call<{ run: { status: string } }>(req, origin, 'GET', `/api/runs/${r.id}`)).run.status, { timeout: 120_000, intervals: [1000] })
      .toMatch(/^(completed|failed|cancelled)$/);
  }
  // the dashboard report is made when its last run ends
  let dashboardReportId = '';
  await expect
    .poll(
      async () =>
        (dashboardReportId = (await call<{ report: { id: string } | null }>(req, origin, 'GET', `/api/runs/${runIds.profile}/report`)).report?.id ?? ''),
      { timeout: 30_000 },
    )
    .not.toBe('');
  cached = {
    hostId,
    hostName,
    authFailedId,
    authFailedPublicKey: stranger.public.split(' ').slice(0, 2).join(' '),
    sudoDeniedId,
    noBpftraceId,
    uncheckedId: unchecked.id,
    runIds,
    dashboardReportId,
  };
  fs.writeFileSync(file, JSON.stringify(cached));
  return cached;
}
