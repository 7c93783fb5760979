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

describe('the CPU count of a host (fleet views normalise by it)', () => {
  it('is read from its own marker line; anything but a positive whole number is null', () => {
    const at = (line: string) => parsePreflightOutput(`@@bpfdeck kernel=6.1.0\n${line}\n`, 1).cpuCount;
    expect(at('@@bpfdeck ncpu=2')).toBe(2);
    expect(at('@@bpfdeck ncpu=128')).toBe(128);
    expect(at('@@bpfdeck ncpu=')).toBeNull();
    expect(at('@@bpfdeck ncpu=0')).toBeNull();
    expect(at('@@bpfdeck ncpu=2; rm -rf /')).toBeNull();
    expect(at('')).toBeNull();
  });
});
