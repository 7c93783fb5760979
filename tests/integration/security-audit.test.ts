/**
 * The audit log, against a real server and the real fleet: each audited action leaves exactly one
 * row (no more: the whole table grows by one), with who, from where, what and the outcome; refusals
 * are recorded as denied; requests without any credentials leave nothing; token use is recorded; the
 * table refuses UPDATE and DELETE.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetClientKeyPath, fleetHost, hostKeyBlob } from './fleet';
import { PASSWORD, startServer, type Server, type Who } from './security-server';
import type { TestSql } from './pg';

let s: Server;
let db: TestSql;
let admin: Who;
let operator: Who;
let viewer: Who;
let operatorToken: Who;

interface Row {
  id: number;
  actor: string;
  via: string;
  tokenId: string | null;
  ip: string | null;
  action: string;
  target: string | null;
  outcome: string;
  status: number | null;
  details: string | null;
}

const maxId = async () => (await db.all<{ m: number }>('SELECT COALESCE(MAX("id"), 0) AS "m" FROM "AuditEvent"'))[0].m;
const rowsAfter = (id: number) => db.all<Row>('SELECT * FROM "AuditEvent" WHERE "id" > ? ORDER BY "id"', [id]);

/** Run fn; exactly one audit row must appear, with this action (and outcome); returns it. */
async function one<T>(action: string, fn: () => Promise<T>, outcome = 'ok'): Promise<{ row: Row; out: T }> {
  const before = await maxId();
  const out = await fn();
  const rows = await rowsAfter(before);
  expect(
    rows.map((r) => `${r.action}/${r.outcome}`),
    `after ${action}`,
  ).toEqual([`${action}/${outcome}`]);
  return { row: rows[0], out };
}

async function none(fn: () => Promise<unknown>): Promise<void> {
  const before = await maxId();
  await fn();
  expect(await rowsAfter(before)).toEqual([]);
}

async function waitTerminal(id: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const r = await s.req('GET', `/api/runs/${id}`, { who: admin });
    if (['completed', 'failed', 'cancelled'].includes(r.json.run.status)) return r.json.run.status;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`run ${id} did not end`);
}

beforeAll(async () => {
  s = await startServer('audit');
  db = await s.sql();
});
afterAll(async () => {
  await db?.close();
  await s?.stop();
});

describe('sign-in, accounts and tokens', () => {
  it('setup, users, sign-in (ok and failed), token creation and use: one row each', async () => {
    const setup = await one('auth.setup', () => s.setupAdmin());
    admin = setup.out;
    expect(setup.row).toMatchObject({ actor: 'admin@test.local', via: 'anonymous', ip: '127.0.0.1', status: 201 });

    await one('user.create', () =>
      s.req('POST', '/api/admin/users', { who: admin, body: { email: 'op@test.local', name: 'op', role: 'operator', password: PASSWORD } }),
    );
    await one('user.create', () =>
      s.req('POST', '/api/admin/users', { who: admin, body: { email: 'view@test.local', name: 'view', role: 'viewer', password: PASSWORD } }),
    );
    operator = (await one('auth.sign_in', () => s.signIn('op@test.local'))).out;
    viewer = (await one('auth.sign_in', () => s.signIn('view@test.local'))).out;

    const failed = await one(
      'auth.sign_in',
      () => s.req('POST', '/api/auth/sign-in', { body: { email: 'op@test.local', password: 'not the password' }, headers: { 'x-forwarded-for': '6.6.6.6' } }),
      'failed',
    );
    expect(failed.out.status).toBe(401);
    expect(failed.row).toMatchObject({ actor: 'op@test.local', ip: '127.0.0.1', status: 401 }); // X-Forwarded-For from an untrusted peer is ignored
    const unknown = await one('auth.sign_in', () => s.req('POST', '/api/auth/sign-in', { body: { email: 'nobody@test.local', password: 'x' } }), 'failed');
    expect(unknown.out.json.error.message).toBe(failed.out.json.error.message); // no account enumeration

    const tok = await one('token.create', () => s.req('POST', '/api/tokens', { who: admin, body: { name: 'ops-bot', role: 'operator' } }));
    operatorToken = { token: tok.out.json.token };
    expect(tok.row.details).not.toContain(tok.out.json.token); // the token itself is never logged

    const use = await one('token.use', () => s.req('GET', '/api/tools', { who: operatorToken }));
    expect(use.row).toMatchObject({ actor: 'token:ops-bot', via: 'token', tokenId: tok.out.json.info.id, status: 200 });
    expect(JSON.parse(use.row.details!)).toMatchObject({ request: 'GET /api/tools' });
  });

  it('reading with a session is not audited; requests without credentials leave no row', async () => {
    await none(() => s.req('GET', '/api/hosts', { who: viewer }));
    await none(() => s.req('POST', '/api/hosts', { body: {} }));
    await none(() => s.req('GET', '/api/admin/audit'));
  });

  it('a refused attempt is one denied row', async () => {
    const d = await one('host.create', () => s.req('POST', '/api/hosts', { who: viewer, body: {} }), 'denied');
    expect(d.row).toMatchObject({ actor: 'view@test.local', status: 403 });
    await one('token.create', () => s.req('POST', '/api/tokens', { who: admin, origin: 'http://evil.example', body: { name: 'x', role: 'viewer' } }), 'denied');
  });
});

describe('hosts, host keys, runs, exports, deletion', () => {
  const f11 = () => fleetHost('fleet11');
  let hostId: string;
  let runId: string;

  it('host added, checked, renamed; its key pinned, then re-pinned after a change: one row each', async () => {
    const key = fs.readFileSync(fleetClientKeyPath(), 'utf8');
    const created = await one('host.create', () =>
      s.req('POST', '/api/hosts', { who: admin, body: { name: 'audit-f11', address: f11().address, port: f11().port, username: f11().user, privateKey: key } }),
    );
    hostId = created.out.json.host.id;
    expect(created.row.target).toBe(`host:${hostId}`);
    expect(created.row.details).not.toContain('PRIVATE KEY');

    const scan = await s.req('POST', `/api/hosts/${hostId}/hostkey/scan`, { who: admin });
    const fp = scan.json.hostKey.fingerprint as string;
    await one('hostkey.accept', () => s.req('POST', `/api/hosts/${hostId}/hostkey/accept`, { who: operator, body: { fingerprint: fp } }), 'denied');
    const pinned = await one('hostkey.accept', () => s.req('POST', `/api/hosts/${hostId}/hostkey/accept`, { who: admin, body: { fingerprint: fp } }));
    expect(JSON.parse(pinned.row.details!)).toMatchObject({ fingerprint: fp, previous: null, replace: false });

    // The host's key "changed" (we pretend fleet12's key was pinned): re-pinning needs replace, and is audited.
    const other = hostKeyBlob(fleetHost('fleet12'));
    const { fingerprintOf } = await import('@/lib/ssh/hostkey');
    await db.run('UPDATE "Host" SET "hostKeyBlob" = ?, "hostKeyFingerprint" = ? WHERE "id" = ?', [other.toString('base64'), fingerprintOf(other), hostId]);
    const refused = await one(
      'hostkey.accept',
      () => s.req('POST', `/api/hosts/${hostId}/hostkey/accept`, { who: admin, body: { fingerprint: fp } }),
      'failed',
    );
    expect(refused.out.status).toBe(409);
    const repinned = await one('hostkey.accept', () =>
      s.req('POST', `/api/hosts/${hostId}/hostkey/accept`, { who: admin, body: { fingerprint: fp, replace: true } }),
    );
    expect(JSON.parse(repinned.row.details!)).toMatchObject({ fingerprint: fp, previous: fingerprintOf(other), replace: true });

    const check = await one('host.check', () => s.req('POST', `/api/hosts/${hostId}/check`, { who: operator }));
    expect(check.out.status, check.out.text).toBe(200);
    await one('host.update', () => s.req('PATCH', `/api/hosts/${hostId}`, { who: admin, body: { name: 'audit-f11b' } }));
  });

  it('run started with a token, cancelled, exported: one row each (no extra token.use row)', async () => {
    const start = await one('run.start', () => s.req('POST', '/api/runs', { who: operatorToken, body: { hostId, toolId: 'profile', durationSec: 10 } }));
    expect(start.out.status, start.out.text).toBe(202);
    runId = start.out.json.run.id;
    expect(start.row).toMatchObject({ actor: 'token:ops-bot', via: 'token', target: `run:${runId}` });
    expect(start.out.json.run.requestedBy).toBe('token:ops-bot');
    // cancel once bpftrace runs and has printed (profile prints attached_probes at once): the run then
    // has raw output, and exporting it is an 'ok' row
    const t0 = Date.now();
    while ((await s.req('GET', `/api/runs/${runId}`, { who: admin })).json.run.status !== 'running' && Date.now() - t0 < 60_000) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 3000));
    await one('run.cancel', () => s.req('POST', `/api/runs/${runId}/cancel`, { who: operator }));
    await waitTerminal(runId);
    const cancelled = (await s.req('GET', `/api/runs/${runId}`, { who: admin })).json.run;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.rawOutputBytes, 'precondition: bpftrace printed before it was cancelled').toBeGreaterThan(0);
    const raw = await one('run.export', () => s.req('GET', `/api/runs/${runId}/raw`, { who: operator }), 'ok');
    expect(raw.out.status).toBe(200);
    await one('run.export', () => s.req('GET', `/api/runs/${runId}/export?format=json`, { who: viewer }));
  });

  it('a dashboard start is one row, however many tools it starts', async () => {
    const d = await one('dashboard.start', () => s.req('POST', `/api/hosts/${hostId}/dashboard`, { who: operator, body: { durationSec: 10 } }));
    const runs = d.out.json.runs as Array<{ id: string }>;
    expect(runs.length).toBeGreaterThan(1);
    expect(JSON.parse(d.row.details!).runIds).toHaveLength(runs.length);
    for (const r of runs) await s.req('POST', `/api/runs/${r.id}/cancel`, { who: operator });
    for (const r of runs) await waitTerminal(r.id);
  });

  it('reports, retention, run and host deletion: one row each', async () => {
    const rep = await one('report.create', () => s.req('POST', '/api/reports', { who: operator, body: { runId } }));
    expect(rep.out.status, rep.out.text).toBe(201);
    const reportId = rep.out.json.report.id;
    await one('report.export', () => s.req('GET', `/api/reports/${reportId}/export?tool=profile&format=json`, { who: viewer }));
    await one('report.delete', () => s.req('DELETE', `/api/reports/${reportId}`, { who: admin }));
    await one('settings.update', () => s.req('PUT', '/api/reports/retention', { who: admin, body: { rawOutputDays: 30 } }));
    await one('data.delete', () => s.req('DELETE', `/api/runs/${runId}`, { who: admin }));
    await one('host.delete', () => s.req('DELETE', `/api/hosts/${hostId}`, { who: admin }));
  });
});

describe('account changes and sign-out', () => {
  it('password change, role change, token revocation, user deletion, sign-out: one row each', async () => {
    await one('auth.password_change', () =>
      s.req('POST', '/api/auth/password', { who: viewer, body: { currentPassword: PASSWORD, newPassword: 'another long passphrase' } }),
    );
    viewer = await s.signIn('view@test.local', 'another long passphrase');
    const users = (await s.req('GET', '/api/admin/users', { who: admin })).json.users as Array<{ id: string; email: string }>;
    const opId = users.find((u) => u.email === 'op@test.local')!.id;
    await one('user.update', () => s.req('PATCH', `/api/admin/users/${opId}`, { who: admin, body: { role: 'viewer' } }));
    const tokens = (await s.req('GET', '/api/tokens', { who: admin })).json.tokens as Array<{ id: string }>;
    await one('token.revoke', () => s.req('DELETE', `/api/tokens/${tokens[0].id}`, { who: admin }));
    const del = await one('user.delete', () => s.req('DELETE', `/api/admin/users/${opId}`, { who: admin }));
    expect(del.row.target).toBe('user:op@test.local');
    // the deleted person's session is gone with them
    expect((await s.req('GET', '/api/hosts', { who: operator })).status).toBe(401);
    await one('auth.sign_out', () => s.req('POST', '/api/auth/sign-out', { who: viewer }));
    expect((await s.req('GET', '/api/hosts', { who: viewer })).status).toBe(401);
  });
});

describe('the log itself', () => {
  it('is append-only: the database refuses UPDATE and DELETE', async () => {
    expect(await maxId()).toBeGreaterThan(10);
    await expect(db.run(`UPDATE "AuditEvent" SET "actor" = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(db.run('DELETE FROM "AuditEvent"')).rejects.toThrow(/append-only/);
  });

  it('admins browse and filter it (API and page)', async () => {
    const r = await s.req('GET', '/api/admin/audit?action=auth.sign_in&outcome=failed', { who: admin });
    expect(r.json.events.length).toBe(2);
    expect(r.json.events.every((e: Row) => e.action === 'auth.sign_in' && e.outcome === 'failed')).toBe(true);
    const page = await s.req('GET', '/admin/audit?action=host.delete', { who: admin });
    expect(page.status).toBe(200);
    expect(page.text).toContain('host.delete');
    expect((await s.req('GET', '/api/admin/audit?limit=1', { who: admin })).json.nextBefore).toBeGreaterThan(0);
  });
});
