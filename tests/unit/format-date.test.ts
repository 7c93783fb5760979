import { describe, expect, it } from 'vitest';
import { formatDateTime } from '@/lib/format/date';

describe('formatDateTime', () => {
  it('prints ISO-like date, 24 h time and the zone', () => {
    expect(formatDateTime('2026-12-02T07:28:37Z', 'UTC')).toBe('2026-12-02 07:28:37 UTC');
    expect(formatDateTime('2026-12-02T23:05:09Z', 'Europe/Berlin')).toBe('2026-12-03 00:05:09 GMT+1');
  });
  it('returns the input for something that is not a date', () => {
    expect(formatDateTime('not a date')).toBe('not a date');
  });
});
