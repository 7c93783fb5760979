/**
 * Hostile input in every host and run field (shell metacharacters, path traversal, NUL bytes, huge
 * values, wrong types) is refused with a clear 4xx error, and never reaches any host:
 *  - a trap SSH server (ssh2's Server, on 127.0.0.1) registered as a host counts every connection,
 *    authentication and exec request: none may arrive while the hostile requests are made (and a
 *    legitimate check afterwards proves the trap does see connections);
 *  - requests aimed at the real fleet host fleet11 carry a unique marker, which must never appear in
 *    its sshd log (sshd logs the user name of every connection attempt).
 */
import fs from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetClientKeyPath, fleetDir, fleetHost } from './fleet';
import { FAKE_ID, startServer, type Server, type Who } from './security-server';
import { generateTestKey } from '@/tests/helpers/ssh-keys';

const MARKER = `bpfdeckhostile${Date.now().toString(36)}`;

/** Hostile strings: each carries the marker, so it can be searched for wherever it might have gone. */
const HOSTILE_STRINGS = [
  `x; touch /tmp/${MARKER}`,
  `$(touch /tmp/${MARKER})`,
  `\`touch /tmp/${MARKER}\``,
  `a|${MARKER}&&id`,
  `../../../../etc/passwd/${MARKER}`,
  `..%2f..%2f${MARKER}`,
  `${MARKER}\u0000root`,
  `${MARKER}\nroot`,
  `'"${MARKER}"'`,
  `-oProxyCommand=touch /tmp/${MARKER}`,
  `${MARKER}${'A'.repeat(70_000)}`,
];
/** Hostile values for number fields (and wrong types). */
const HOSTILE_NUMBERS: unknown[] = [-1, 0, 1e308, 3.5, 65536, 2 ** 53, '22; id', `${MARKER}`, null, true, [22], { $gt: 0 }];

interface Trap {
  port: number;
  connections: number;
  auths: string[];
  execs: string[];
  close: () => Promise<void>;
}

async function startTrap(): Promise<Trap> {
  const hostKey = generateTestKey();
  const trap: Trap = { port: 0, connections: 0, auths: [], execs: [], close: async () => {} };
  const server = new ssh2.Server({ hostKeys: [hostKey.private] }, (client) => {
    trap.connections++;
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      trap.auths.push(ctx.username);
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acc, _rej, info) => {
          trap.execs.push(info.command);
          const ch = acc();
          ch.exit(1);
          ch.end();
        });
        session.on('sftp', (_acc, rej) => {
          trap.execs.push('<sftp>');
          rej();
        });
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  trap.port = (server.address() as { port: number }).port;
  trap.close = () => new Promise((r) => server.close(() => r()));
  return trap;
}

let s: Server;
let admin: Who;
let trap: Trap;
let trapHostId: string;
let fleetHostId: string;
let clientKey: string;

const sshdLog = () => path.join(fleetDir(), 'fleet', 'h11', 'sshd.log');

beforeAll(async () => {
  trap = await startTrap();
  s = await startServer('input');
  admin = await s.setupAdmin();
  clientKey = fs.readFileSync(fleetClientKeyPath(), 'utf8');
  // The trap host, pinned: scan and accept connect to it (twice), nothing else may.
  let r = await s.req('POST', '/api/hosts', {
    who: admin,
    body: { name: 'trap', address: '127.0.0.1', port: trap.port, username: 'trapuser', privateKey: clientKey },
  });
  trapHostId = r.json.host.id;
  r = await s.req('POST', `/api/hosts/${trapHostId}/hostkey/scan`, { who: admin });
  r = await s.req('POST', `/api/hosts/${trapHostId}/hostkey/accept`, { who: admin, body: { fingerprint: r.json.hostKey.fingerprint } });
  expect(r.status, r.text).toBe(200);
  // A real fleet host, pinned.
  const f = fleetHost('fleet11');
  r = await s.req('POST', '/api/hosts', { who: admin, body: { name: 'f11', address: f.address, port: f.port, username: f.user, privateKey: clientKey } });
  fleetHostId = r.json.host.id;
  r = await s.req('POST', `/api/hosts/${fleetHostId}/hostkey/scan`, { who: admin });
  r = await s.req('POST', `/api/hosts/${fleetHostId}/hostkey/accept`, { who: admin, body: { fingerprint: r.json.hostKey.fingerprint } });
  expect(r.status, r.text).toBe(200);
});
afterAll(async () => {
  await s?.stop();
  await trap?.close();
});

interface Case {
  what: string;
  method: string;
  path: string;
  body?: unknown;
  rawBody?: string;
}

function hostCases(): Case[] {
  const f = fleetHost('fleet11');
  const valid = { name: 'evil-host', address: f.address, port: f.port, username: f.user, privateKey: clientKey };
  const out: Case[] = [];
  for (const field of ['name', 'address', 'username', 'privateKey'] as const) {
    for (const v of [...HOSTILE_STRINGS, 42, null, ['a'], { a: 1 }]) {
      out.push({ what: `create host: ${field}=${JSON.stringify(v).slice(0, 40)}`, method: 'POST', path: '/api/hosts', body: { ...valid, [field]: v } });
      out.push({ what: `update host: ${field}=${JSON.stringify(v).slice(0, 40)}`, method: 'PATCH', path: `/api/hosts/${fleetHostId}`, body: { [field]: v } });
      out.push({
        what: `update trap host: ${field}=${JSON.stringify(v).slice(0, 40)}`,
        method: 'PATCH',
        path: `/api/hosts/${trapHostId}`,
        body: { [field]: v },
      });
    }
  }
  for (const v of HOSTILE_NUMBERS) {
    out.push({ what: `create host: port=${JSON.stringify(v)}`, method: 'POST', path: '/api/hosts', body: { ...valid, port: v } });
    out.push({ what: `update host: port=${JSON.stringify(v)}`, method: 'PATCH', path: `/api/hosts/${trapHostId}`, body: { port: v } });
  }
  // a key-shaped text that is no key (shell in the middle of a PEM frame)
  const fakePem = `-----BEGIN OPENSSH PRIVATE KEY-----\n$(touch /tmp/${MARKER})\n-----END OPENSSH PRIVATE KEY-----\n`;
  out.push({ what: 'create host: PEM frame around shell', method: 'POST', path: '/api/hosts', body: { ...valid, privateKey: fakePem } });
  out.push({ what: 'update host: PEM frame around shell', method: 'PATCH', path: `/api/hosts/${trapHostId}`, body: { privateKey: fakePem } });
  for (const v of [...HOSTILE_STRINGS, 'SHA256:' + 'A'.repeat(42), 'MD5:00:11', 42]) {
    out.push({
      what: `accept host key: fingerprint=${JSON.stringify(v).slice(0, 40)}`,
      method: 'POST',
      path: `/api/hosts/${trapHostId}/hostkey/accept`,
      body: { fingerprint: v, replace: true },
    });
  }
  out.push({
    what: 'accept host key: replace is not a boolean',
    method: 'POST',
    path: `/api/hosts/${trapHostId}/hostkey/accept`,
    body: { fingerprint: 'SHA256:' + 'A'.repeat(43), replace: `yes; touch /tmp/${MARKER}` },
  });
  return out;
}

function runCases(): Case[] {
  const out: Case[] = [];
  for (const hostId of [trapHostId, fleetHostId]) {
    const valid = { hostId, toolId: 'profile', durationSec: 10 };
    for (const v of [...HOSTILE_STRINGS, 42, null, { a: 1 }]) {
      out.push({ what: `start run: hostId=${JSON.stringify(v).slice(0, 40)}`, method: 'POST', path: '/api/runs', body: { ...valid, hostId: v } });
      out.push({ what: `start run: toolId=${JSON.stringify(v).slice(0, 40)}`, method: 'POST', path: '/api/runs', body: { ...valid, toolId: v } });
      out.push({
        what: `start run: param name=${JSON.stringify(v).slice(0, 40)}`,
        method: 'POST',
        path: '/api/runs',
        body: { ...valid, params: { [String(v)]: 1 } },
      });
      out.push({ what: `start run: param value=${JSON.stringify(v).slice(0, 40)}`, method: 'POST', path: '/api/runs', body: { ...valid, params: { hz: v } } });
    }
    for (const v of [...HOSTILE_NUMBERS, 3601, 100_000]) {
      out.push({ what: `start run: durationSec=${JSON.stringify(v)}`, method: 'POST', path: '/api/runs', body: { ...valid, durationSec: v } });
      out.push({ what: `dashboard: durationSec=${JSON.stringify(v)}`, method: 'POST', path: `/api/hosts/${hostId}/dashboard`, body: { durationSec: v } });
    }
    out.push({ what: 'start run: unknown tool id', method: 'POST', path: '/api/runs', body: { ...valid, toolId: 'bash' } });
    out.push({ what: 'start run: unknown parameter', method: 'POST', path: '/api/runs', body: { ...valid, params: { script: 1 } } });
    out.push({
      what: 'start run: prototype key',
      method: 'POST',
      path: '/api/runs',
      rawBody: `{"hostId":"${hostId}","toolId":"profile","durationSec":10,"params":{"__proto__":{"x":1}}}`,
    });
    out.push({ what: 'start run: too long for the tool', method: 'POST', path: '/api/runs', body: { ...valid, durationSec: 61 } });
  }
  out.push({ what: 'start run: body is not JSON', method: 'POST', path: '/api/runs', rawBody: `hostId=${trapHostId}&toolId=;id` });
  out.push({
    what: 'start run: body over 1 MB',
    method: 'POST',
    path: '/api/runs',
    rawBody: JSON.stringify({ hostId: trapHostId, toolId: 'profile', durationSec: 10, pad: 'x'.repeat(1_100_000) }),
  });
  out.push({
    what: 'create host: body over 1 MB',
    method: 'POST',
    path: '/api/hosts',
    rawBody: JSON.stringify({ name: 'x', pad: `${MARKER}`.repeat(100_000) }),
  });
  return out;
}

function pathCases(): Case[] {
  const ids = [`..%2F..%2Fetc%2Fpasswd${MARKER}`, `${MARKER}%00`, `${MARKER}%3Bid`, `${MARKER}${'A'.repeat(5000)}`, `%24(touch%20%2Ftmp%2F${MARKER})`];
  const out: Case[] = [];
  for (const id of ids) {
    out.push({ what: `host check: id=${id.slice(0, 40)}`, method: 'POST', path: `/api/hosts/${id}/check`, body: {} });
    out.push({ what: `host key scan: id=${id.slice(0, 40)}`, method: 'POST', path: `/api/hosts/${id}/hostkey/scan`, body: {} });
    out.push({ what: `dashboard: id=${id.slice(0, 40)}`, method: 'POST', path: `/api/hosts/${id}/dashboard`, body: { durationSec: 10 } });
    out.push({ what: `get host: id=${id.slice(0, 40)}`, method: 'GET', path: `/api/hosts/${id}` });
    out.push({ what: `cancel run: id=${id.slice(0, 40)}`, method: 'POST', path: `/api/runs/${id}/cancel`, body: {} });
    out.push({ what: `raw output: id=${id.slice(0, 40)}`, method: 'GET', path: `/api/runs/${id}/raw` });
  }
  out.push({ what: 'list runs: hostile filters', method: 'GET', path: `/api/runs?hostId=..%2F${MARKER}&toolId=%3Bid` });
  out.push({ what: 'list runs: huge limit', method: 'GET', path: '/api/runs?limit=1000000000' });
  return out;
}

describe('hostile input is refused with a clear 4xx error and reaches no host', () => {
  let before: { connections: number; auths: number; execs: number; sshdLogBytes: number };

  beforeAll(() => {
    before = { connections: trap.connections, auths: trap.auths.length, execs: trap.execs.length, sshdLogBytes: fs.statSync(sshdLog()).size };
  });

  it('host fields', async () => {
    const cases = hostCases();
    expect(cases.length).toBeGreaterThan(150);
    for (const c of cases) await expectRefused(c);
  });

  it('run fields', async () => {
    for (const c of runCases()) await expectRefused(c);
  });

  it('ids in paths and query strings', async () => {
    for (const c of pathCases()) await expectRefused(c);
  });

  it('nothing reached the trap host, and fleet11 never saw the marker', () => {
    expect(trap.connections, 'SSH connections to the trap during the hostile requests').toBe(before.connections);
    expect(trap.auths.length).toBe(before.auths);
    expect(trap.execs, 'remote commands').toHaveLength(before.execs);
    const log = fs.readFileSync(sshdLog());
    expect(log.subarray(before.sshdLogBytes).includes(MARKER), 'marker in fleet11 sshd.log').toBe(false);
    expect(log.includes(MARKER)).toBe(false);
    expect(fs.existsSync(`/tmp/${MARKER}`)).toBe(false);
    // and the inventory is as it was: nothing hostile was stored
    return s.req('GET', '/api/hosts', { who: admin }).then((r) => {
      expect(r.json.hosts.map((h: { name: string }) => h.name).sort()).toEqual(['f11', 'trap']);
      expect(r.text).not.toContain(MARKER);
    });
  });

  it('the trap does see a legitimate check (so the counts above mean something)', async () => {
    const c0 = trap.connections;
    const r = await s.req('POST', `/api/hosts/${trapHostId}/check`, { who: admin });
    // the check itself succeeds: it reports what it found (the trap runs nothing: exit 1, no output)
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(r.json.host.id).toBe(trapHostId);
    expect(r.json.host.capabilities).toMatchObject({ sudoOk: false, bpftraceVersion: null });
    expect(trap.connections).toBeGreaterThan(c0);
    expect(trap.auths.at(-1)).toBe('trapuser');
    // what the trap was asked to run is bpfdeck's own fixed preflight, nothing from a request
    expect(trap.execs.join('\n')).not.toContain(MARKER);
  });

  async function expectRefused(c: Case): Promise<void> {
    const r = await s.req(c.method, c.path, { who: admin, body: c.body, rawBody: c.rawBody });
    expect(r.status, `${c.what}: ${r.status} ${r.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(r.status, `${c.what}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
    if (r.status !== 404 || r.json) {
      expect(typeof r.json?.error?.message, `${c.what}: a message says what is wrong`).toBe('string');
      expect(r.json.error.message.length).toBeGreaterThan(3);
    }
  }
});

it('uses ids of the right shape that exist nowhere as a control', async () => {
  const r = await s.req('POST', `/api/hosts/${FAKE_ID}/check`, { who: admin });
  expect(r.status).toBe(404);
});
