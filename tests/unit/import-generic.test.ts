/**
 * Import of any capture (lib/tools/import.ts, the core of the UI upload and `bpfdeck import`): without a
 * tool the generic result (or a tool recognised from its records); with a tool whose parser recognises
 * none of the records, the generic result and a plain reason, and the CLI exits 1. Real captures.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCapture } from '@/lib/tools/import';
import { main, type CliIo } from '@/lib/cli/main';
import type { GenericResult } from '@/lib/tools/generic/types';

const FIX = path.resolve(__dirname, '../fixtures');
const upstreamExec = readFileSync(path.join(FIX, 'generic/0.17.0/execsnoop.jsonl'));

describe('importCapture', () => {
  it('upstream execsnoop.bt with --tool execsnoop: falls back to the generic table and says why', async () => {
    const cap = await importCapture('execsnoop', upstreamExec, { keepRaw: false });
    expect(cap.chosen).toBe('fallback');
    expect(cap.toolId).toBeNull();
    expect(cap.requestedToolId).toBe('execsnoop');
    expect(cap.mismatch).toMatch(/not New processes \(execsnoop\) output.*recognised none of the 12 records/);
    const r = cap.result as GenericResult;
    expect(r.kind).toBe('generic');
    const t = r.sections.find((s) => s.type === 'table');
    // the 5 marker execs of the capture's workload (tests/fixtures/generic/CAPTURE.md)
    expect(t?.type === 'table' && t.table.rows.filter((row) => row.c2 === '/bin/echo bpfdeck-gen-fleet11-exec a b c').length).toBe(5);
  });

  it('without a tool: the generic result', async () => {
    const cap = await importCapture(null, upstreamExec, { keepRaw: true });
    expect(cap).toMatchObject({ chosen: 'generic', toolId: null, mismatch: null });
    expect(cap.rawSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("without a tool, bpfdeck's own profile capture is recognised by its @stacks_a/@stacks_b maps", async () => {
    const cap = await importCapture(null, readFileSync(path.join(FIX, 'profile/0.23.2/profile.jsonl')), { keepRaw: false });
    expect(cap).toMatchObject({ chosen: 'detected', toolId: 'profile' });
    expect((cap.result as { kind: string }).kind).toBe('profile');
  });

  // every catalog capture imported without a tool gets its own tool's view (cachestat, tcplife and
  // tcpretrans print no maps of their own at exit: generic); no generic capture is taken for a tool
  for (const ver of ['0.17.0', '0.23.2']) {
    it(`without a tool (${ver}): each catalog tool's capture is recognised by its exit maps, the generic captures by none`, async () => {
      const fs = await import('node:fs');
      const got: Record<string, string | null> = {};
      for (const id of ['execsnoop', 'opensnoop', 'ext4slower', 'biolatency', 'biosnoop', 'cachestat', 'tcplife', 'tcpretrans', 'runqlat', 'profile']) {
        const file = path.join(FIX, id, ver, `${id}.jsonl`);
        if (!fs.existsSync(file)) continue;
        got[id] = (await importCapture(null, readFileSync(file), { keepRaw: false, bpftraceVersion: ver })).toolId;
      }
      for (const [id, t] of Object.entries(got)) expect(t, id).toBe(['cachestat', 'tcplife', 'tcpretrans'].includes(id) ? null : id);
      expect(Object.keys(got).length).toBeGreaterThanOrEqual(8);
      for (const f of fs.readdirSync(path.join(FIX, 'generic', ver)).filter((x) => x.endsWith('.jsonl'))) {
        const bytes = readFileSync(path.join(FIX, 'generic', ver, f));
        // 0.17's runqlat.bt failed before printing anything: an empty capture is refused, not imported
        if (bytes.length === 0) await expect(importCapture(null, bytes)).rejects.toThrow(/the capture is empty/);
        else expect((await importCapture(null, bytes, { keepRaw: false })).toolId, f).toBeNull();
      }
    });
  }

  it("bpfdeck's own execsnoop capture with --tool execsnoop: the tool's table", async () => {
    const cap = await importCapture('execsnoop', readFileSync(path.join(FIX, 'execsnoop/0.17.0/execsnoop.jsonl')), { keepRaw: false });
    expect(cap).toMatchObject({ chosen: 'tool', toolId: 'execsnoop', mismatch: null });
    expect((cap.result as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
  });
});

describe('bpfdeck import', () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    const cli: CliIo = { stdout: async (t) => void out.push(t), stderr: (t) => void err.push(t), cwd: FIX };
    return { cli, out, err };
  }
  it('exits 1 when the asked tool is not what the capture holds, printing the generic result and the reason', async () => {
    const a = io();
    expect(await main(['import', '--tool', 'execsnoop', 'generic/0.17.0/execsnoop.jsonl'], a.cli)).toBe(1);
    expect(JSON.parse(a.out.join('')).kind).toBe('generic');
    expect(a.err.join('')).toMatch(/not New processes \(execsnoop\) output/);
  });
  it('exits 0 without --tool (generic result)', async () => {
    const b = io();
    expect(await main(['import', 'generic/0.23.2/syscount.jsonl'], b.cli)).toBe(0);
    const r = JSON.parse(b.out.join('')) as GenericResult;
    expect(r.sections.map((s) => s.type)).toEqual(['lines', 'map', 'map']);
  });
});
