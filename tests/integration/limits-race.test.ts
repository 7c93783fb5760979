/**
 * Limits that hold across processes (lib/db/limits.ts): two bpfdeck processes on the same database (a
 * real SQLite file, or with BPFDECK_TEST_DATABASE=postgres a real PostgreSQL server) race for the last
 * slot of the run quota, of the sign-in failures and of the invalid-token limit: exactly one wins, and
 * the other is refused with the limit's own answer (not a database error).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDataDir } from './helpers';

const ROOT = path.resolve(__dirname, '../..');

interface Racer {
  child: ChildProcessWithoutNullStreams;
  next(): Promise<string>;
}

function startRacer(): Promise<Racer> {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '--conditions=react-server', 'tests/integration/limits-child.ts'], {
    cwd: ROOT,
    env: process.env,
  });
  child.stderr.on('data', (b) => process.stderr.write(b));
  const lines: string[] = [];
  const waiters: Array<(l: string) => void> = [];
  readline.createInterface({ input: child.stdout }).on('line', (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else lines.push(l);
  });
  const next = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : waiters.push(resolve)));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`racer exited (${code}) before it was ready`)));
    void next().then((l) => (l === 'READY' ? resolve({ child, next }) : reject(new Error(`racer said ${l}`))));
  });
}

let racers: Racer[] = [];

/** Both racers do the step at the same moment; their outcomes, sorted. */
async function race(step: string): Promise<string[]> {
  for (const r of racers) r.child.stdin.write(`${step}\n`);
  const out = await Promise.all(racers.map((r) => r.next()));
  return out.map((l) => l.replace(/^RESULT \S+ /, '')).sort();
}

beforeAll(async () => {
  useTempDataDir('limits-race');
  process.env.BPFDECK_MAX_ACTIVE_RUNS_PER_USER = '2';
  process.env.BPFDECK_SIGNIN_MAX_FAILURES = '3';
  process.env.BPFDECK_AUTH_SECRET = 'a test secret of at least thirty-two characters';
  const { databaseReady } = await import('@/lib/db/client');
  await databaseReady(); // migrated once here, not by two racers at once
  racers = await Promise.all([startRacer(), startRacer()]);
});

afterAll(() => {
  for (const r of racers) r.child.kill();
});

describe('limits across processes', () => {
  it('run quota: with one slot left, two processes starting a run at once: one run is created, the other is refused', async () => {
    const { db } = await import('@/lib/db/client');
    const { newId } = await import('@/lib/ids');
    const host = await db().host.create({ data: { id: newId(), name: 'race-host', address: '127.0.0.1', username: 'nobody' } });
    const run = { hostId: host.id, toolId: 'profile', variantId: 'profile', scriptSha256: '0'.repeat(64), durationSec: 10, requestedBy: 'racer@example.com' };
    await db().run.create({ data: { ...run, id: newId(), status: 'running' } }); // 1 of 2
    expect(await race(`quota ${host.id}`)).toEqual(['ok', 'rate_limited']);
    expect(await db().run.count({ where: { requestedBy: 'racer@example.com' } })).toBe(2);
    // the quota frees up when a run ends, for whichever process asks next
    await db().run.updateMany({ where: { requestedBy: 'racer@example.com', status: 'running' }, data: { status: 'completed' } });
    expect(await race(`quota ${host.id}`)).toEqual(['ok', 'rate_limited']);
  });

  it('sign-in: with one failure left for an account and address, two processes trying at once: one is let through, the other refused', async () => {
    const { signInWithPassword } = await import('@/lib/auth/session');
    for (const round of [1, 2, 3]) {
      const email = `victim${round}@example.com`;
      for (let i = 0; i < 2; i++) {
        await expect(signInWithPassword({ email, password: 'a wrong password' }, { ip: '192.0.2.7', userAgent: null })).rejects.toThrow(
          /wrong email or password/,
        );
      }
      expect(await race(`signin ${email}`)).toEqual(['rate_limited', 'unauthenticated']);
    }
  });

  it('invalid API tokens: at 29 of 30 from an address, two processes at once: one counted (401), the other refused (429)', async () => {
    const { principalFromHeaders } = await import('@/lib/auth/session');
    const bad = new Headers({ authorization: `Bearer bpfd_${'y'.repeat(43)}` });
    for (const ip of ['198.51.100.1', '198.51.100.2']) {
      for (let i = 0; i < 29; i++) await expect(principalFromHeaders(bad, ip)).rejects.toThrow(/unknown, revoked or expired/);
      expect(await race(`token ${ip}`)).toEqual(['rate_limited', 'unauthenticated']);
    }
  });
});
