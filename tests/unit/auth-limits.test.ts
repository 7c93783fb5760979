/** The sliding-window limiter (sign-in failures, bad tokens; in a real SQLite file), audit details, token format. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SlidingWindow } from '@/lib/auth/rate-limit';
import { safeDetails } from '@/lib/audit/record';
import { generateToken, hashToken, looksLikeToken } from '@/lib/auth/tokens';

beforeAll(() => {
  process.env.BPFDECK_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-unit-limits-'));
  delete process.env.DATABASE_URL;
});

describe('SlidingWindow', () => {
  it('blocks after the limit and frees up as events age out', async () => {
    let now = 1_000_000;
    const w = new SlidingWindow('unit', 3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(await w.blocked('k')).toBe(false);
      await w.hit('k');
      now += 10_000;
    }
    expect(await w.blocked('k')).toBe(true);
    expect(await w.blocked('other')).toBe(false);
    expect(await w.retryAfterSec('k')).toBe(30); // the first hit leaves the window 30 s from now
    now += 30_001;
    expect(await w.blocked('k')).toBe(false);
    expect(await w.count('k')).toBe(2);
    await w.reset('k');
    expect(await w.count('k')).toBe(0);
  });

  it('take() counts up to the limit and then refuses; another window of the same key is apart', async () => {
    let now = 5_000_000;
    const w = new SlidingWindow('unit-take', 2, 60_000, () => now);
    const other = new SlidingWindow('unit-take-other', 2, 60_000, () => now);
    expect(await w.take('ip')).toBe(true);
    expect(await w.take('ip')).toBe(true);
    expect(await w.take('ip')).toBe(false);
    expect(await w.count('ip')).toBe(2); // a refused take is not counted
    expect(await other.take('ip')).toBe(true);
    now += 60_001;
    expect(await w.take('ip')).toBe(true);
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
