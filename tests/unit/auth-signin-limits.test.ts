/** SignInLimits (F3): wrong passwords lock an account+address pair, not the account everywhere (kept in a real SQLite file). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SignInLimits } from '@/lib/auth/rate-limit';

beforeAll(() => {
  process.env.BPFDECK_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-unit-signin-'));
  delete process.env.DATABASE_URL;
});

// every test its own key prefix: they share the file's database
let scopes = 0;
const limits = (max: number, now: () => number) => new SignInLimits(max, now, `t${++scopes}`);

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('SignInLimits', async () => {
  it('10 failures from one address lock that address out of that account only', async () => {
    const c = clock();
    const l = limits(10, c.now);
    for (let i = 0; i < 10; i++) {
      expect(await l.retryAfterSec('admin@x', '10.0.0.66')).toBe(0);
      await l.failed('admin@x', '10.0.0.66');
    }
    expect(await l.retryAfterSec('admin@x', '10.0.0.66')).toBeGreaterThan(14 * 60);
    expect(await l.retryAfterSec('ADMIN@x', '10.0.0.66')).toBeGreaterThan(14 * 60); // e-mails are case-insensitive
    expect(await l.retryAfterSec('admin@x', '10.0.0.1')).toBe(0); // the admin at their own address
    expect(await l.retryAfterSec('other@x', '10.0.0.66')).toBe(0);
    c.advance(15 * 60_000 + 1);
    expect(await l.retryAfterSec('admin@x', '10.0.0.66')).toBe(0);
  });

  it('one address spraying many accounts is stopped after 5 x the limit', async () => {
    const l = limits(10, clock().now);
    for (let i = 0; i < 50; i++) await l.failed(`u${i}@x`, '10.0.0.66');
    expect(await l.retryAfterSec('fresh@x', '10.0.0.66')).toBeGreaterThan(0);
    expect(await l.retryAfterSec('fresh@x', '10.0.0.67')).toBe(0);
  });

  it('many addresses guessing one account meet a growing back-off of at most 60 s, never a lock', async () => {
    const c = clock();
    const l = limits(10, c.now);
    for (let i = 0; i < 20; i++) await l.failed('admin@x', `10.1.0.${i}`);
    // 20 = 2 x limit: 2^0 = 1 s after the last failure
    expect(await l.retryAfterSec('admin@x', '10.0.0.1')).toBe(1);
    c.advance(1000);
    expect(await l.retryAfterSec('admin@x', '10.0.0.1')).toBe(0);
    for (let i = 0; i < 30; i++) await l.failed('admin@x', `10.2.0.${i}`);
    expect(await l.retryAfterSec('admin@x', '10.0.0.1')).toBe(60);
    c.advance(60_000);
    expect(await l.retryAfterSec('admin@x', '10.0.0.1')).toBe(0);
  });

  it('a right password forgives that address its failures on that account', async () => {
    const l = limits(3, clock().now);
    for (let i = 0; i < 2; i++) await l.failed('a@x', '1.1.1.1');
    await l.succeeded('a@x', '1.1.1.1');
    for (let i = 0; i < 2; i++) await l.failed('a@x', '1.1.1.1');
    expect(await l.retryAfterSec('a@x', '1.1.1.1')).toBe(0);
  });

  it('begin reserves the attempt as a failure at once; settle forgives it (ok), keeps it (failed) or drops it (void)', async () => {
    const c = clock();
    const l = limits(2, c.now);
    const first = await l.begin('b@x', '2.2.2.2');
    expect(first.retryAfterSec).toBe(0);
    const second = await l.begin('b@x', '2.2.2.2'); // the first is still unsettled: it counts
    expect(second.ticket).not.toBeNull();
    const third = await l.begin('b@x', '2.2.2.2');
    expect(third.ticket).toBeNull();
    expect(third.retryAfterSec).toBeGreaterThan(14 * 60);
    await l.settle(second.ticket!, 'b@x', '2.2.2.2', 'void');
    await l.settle(first.ticket!, 'b@x', '2.2.2.2', 'failed');
    const fourth = await l.begin('b@x', '2.2.2.2'); // one failure left of two
    expect(fourth.ticket).not.toBeNull();
    expect((await l.begin('b@x', '2.2.2.2')).ticket).toBeNull();
    await l.settle(fourth.ticket!, 'b@x', '2.2.2.2', 'ok'); // right password: this pair's failures are forgiven
    expect(await l.retryAfterSec('b@x', '2.2.2.2')).toBe(0);
  });
});
