/**
 * Issue 12's probe findings against a real server (production build) and the real fleet (fleet11):
 *  F1 the run result is sent as stored, raw output streamed with its length; F2 a flood of bad tokens
 *  does not lock out valid ones; F3 wrong passwords lock an account+address, not the account;
 *  F6 the import route carries the security headers; exports are `private, no-store`; raw download
 *  needs the raw.downloadRole role; argv redaction before storage, stated on the run (a real execsnoop
 *  run that sees `--password=hunter2`).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetClientKeyPath, fleetHost } from './fleet';
import { PASSWORD, startServer, type Server, type Who } from './security-server';

let s: Server;
let db: Database.Database;
let admin: Who;
let operator: Who;
let viewer: Who;
let opToken: Who;
let reportId: string;

const SECURITY_HEADERS = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-resource-policy'];
const CAPTURE = fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/execsnoop/0.17.0/execsnoop.jsonl'));

beforeAll(async () => {
  // the server trusts 127.0.0.1 as a proxy: X-Forwarded-For then names the client address
  s = await startServer('hardening', { BPFDECK_TRUSTED_PROXIES: '127.0.0.1', BPFDECK_SIGNIN_MAX_FAILURES: '3' });
  db = new Database(path.join(s.dataDir, 'bpfdeck.db'));
  admin = await s.setupAdmin();
  operator = await s.createUser(admin, 'op@test.local', 'operator');
  viewer = await s.createUser(admin, 'view@test.local', 'viewer');
  opToken = await s.createToken(admin, 'ops', 'operator');
  const imp = await s.req('POST', '/api/reports/import?toolId=execsnoop&hostName=imported-1&bpftraceVersion=0.17.0', {
    who: operator,
    rawBody: CAPTURE.toString('utf8'),
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(imp.status, imp.text).toBe(201);
  reportId = imp.json.report.id;
}, 120_000);
afterAll(async () => {
  db?.close();
  await s?.stop();
});

describe('F6: security headers', () => {
  it('the capture upload (not seen by proxy.ts) carries them, on success and on error', async () => {
    const ok = await s.req('POST', '/api/reports/import?toolId=execsnoop&hostName=h2', { who: operator, rawBody: CAPTURE.toString('utf8') });
    expect(ok.status).toBe(201);
    const bad = await s.req('POST', '/api/reports/import?toolId=nope&hostName=h2', { who: operator, rawBody: 'x' });
    expect(bad.status).toBe(422);
    for (const r of [ok, bad]) for (const h of SECURITY_HEADERS) expect(r.headers.get(h), h).toBeTruthy();
    expect(ok.headers.get('content-security-policy')).toContain(`default-src 'none'`);
  });
});

describe('caching of what is behind sign-in', () => {
  it('report exports and results are private, no-store', async () => {
    for (const p of [
      `/api/reports/${reportId}/export?tool=execsnoop&format=json`,
      `/api/reports/${reportId}/export?tool=execsnoop&format=raw`,
      `/api/reports/${reportId}/result?tool=execsnoop`,
    ]) {
      const r = await s.req('GET', p, { who: admin });
      expect(r.status, p).toBe(200);
      expect(r.headers.get('cache-control'), p).toBe('private, no-store');
    }
  });
});

describe('raw download role', () => {
  it('operator by default: a viewer is refused raw, but not the other formats; an admin can lower it', async () => {
    const raw = `/api/reports/${reportId}/export?tool=execsnoop&format=raw`;
    expect((await s.req('GET', raw, { who: viewer })).status).toBe(403);
    expect((await s.req('GET', `/api/reports/${reportId}/export?tool=execsnoop&format=csv`, { who: viewer })).status).toBe(200);
    const op = await s.req('GET', raw, { who: operator });
    expect(op.status).toBe(200);
    expect(Buffer.from(op.text).equals(CAPTURE)).toBe(true);
    expect((await s.req('PUT', '/api/settings/raw-output', { who: operator, body: { downloadRole: 'viewer' } })).status).toBe(403);
    expect((await s.req('PUT', '/api/settings/raw-output', { who: admin, body: { downloadRole: 'viewer' } })).json.downloadRole).toBe('viewer');
    expect((await s.req('GET', raw, { who: viewer })).status).toBe(200);
    expect((await s.req('PUT', '/api/settings/raw-output', { who: admin, body: { downloadRole: 'operator' } })).status).toBe(200);
    expect((await s.req('GET', raw, { who: viewer })).status).toBe(403);
  });
});

describe('F2: bad API tokens', () => {
  it('31 invalid tokens from one address: invalid ones get 429, a valid one from that address still works', async () => {
    const from = { 'x-forwarded-for': '10.9.9.9' };
    const codes: number[] = [];
    for (let i = 0; i < 31; i++) codes.push((await s.req('GET', '/api/tools', { who: { token: `bpfdeck_${'x'.repeat(43)}${i}` }, headers: from })).status);
    expect(codes.slice(0, 30).every((c) => c === 401)).toBe(true);
    expect(codes[30]).toBe(429);
    expect((await s.req('GET', '/api/tools', { who: opToken, headers: from })).status).toBe(200);
    expect((await s.req('GET', '/api/tools', { who: { token: 'bpfdeck_wrong' }, headers: from })).status).toBe(429);
  });
});

describe('F3: wrong passwords', () => {
  it('lock the account for that address only: the right password from another address signs in', async () => {
    const attacker = { 'x-forwarded-for': '10.6.6.6' };
    for (let i = 0; i < 3; i++)
      expect((await s.req('POST', '/api/auth/sign-in', { body: { email: 'admin@test.local', password: `guess ${i}` }, headers: attacker })).status).toBe(401);
    const locked = await s.req('POST', '/api/auth/sign-in', { body: { email: 'admin@test.local', password: PASSWORD }, headers: attacker });
    expect(locked.status).toBe(429);
    const owner = await s.req('POST', '/api/auth/sign-in', {
      body: { email: 'admin@test.local', password: PASSWORD },
      headers: { 'x-forwarded-for': '10.1.1.1' },
    });
    expect(owner.status, owner.text).toBe(200);
  });
});

describe('a real execsnoop run on fleet11 (F1, redaction)', () => {
  let runId: string;

  it('with redaction on, neither the raw output nor the rows hold the password; the run says so', async () => {
    const set = await s.req('PUT', '/api/settings/raw-output', { who: admin, body: { redactPatterns: ['--password='] } });
    expect(set.status, set.text).toBe(200);
    const f = fleetHost('fleet11');
    const h = await s.req('POST', '/api/hosts', {
      who: admin,
      body: { name: 'hard-f11', address: f.address, port: f.port, username: f.user, privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8') },
    });
    const hostId = h.json.host.id;
    const scan = await s.req('POST', `/api/hosts/${hostId}/hostkey/scan`, { who: admin });
    await s.req('POST', `/api/hosts/${hostId}/hostkey/accept`, { who: admin, body: { fingerprint: scan.json.hostKey.fingerprint } });
    const start = await s.req('POST', '/api/runs', { who: operator, body: { hostId, toolId: 'execsnoop', durationSec: 6 } });
    expect(start.status, start.text).toBe(202);
    runId = start.json.run.id;
    // execsnoop traces the whole kernel; the fleet hosts share it: exec the secret here, while it runs
    let run = start.json.run;
    for (let i = 0; i < 120 && !['running', 'completed', 'failed', 'cancelled'].includes(run.status); i++) {
      await new Promise((r) => setTimeout(r, 250));
      run = (await s.req('GET', `/api/runs/${runId}`, { who: admin })).json.run;
    }
    await new Promise((r) => setTimeout(r, 2000)); // attached
    for (let i = 0; i < 5; i++) spawnSync('/bin/echo', ['--user=root', '--password=hunter2', `marker-${runId}`]);
    for (let i = 0; i < 200 && !['completed', 'failed', 'cancelled'].includes(run.status); i++) {
      await new Promise((r) => setTimeout(r, 250));
      run = (await s.req('GET', `/api/runs/${runId}`, { who: admin })).json.run;
    }
    expect(run.status, run.errorMessage).toBe('completed');
    expect(run.redactedWith).toEqual(['--password=']);
    const result = await s.req('GET', `/api/runs/${runId}/result`, { who: viewer });
    expect(result.text).toContain(`marker-${runId}`);
    expect(result.text).toContain('--password=***');
    expect(result.text).not.toContain('hunter2');
    const raw = await s.req('GET', `/api/runs/${runId}/raw`, { who: operator });
    expect(raw.text).toContain(`marker-${runId}`);
    expect(raw.text).not.toContain('hunter2');
    await s.req('PUT', '/api/settings/raw-output', { who: admin, body: { redactPatterns: [] } });
  }, 120_000);

  it('F1: the result route sends the stored JSON text byte for byte (no parse and stringify)', async () => {
    const stored = (db.prepare('SELECT resultJson FROM Run WHERE id = ?').get(runId) as { resultJson: string }).resultJson;
    // the stored text as another writer might have laid it out: the route must not re-serialize it
    const relaid = JSON.stringify(JSON.parse(stored), null, 1);
    db.prepare('UPDATE Run SET resultJson = ? WHERE id = ?').run(relaid, runId);
    const r = await s.req('GET', `/api/runs/${runId}/result`, { who: viewer });
    expect(r.status).toBe(200);
    expect(r.text).toBe(`{"result":${relaid}}`);
    db.prepare('UPDATE Run SET resultJson = ? WHERE id = ?').run(stored, runId);
  });

  it('F1: /raw is the export, streamed: same bytes as the stored gzip, with the stored digest', async () => {
    // the bytes live on the run, or in the shared store once a report took it (lib/reports/raw-store)
    const row = db
      .prepare('SELECT COALESCE(r.rawOutputGz, o.gz) AS gz, r.rawOutputBytes FROM Run r LEFT JOIN RawOutput o ON o.id = r.rawOutputId WHERE r.id = ?')
      .get(runId) as { gz: Buffer; rawOutputBytes: number };
    const want = zlib.gunzipSync(row.gz);
    const res = await fetch(`${s.url}/api/runs/${runId}/raw`, { headers: { cookie: operator.cookie! } });
    expect(res.status).toBe(200);
    // the export's digest header (computed when stored): the bytes come from the export's stream
    expect(res.headers.get('x-bpfdeck-sha256')).toBe(createHash('sha256').update(want).digest('hex'));
    expect(row.rawOutputBytes).toBe(want.length);
    const got = Buffer.from(await res.arrayBuffer());
    expect(got.equals(want)).toBe(true);
    const exp = await fetch(`${s.url}/api/runs/${runId}/export?format=raw`, { headers: { cookie: operator.cookie! } });
    expect(Buffer.from(await exp.arrayBuffer()).equals(want)).toBe(true);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect((await s.req('GET', `/api/runs/${runId}/raw`, { who: viewer })).status).toBe(403);
  });
});
