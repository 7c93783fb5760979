import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { AppError } from '@/lib/errors';
import { startRunSchema } from '@/lib/runs/schemas';
import { chooseVariant, getTool, loadScript, renderScript, resolveParams, wantedTracepoints } from '@/lib/tools/catalog';
import { EXT4SLOWER_THRESHOLD, ext4slowerTool } from '@/lib/tools/ext4slower';

const tool = ext4slowerTool;
const scriptOf = (file: string) => readFileSync(path.resolve(__dirname, '../../bpftrace-tools', file), 'utf8');

function caps(over: Partial<HostCapabilities> = {}): HostCapabilities {
  return {
    checkedAt: '2026-11-25T00:00:00.000Z',
    kernelRelease: '6.18.44',
    bpftraceVersion: '0.17.0',
    bpftracePath: '/usr/bin/bpftrace',
    sudoOk: true,
    btf: true,
    tracefs: true,
    probes: {
      tracepoint: { ok: true },
      profile: { ok: true },
      interval: { ok: true },
      kprobe: { ok: false, message: 'kprobes cannot attach: this kernel was built without CONFIG_KPROBES (no kprobe_events)' },
      kfunc: { ok: false, message: 'kfunc/fentry is not available' },
    },
    tracepoints: Object.fromEntries(wantedTracepoints().map((t) => [t, true])),
    durationMs: 1,
    ...over,
  };
}

describe('ext4slower in the catalog', () => {
  it('is registered, in dashboard order before biolatency', () => {
    expect(getTool('ext4slower')).toBe(tool);
    expect(tool.viz).toBe('event-table');
    expect(tool.variants.map((v) => v.file)).toEqual(['ext4slower.kprobe.bt', 'ext4slower.bt']);
    expect(tool.docs.man).toBe('https://github.com/iovisor/bcc/blob/master/man/man8/ext4slower.8');
  });

  it('declares every tracepoint its tracepoint script attaches to, and no other', () => {
    const text = scriptOf('ext4slower.bt');
    const used = [...text.matchAll(/^tracepoint:([a-z0-9_]+:[a-z0-9_]+)/gm)].map((m) => m[1]);
    expect([...new Set(used)].sort()).toEqual([...tool.variants[1].tracepoints!].sort());
    const kp = scriptOf('ext4slower.kprobe.bt');
    expect([...new Set([...kp.matchAll(/^kprobe:(\w+)/gm)].map((m) => m[1]))].sort()).toEqual([...tool.variants[0].functions!].sort());
    expect([...kp.matchAll(/^tracepoint:(\S+)/gm)].map((m) => m[1])).toEqual(tool.variants[0].tracepoints);
  });

  it('picks kprobes where they attach, tracepoints where not, and says why not without BTF', () => {
    const withKprobe = caps({ probes: { ...caps().probes, kprobe: { ok: true } } });
    expect(chooseVariant(tool, withKprobe)).toEqual({ ok: true, variant: tool.variants[0] });
    expect(chooseVariant(tool, caps())).toEqual({ ok: true, variant: tool.variants[1] });
    const noBtf = chooseVariant(tool, caps({ btf: false }));
    expect(noBtf.ok).toBe(false);
    expect(!noBtf.ok && noBtf.reason).toMatch(/needs kernel BTF/);
    expect(!noBtf.ok && noBtf.reason).toMatch(/CONFIG_KPROBES/);
    const noSyncTp = chooseVariant(tool, caps({ tracepoints: { ...caps().tracepoints, 'ext4:ext4_sync_file_exit': false } }));
    expect(!noSyncTp.ok && noSyncTp.reason).toMatch(/no tracepoint ext4:ext4_sync_file_exit/);
  });
});

describe('the threshold parameter', () => {
  it('defaults to 10 ms and takes whole numbers from 0 to 60000', () => {
    expect(resolveParams(tool)).toEqual({ minLatencyMs: 10 });
    expect(resolveParams(tool, { minLatencyMs: 0 })).toEqual({ minLatencyMs: 0 });
    expect(resolveParams(tool, { minLatencyMs: 60_000 })).toEqual({ minLatencyMs: 60_000 });
    for (const bad of [-1, 60_001, 1.5, Number.NaN, Infinity, '5', '5; system("id")', null, 1e300]) {
      expect(() => resolveParams(tool, { minLatencyMs: bad }), String(bad)).toThrow(AppError);
    }
    expect(() => resolveParams(tool, { threshold: 5 })).toThrow(/has no parameter "threshold" \(it has: minLatencyMs\)/);
    expect(() => resolveParams(getTool('profile')!, { minLatencyMs: 5 })).toThrow(/has no parameter/);
    expect(resolveParams(getTool('profile')!)).toEqual({});
  });

  it('rewrites only the number of the one #define line, in both variants', () => {
    for (const v of tool.variants) {
      const raw = scriptOf(v.file);
      const out = loadScript(v, tool, { minLatencyMs: 250 });
      const changed = raw.split('\n').flatMap((l, i) => (l !== out.text.split('\n')[i] ? [[l, out.text.split('\n')[i]]] : []));
      expect(changed).toEqual([['#define MIN_LATENCY_MS 10', '#define MIN_LATENCY_MS 250']]);
      // defaults render the file as it is
      expect(loadScript(v, tool).text).toBe(raw);
      expect(loadScript(v, tool).sha256).not.toBe(out.sha256);
    }
  });

  it('refuses out-of-range values and scripts without exactly one such line', () => {
    expect(() => renderScript('#define MIN_LATENCY_MS 10\n', [EXT4SLOWER_THRESHOLD], { minLatencyMs: -5 })).toThrow(/out of range/);
    expect(() => renderScript('BEGIN {}\n', [EXT4SLOWER_THRESHOLD], { minLatencyMs: 5 })).toThrow(/catalog bug: 0 lines/);
    expect(() => renderScript('#define MIN_LATENCY_MS 1\n#define MIN_LATENCY_MS 2\n', [EXT4SLOWER_THRESHOLD], { minLatencyMs: 5 })).toThrow(
      /catalog bug: 2 lines/,
    );
    // a mention inside a comment is not the line
    expect(renderScript(' * `#define MIN_LATENCY_MS 10` here\n#define MIN_LATENCY_MS 10\n', [EXT4SLOWER_THRESHOLD], { minLatencyMs: 7 })).toBe(
      ' * `#define MIN_LATENCY_MS 10` here\n#define MIN_LATENCY_MS 7\n',
    );
  });

  it('run requests carry params as a typed, optional record', () => {
    const base = { hostId: 'a'.repeat(22), toolId: 'ext4slower', durationSec: 10 };
    expect(startRunSchema.parse(base).params).toBeUndefined();
    expect(startRunSchema.parse({ ...base, params: { minLatencyMs: 3 } }).params).toEqual({ minLatencyMs: 3 });
    for (const params of [{ minLatencyMs: 1.5 }, { minLatencyMs: '3' }, { 'min-latency': 3 }, { ['x'.repeat(40)]: 1 }, [3]]) {
      expect(startRunSchema.safeParse({ ...base, params }).success, JSON.stringify(params)).toBe(false);
    }
  });
});
