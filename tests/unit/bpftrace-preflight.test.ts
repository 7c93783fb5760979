import { describe, expect, it } from 'vitest';
import { parsePreflightOutput } from '@/lib/bpftrace/preflight';

describe('parsePreflightOutput', () => {
  it('a host that printed nothing (its command exited 1 without output) has no working sudo and no probes', () => {
    // found by security-input.test.ts: Number('') is 0, which read as "sudo and every probe ok"
    const caps = parsePreflightOutput('', 12);
    expect(caps.sudoOk).toBe(false);
    expect(caps.bpftraceVersion).toBeNull();
    expect(caps.probes).toEqual({});
    expect(caps.sudoMessage).toEqual(expect.any(String));
  });
});
