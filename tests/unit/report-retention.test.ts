/** Retention arithmetic: when raw output expires, and the cutoff the job applies. */
import { describe, expect, it } from 'vitest';
import { isRawExpired, rawExpiresAt, retentionCutoff } from '@/lib/reports/retention';

const t0 = new Date('2026-11-25T18:00:00.000Z');

describe('retention arithmetic', () => {
  it('expires `days` whole days after capture', () => {
    expect(rawExpiresAt(t0, 30)!.toISOString()).toBe('2026-12-25T18:00:00.000Z');
    expect(rawExpiresAt(t0, 1)!.toISOString()).toBe('2026-11-26T18:00:00.000Z');
    // across a month end and a leap day: calendar-free, 24 h days
    expect(rawExpiresAt(new Date('2028-02-28T12:00:00Z'), 2)!.toISOString()).toBe('2028-03-01T12:00:00.000Z');
  });

  it('0 days means kept forever', () => {
    expect(rawExpiresAt(t0, 0)).toBeNull();
    expect(retentionCutoff(t0, 0)).toBeNull();
    expect(isRawExpired(new Date(0), 0, t0)).toBe(false);
  });

  it('the cutoff is now minus the retention, and agrees with isRawExpired at the boundary', () => {
    const now = new Date('2026-12-25T18:00:00.000Z');
    expect(retentionCutoff(now, 30)!.toISOString()).toBe(t0.toISOString());
    expect(isRawExpired(t0, 30, now)).toBe(true); // exactly 30 days old: expired
    expect(isRawExpired(new Date(t0.getTime() + 1), 30, now)).toBe(false);
    expect(isRawExpired(t0, 31, now)).toBe(false);
  });
});
