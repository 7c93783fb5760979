/**
 * Import of hand-taken captures (lib/tools/import.ts, shared by the UI and `bpfdeck import`): the same
 * result as a run's parser on the same bytes, however the bytes arrive; bounded; refuses what is not a
 * bpftrace JSON capture. And the report it makes (real SQLite in a temp data dir).
 */
import { resultForView } from '@/lib/tools/profile/full-stacks';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { getTool } from '@/lib/tools/catalog';
import { importCapture } from '@/lib/tools/import';

const FIX = path.resolve(__dirname, '../fixtures');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What a run computes: the tool's parser over the decoded records. */
function parsedLikeARun(toolId: string, bytes: Buffer, version?: string): unknown {
  const p = getTool(toolId)!.createParser();
  for (const r of decodeAll(bytes, { version })) p.push(r);
  return p.finish();
}

function chunked(bytes: Buffer, size: number): ReadableStream<Uint8Array> {
  let off = 0;
  return new ReadableStream({
    pull(c) {
      if (off >= bytes.length) return c.close();
      c.enqueue(new Uint8Array(bytes.subarray(off, off + size)));
      off += size;
    },
  });
}

beforeAll(() => {
  process.env.BPFDECK_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-unit-import-'));
  delete process.env.DATABASE_URL;
});

describe('importCapture', () => {
  for (const [tool, file] of [
    ['profile', 'profile/0.17.0/profile.jsonl'],
    ['profile', 'profile/0.23.2/profile.jsonl'],
    ['runqlat', 'runqlat/0.17.0/runqlat.jsonl'],
    ['biosnoop', 'biosnoop/0.23.2/biosnoop.jsonl'],
  ] as const) {
    it(`${tool} (${file}): the run's result, from any chunking`, async () => {
      const bytes = fs.readFileSync(path.join(FIX, file));
      const want = parsedLikeARun(tool, bytes);
      const whole = await importCapture(tool, bytes);
      expect(whole.result).toEqual(want);
      expect(whole.rawBytes).toBe(bytes.length);
      expect(whole.rawSha256).toBe(sha(bytes));
      expect(Buffer.compare(zlib.gunzipSync(whole.rawGz!), bytes)).toBe(0);
      expect(whole.sawAttached).toBe(true);
      // 7-byte chunks split lines and UTF-8 sequences everywhere
      const streamed = await importCapture(tool, chunked(bytes, 7));
      expect(streamed.result).toEqual(want);
      expect(streamed.rawSha256).toBe(whole.rawSha256);
      expect(streamed.recordCount).toBe(whole.recordCount);
      // the CLI's way: no raw copy kept, same result
      const lean = await importCapture(tool, chunked(bytes, 65536), { keepRaw: false, maxBytes: Number.POSITIVE_INFINITY });
      expect(lean.result).toEqual(want);
      expect([lean.rawGz, lean.rawSha256, lean.rawBytes]).toEqual([null, null, bytes.length]);
    });
  }

  it('refuses a capture over the bound without reading it all', async () => {
    const bytes = fs.readFileSync(path.join(FIX, 'profile/0.17.0/profile.jsonl'));
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(bytes));
      },
    });
    await expect(importCapture('profile', endless, { maxBytes: 100_000 })).rejects.toThrow(/larger than/);
    expect(pulled).toBeLessThan(10);
  });

  it('refuses what is not a bpftrace JSON capture, an empty file, an unknown tool', async () => {
    await expect(importCapture('profile', Buffer.from('Attaching 2 probes...\n@samples: 12\n'))).rejects.toThrow(/not a `bpftrace -f json` capture/);
    await expect(importCapture('profile', Buffer.alloc(0))).rejects.toThrow(/empty/);
    await expect(importCapture('nope', Buffer.from('{}'))).rejects.toThrow(/unknown tool/);
  });
});

describe('imported report', () => {
  it('is a report like a run report, with the raw capture byte for byte', async () => {
    const { createImportedReport } = await import('@/lib/reports/import');
    const { getReport, getReportResultJson } = await import('@/lib/reports/read');
    const { exportReportItem } = await import('@/lib/reports/export');
    const bytes = fs.readFileSync(path.join(FIX, 'profile/0.23.2/profile.jsonl'));
    const { id } = await createImportedReport(
      { toolId: 'profile', hostName: 'laptop', bpftraceVersion: 'v0.23.2', requestedBy: 'carol' },
      chunked(bytes, 4096),
    );
    const rep = await getReport(id);
    expect(rep).toMatchObject({
      kind: 'import',
      title: 'CPU profile on laptop (imported)',
      hostId: null,
      hostName: 'laptop',
      bpftraceVersion: '0.23.2',
      requestedBy: 'carol',
    });
    expect(rep.items[0]).toMatchObject({
      toolId: 'profile',
      status: 'completed',
      scriptFile: 'profile.bt',
      raw: { bytes: bytes.length, sha256: sha(bytes), available: true },
    });
    // the browser's copy: the full stacks (for exports) stay on the server
    expect(JSON.parse((await getReportResultJson(id, 'profile'))!)).toEqual(resultForView(parsedLikeARun('profile', bytes, '0.23.2')));
    const raw = await exportReportItem(id, 'profile', 'raw');
    expect(Buffer.compare(Buffer.from(await new Response(raw.body).arrayBuffer()), bytes)).toBe(0);
  });

  it('an upstream capture imported as the wrong tool: a generic report item that says so; without a tool: generic, no notice', async () => {
    const { createImportedReport } = await import('@/lib/reports/import');
    const { getReport, getReportResultJson } = await import('@/lib/reports/read');
    const bytes = fs.readFileSync(path.join(FIX, 'generic/0.23.2/execsnoop.jsonl'));
    const a = await createImportedReport({ toolId: 'execsnoop', hostName: 'lab', requestedBy: 'carol' }, chunked(bytes, 4096));
    const ra = await getReport(a.id);
    expect(ra.title).toMatch(/^New processes\? Not its format: bpftrace output on lab/);
    expect(ra.items[0]).toMatchObject({ toolId: 'execsnoop', viz: 'generic', status: 'completed' });
    expect(ra.items[0].errorMessage).toMatch(/recognised none of the/);
    expect(JSON.parse((await getReportResultJson(a.id, 'execsnoop'))!).kind).toBe('generic');
    const b = await createImportedReport({ hostName: 'lab', requestedBy: 'carol' }, chunked(bytes, 4096));
    const rb = await getReport(b.id);
    expect(rb.items[0]).toMatchObject({ toolId: 'generic', viz: 'generic', errorMessage: null, exports: ['raw', 'bundle', 'json', 'csv'] });
  });
});
