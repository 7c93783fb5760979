/** SignInLimits (F3): wrong passwords lock an account+address pair, not the account everywhere. */
import { describe, expect, it } from 'vitest';
import { SignInLimits } from '@/lib/auth/rate-limit';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('SignInLimits', () => {
  it('10 failures from one address lock that address out of that account only', () => {
    const c = clock();
    const l = new SignInLimits(10, c.now);
    for (let i = 0; i < 10; i++) {
      expect(l.retryAfterSec('admin@x', '10.0.0.66')).toBe(0);
      l.failed('admin@x', '10.0.0.66');
    }
    expect(l.retryAfterSec('admin@x', '10.0.0.66')).toBeGreaterThan(14 * 60);
    expect(l.retryAfterSec('ADMIN@x', '10.0.0.66')).toBeGreaterThan(14 * 60); // e-mails are case-insensitive
    expect(l.retryAfterSec('admin@x', '10.0.0.1')).toBe(0); // the admin at their own address
    expect(l.retryAfterSec('other@x', '10.0.0.66')).toBe(0);
    c.advance(15 * 60_000 + 1);
    expect(l.retryAfterSec('admin@x', '10.0.0.66')).toBe(0);
  });

  it('one address spraying many accounts is stopped after 5 x the limit', () => {
    const l = new SignInLimits(10, clock().now);
    for (let i = 0; i < 50; i++) l.failed(`u${i}@x`, '10.0.0.66');
    expect(l.retryAfterSec('fresh@x', '10.0.0.66')).toBeGreaterThan(0);
    expect(l.retryAfterSec('fresh@x', '10.0.0.67')).toBe(0);
  });

  it('many addresses guessing one account meet a growing back-off of at most 60 s, never a lock', () => {
    const c = clock();
    const l = new SignInLimits(10, c.now);
    for (let i = 0; i < 20; i++) l.failed('admin@x', `10.1.0.${i}`);
    // 20 = 2 x limit: 2^0 = 1 s after the last failure
    expect(l.retryAfterSec('admin@x', '10.0.0.1')).toBe(1);
    c.advance(1000);
    expect(l.retryAfterSec('admin@x', '10.0.0.1')).toBe(0);
    for (let i = 0; i < 30; i++) l.failed('admin@x', `10.2.0.${i}`);
    expect(l.retryAfterSec('admin@x', '10.0.0.1')).toBe(60);
    c.advance(60_000);
    expect(l.retryAfterSec('admin@x', '10.0.0.1')).toBe(0);
  });

  it('a right password forgives that address its failures on that account', () => {
    const l = new SignInLimits(3, clock().now);
    for (let i = 0; i < 2; i++) l.failed('a@x', '1.1.1.1');
    l.succeeded('a@x', '1.1.1.1');
    for (let i = 0; i < 2; i++) l.failed('a@x', '1.1.1.1');
    expect(l.retryAfterSec('a@x', '1.1.1.1')).toBe(0);
  });
});
