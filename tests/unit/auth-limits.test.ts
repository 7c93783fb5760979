/** The sliding-window limiter (sign-in failures, bad tokens), audit details, token format. */
import { describe, expect, it } from 'vitest';
import { SlidingWindow } from '@/lib/auth/rate-limit';
import { safeDetails } from '@/lib/audit/record';
import { generateToken, hashToken, looksLikeToken } from '@/lib/auth/tokens';

describe('SlidingWindow', () => {
  it('blocks after the limit and frees up as events age out', () => {
    let now = 1_000_000;
    const w = new SlidingWindow(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(w.blocked('k')).toBe(false);
      w.hit('k');
      now += 10_000;
    }
    expect(w.blocked('k')).toBe(true);
    expect(w.blocked('other')).toBe(false);
    expect(w.retryAfterSec('k')).toBe(30); // the first hit leaves the window 30 s from now
    now += 30_001;
    expect(w.blocked('k')).toBe(false);
    expect(w.count('k')).toBe(2);
    w.reset('k');
    expect(w.count('k')).toBe(0);
  });
});

describe('audit details', () => {
  it('cuts long strings and deep objects, keeps numbers and booleans', () => {
    const d = JSON.parse(safeDetails({ a: 'x'.repeat(2000), n: 5, b: true, deep: { a: { b: { c: { d: { e: 1 } } } } } })!);
    expect(d.a.length).toBe(501);
    expect(d.n).toBe(5);
    expect(d.b).toBe(true);
    expect(JSON.stringify(d.deep)).toContain('…');
    expect(safeDetails({})).toBeNull();
  });
});

describe('API tokens', () => {
  it('are 256-bit random with a recognisable prefix; only their sha256 is stored', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a).not.toBe(b);
    expect(looksLikeToken(a)).toBe(true);
    expect(looksLikeToken('bpfd_short')).toBe(false);
    expect(looksLikeToken(`${a}\n`)).toBe(false);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).not.toContain(a.slice(5));
  });
});
