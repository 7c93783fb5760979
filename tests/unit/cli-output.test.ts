import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { importStream } from '@/lib/cli/import';
import { main, type CliIo } from '@/lib/cli/main';
import { safeText, summarize } from '@/lib/cli/summary';
import { buildToolsReport, formatToolsReport } from '@/lib/cli/tools';
import { getTool, listTools, wantedTracepoints } from '@/lib/tools/catalog';

const caps = (over: Partial<HostCapabilities> = {}): HostCapabilities => ({
  checkedAt: '2026-11-25T17:00:00.000Z',
  kernelRelease: '6.18.44',
  bpftraceVersion: '0.17.0',
  bpftracePath: '/usr/bin/bpftrace',
  sudoOk: true,
  btf: true,
  tracefs: true,
  probes: { tracepoint: { ok: true }, profile: { ok: true }, interval: { ok: true }, kprobe: { ok: false, message: 'no kprobes' }, kfunc: { ok: false } },
  tracepoints: Object.fromEntries(wantedTracepoints().map((t) => [t, true])),
  durationMs: 5,
  ...over,
});

describe('tools report', () => {
  const tools = listTools();
  const report = buildToolsReport(
    tools,
    [
      { name: 'web-1', address: '10.0.0.1', port: 22, capabilities: caps() },
      {
        name: 'old',
        address: '10.0.0.2',
        port: 2222,
        capabilities: caps({ btf: false, probes: { ...caps().probes, profile: { ok: false, message: 'no PMU' } } }),
      },
      { name: 'new', address: '10.0.0.3', port: 22, capabilities: null },
    ],
    '/data/bpfdeck.db',
  );

  it('lists every tool with its durations, variants and parameters', () => {
    expect(report.tools.map((t) => t.id)).toEqual(tools.map((t) => t.id));
    const e = report.tools.find((t) => t.id === 'ext4slower')!;
    expect(e.durationSec).toEqual({ default: 30, min: 5, max: 300 });
    expect(e.variants.map((v) => v.id)).toEqual(['ext4slower-kprobe', 'ext4slower']);
    expect(e.params).toEqual([expect.objectContaining({ name: 'minLatencyMs', default: 10, min: 0, max: 60000 })]);
  });

  it("gives each host's variant, or why not", () => {
    const [web, old, fresh] = report.hosts;
    expect(web.tools.find((t) => t.id === 'ext4slower')).toEqual({ id: 'ext4slower', variant: 'ext4slower', reason: null });
    expect(web.tools.find((t) => t.id === 'profile')).toEqual({ id: 'profile', variant: 'profile', reason: null });
    expect(old.tools.find((t) => t.id === 'ext4slower')!.reason).toMatch(/needs kernel BTF/);
    expect(old.tools.find((t) => t.id === 'profile')!.reason).toMatch(/no PMU/);
    expect(fresh.checkedAt).toBeNull();
    expect(fresh.tools.every((t) => t.variant === null && /not been checked/.test(t.reason!))).toBe(true);
  });

  it('formats as text', () => {
    const text = formatToolsReport(report);
    expect(text).toMatch(/^TOOLS\n/);
    expect(text).toMatch(
      /ext4slower\s+Slow ext4 operations\s+moderate\s+30, 5-300\s+ext4slower-kprobe \(kprobe, tracepoint, BTF\), ext4slower \(tracepoint, BTF\)/,
    );
    expect(text).toMatch(/parameter minLatencyMs: 0\.\.60000, default 10/);
    expect(text).toMatch(/HOSTS \(database \/data\/bpfdeck.db\)/);
    expect(text).toMatch(/ {2}old \(10\.0\.0\.2:2222; checked .*bpftrace 0\.17\.0/);
    expect(text).toMatch(/ {4}profile\s+cannot run: CPU profile cannot run here: no PMU/);
    expect(formatToolsReport(buildToolsReport(tools, [], null))).toMatch(/HOSTS: none \(no database yet/);
  });
});

describe('import (streaming)', () => {
  it('gives what the in-process parser gives, whatever the chunking', async () => {
    const raw = readFileSync(path.resolve(__dirname, '../fixtures/ext4slower/0.23.2/ext4slower.jsonl'));
    const tool = getTool('ext4slower')!;
    const p = tool.createParser();
    for (const r of decodeAll(raw)) p.push(r);
    const expected = p.finish();
    for (const size of [1, 7, 4096, raw.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < raw.length; i += size) chunks.push(raw.subarray(i, i + size));
      const { result, stats } = await importStream(tool, Readable.from(chunks));
      expect(result).toEqual(expected);
      expect(stats.bytes).toBe(raw.length);
    }
  });
});

describe('main', () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    const cli: CliIo = { stdout: async (t) => void out.push(t), stderr: (t) => void err.push(t), cwd: path.resolve(__dirname, '../fixtures') };
    return { cli, out, err };
  }

  it('exit status 2 with a pointer to help on wrong usage, 0 for help', async () => {
    const a = io();
    expect(await main(['run', '--tool', 'profile'], a.cli)).toBe(2);
    expect(a.err.join('')).toMatch(/^bpfdeck: run needs exactly one of --host <name>, --hosts <selector> or --local\n\(see: bpfdeck run --help\)\n$/);
    expect(a.out).toEqual([]);
    const b = io();
    expect(await main(['import', '--tool', 'nope', 'x'], b.cli)).toBe(2);
    expect(b.err.join('')).toMatch(/unknown tool nope/);
    const c = io();
    expect(await main(['help', 'import'], c.cli)).toBe(0);
    expect(c.out.join('')).toBe(`${(await import('@/lib/cli/args')).HELP.import}`);
  });

  it('exit status 1 when the capture cannot be read; relative paths are relative to cwd', async () => {
    const a = io();
    expect(await main(['import', '--tool', 'profile', 'no/such.jsonl'], a.cli)).toBe(1);
    expect(a.err.join('')).toMatch(/ENOENT.*no\/such\.jsonl/);
    const b = io();
    expect(await main(['import', '--tool', 'profile', 'profile/0.17.0/profile.jsonl'], b.cli)).toBe(0);
    expect(JSON.parse(b.out.join(''))).toMatchObject({ kind: 'profile', samplesCounted: 1076 });
    const d = io();
    expect(await main(['import', '--tool', 'profile', 'profile'], d.cli)).toBe(1);
    expect(d.err.join('')).toMatch(/not a regular file/);
  });
});

describe('summary', () => {
  it('escapes control characters of traced text', () => {
    expect(safeText('new\nline\ttab\x1b[31mred\x7f')).toBe('new\\x0aline\\x09tab\\x1b[31mred\\x7f');
    expect(safeText('x'.repeat(100))).toHaveLength(60);
  });
  it('summarizes an event table as a few aligned rows', () => {
    const raw = readFileSync(path.resolve(__dirname, '../fixtures/ext4slower/0.17.0/ext4slower.jsonl'));
    const p = getTool('ext4slower')!.createParser();
    for (const r of decodeAll(raw)) p.push(r);
    const text = summarize(p.finish());
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^50 events \(50 rows kept/);
    // what an SRE reads first comes first: latency and file before the ids (issue 14)
    expect(lines[1]).toMatch(/^Time\s+Latency\s+Comm\s+File\s+T\s+Bytes\s+Errno\s+PID\s+TID/);
    expect(lines).toHaveLength(2 + 20 + 1);
    expect(text).toContain('e4,w\\x1fké/x');
    expect(text).toContain('…/a/b/tab\\x09here');
  });
});

describe('bpfdeck run --hosts: the final per-host table', () => {
  it('one line per host and tool, skips included, host text escaped, a summary line', async () => {
    const { fleetTable } = await import('@/lib/cli/run-fleet');
    const run = (over: Record<string, unknown>) =>
      ({ id: 'r', toolId: 'tcplife', variantId: 'tcplife', status: 'completed', recordCount: 12, lostEvents: 0, errorMessage: null, ...over }) as never;
    const f = {
      id: 'F'.repeat(22),
      status: 'partial',
      fanout: 32,
      counts: { queued: 0, connecting: 0, running: 0, completed: 1, failed: 1, cancelled: 0, skipped: 1 },
      hosts: [
        { hostName: 'web-1', runs: [run({})], skipped: [] },
        { hostName: 'web-2', runs: [run({ status: 'failed', recordCount: 0, errorMessage: 'bpftrace said:\n\u001b[2Jboom' })], skipped: [] },
        { hostName: 'web-3', runs: [], skipped: [{ toolId: 'tcplife', reason: 'sudo: a password is required' }] },
      ],
    } as never;
    expect(fleetTable(f).split('\n')).toEqual([
      'HOST   TOOL     STATUS     VARIANT  RECORDS  LOST  DETAIL',
      'web-1  tcplife  completed  tcplife  12       0     -',
      'web-2  tcplife  failed     tcplife  0        0     bpftrace said:\\x0a\\x1b[2Jboom',
      'web-3  tcplife  skipped    -        -        -     sudo: a password is required',
      `fleet run ${'F'.repeat(22)} partial: 1 completed, 1 failed, 0 cancelled, 1 skipped, on 3 hosts (fan-out 32)`,
      '',
    ]);
  });
});
