/**
 * Limits, against a real server and the fleet: per-user active runs and run starts per 10 minutes
 * (here 1 and 3), sign-in failures (here 3 per 15 minutes), and the raw-output cap (here 4 KiB), exceeded
 * by a real run.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetClientKeyPath, fleetHost } from './fleet';
import { PASSWORD, startServer, type Server, type Who } from './security-server';

/** a raw-output cap that a 10 s profile run exceeds many times over */
const RAW_CAP_BYTES = 4096;

let s: Server;
let admin: Who;
let opToken: Who;
let hostId: string;

async function waitTerminal(id: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await s.req('GET', `/api/runs/${id}`, { who: admin });
    if (['completed', 'failed', 'cancelled'].includes(r.json.run.status)) return;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`run ${id} did not end`);
}

async function startAndCancel(who: Who): Promise<string> {
  const r = await s.req('POST', '/api/runs', { who, body: { hostId, toolId: 'profile', durationSec: 10 } });
  expect(r.status, r.text).toBe(202);
  await s.req('POST', `/api/runs/${r.json.run.id}/cancel`, { who: admin });
  await waitTerminal(r.json.run.id);
  return r.json.run.id;
}

beforeAll(async () => {
  s = await startServer('limits', {
    BPFDECK_MAX_ACTIVE_RUNS_PER_USER: '1',
    BPFDECK_MAX_RUN_STARTS_PER_10MIN: '3',
    BPFDECK_SIGNIN_MAX_FAILURES: '3',
    BPFDECK_MAX_RAW_OUTPUT_BYTES: String(RAW_CAP_BYTES),
  });
  admin = await s.setupAdmin();
  opToken = await s.createToken(admin, 'ops', 'operator');
  const f = fleetHost('fleet11');
  let r = await s.req('POST', '/api/hosts', {
    who: admin,
    body: { name: 'lim-f11', address: f.address, port: f.port, username: f.user, privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8') },
  });
  hostId = r.json.host.id;
  r = await s.req('POST', `/api/hosts/${hostId}/hostkey/scan`, { who: admin });
  r = await s.req('POST', `/api/hosts/${hostId}/hostkey/accept`, { who: admin, body: { fingerprint: r.json.hostKey.fingerprint } });
  expect(r.status, r.text).toBe(200);
});
afterAll(async () => {
  await s?.stop();
});

describe('run limits per user', () => {
  it('at most BPFDECK_MAX_ACTIVE_RUNS_PER_USER queued or running', async () => {
    const first = await s.req('POST', '/api/runs', { who: opToken, body: { hostId, toolId: 'profile', durationSec: 10 } });
    expect(first.status, first.text).toBe(202);
    const second = await s.req('POST', '/api/runs', { who: opToken, body: { hostId, toolId: 'runqlat', durationSec: 10 } });
    expect(second.status).toBe(429);
    expect(second.json.error.message).toMatch(/token:ops has 1 runs queued or running \(at most 1\)/);
    // someone else is not held back by it
    const other = await s.req('POST', '/api/runs', { who: admin, body: { hostId, toolId: 'runqlat', durationSec: 10 } });
    expect(other.status, other.text).toBe(202);
    for (const id of [first.json.run.id, other.json.run.id]) {
      await s.req('POST', `/api/runs/${id}/cancel`, { who: admin });
      await waitTerminal(id);
    }
  });

  it('at most BPFDECK_MAX_RUN_STARTS_PER_10MIN starts per 10 minutes', async () => {
    await startAndCancel(opToken); // 2nd start of this token
    await startAndCancel(opToken); // 3rd
    const fourth = await s.req('POST', '/api/runs', { who: opToken, body: { hostId, toolId: 'profile', durationSec: 10 } });
    expect(fourth.status).toBe(429);
    expect(fourth.json.error.message).toMatch(/started 3 runs in the last 10 minutes \(at most 3\)/);
  });
});

describe('raw output cap', () => {
  it('a real run whose output exceeds the cap keeps the first RAW_CAP_BYTES, says so on its page and in the API, and parses it all', async () => {
    // a profile of 10 s prints every sampled stack of the machine at exit: many times RAW_CAP_BYTES
    const r = await s.req('POST', '/api/runs', { who: admin, body: { hostId, toolId: 'profile', durationSec: 10 } });
    expect(r.status, r.text).toBe(202);
    const id = r.json.run.id as string;
    await waitTerminal(id);
    const run = (await s.req('GET', `/api/runs/${id}`, { who: admin })).json.run;
    expect(run.status, run.errorMessage ?? '').toBe('completed');
    expect(run.rawTruncated).toBe(true);
    expect(run.rawOutputBytes).toBeLessThanOrEqual(RAW_CAP_BYTES);
    expect(run.rawOutputBytes).toBeGreaterThan(0);
    // what is kept is the start of the output, whole chunks only, and it downloads as kept
    const raw = await s.req('GET', `/api/runs/${id}/raw`, { who: admin });
    expect(raw.status).toBe(200);
    expect(Buffer.byteLength(raw.text)).toBe(run.rawOutputBytes);
    expect(raw.text).toMatch(/^\{"type": "attached_probes"/);
    // the cap is on storage only: the result was parsed from everything bpftrace printed
    const result = await s.req('GET', `/api/runs/${id}/result`, { who: admin });
    expect(result.status).toBe(200);
    expect(result.text.length, 'the parsed result holds more than the kept raw output').toBeGreaterThan(RAW_CAP_BYTES);
    const page = await s.req('GET', `/runs/${id}`, { who: admin });
    expect(page.status).toBe(200);
    expect(page.text).toContain('raw output truncated');
  });
});

describe('sign-in limits', () => {
  it('after BPFDECK_SIGNIN_MAX_FAILURES failures, even the right password waits (429), and every attempt is audited', async () => {
    const u = await s.req('POST', '/api/admin/users', { who: admin, body: { email: 'victim@test.local', name: 'v', role: 'viewer', password: PASSWORD } });
    expect(u.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const r = await s.req('POST', '/api/auth/sign-in', { body: { email: 'victim@test.local', password: `guess ${i}` } });
      expect(r.status).toBe(401);
    }
    const right = await s.req('POST', '/api/auth/sign-in', { body: { email: 'victim@test.local', password: PASSWORD } });
    expect(right.status).toBe(429);
    expect(right.json.error.message).toMatch(/too many failed sign-ins/);
    expect(right.headers.getSetCookie()).toEqual([]);
    const audit = await s.req('GET', '/api/admin/audit?action=auth.sign_in&actor=victim', { who: admin });
    expect(audit.json.events.map((e: { outcome: string; status: number }) => `${e.outcome} ${e.status}`)).toEqual([
      'failed 429',
      'failed 401',
      'failed 401',
      'failed 401',
    ]);
  });
});
