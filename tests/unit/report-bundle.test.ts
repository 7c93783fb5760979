/**
 * Report bundles (lib/reports/bundle.ts): the header's round trip, splitting a bundle from a plain
 * capture however the bytes arrive, refusals; and the whole trip through a real SQLite database: a
 * run's report exported as a bundle imports with tool, variant, parameters, host, kernel, bpftrace
 * version and times filled in, while the plain raw export stays byte for byte what bpftrace printed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { getTool, type LoadedScript } from '@/lib/tools/catalog';
import { bundleHeader, openBundle, parseBundleHeader, type BundleMeta } from '@/lib/reports/bundle';
import { generateTestKey } from '@/tests/helpers/ssh-keys';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const CAPTURE = fs.readFileSync(path.resolve(__dirname, '../fixtures/ext4slower/0.17.0/ext4slower.jsonl'));
const SCRIPT = '// ext4slower as it ran, threshold 1 ms\n';

const META: Omit<BundleMeta, 'bpfdeck' | 'version'> = {
  tool: 'ext4slower',
  toolTitle: 'Slow ext4 operations',
  variant: 'ext4slower',
  params: { minLatencyMs: 1 },
  host: { name: 'db-7', address: '192.0.2.10', port: 2222, user: 'sre' },
  kernelRelease: '6.1.0-test',
  bpftraceVersion: '0.17.0',
  startedAt: '2026-11-25T18:00:00.000Z',
  endedAt: '2026-11-25T18:00:11.000Z',
  durationSec: 10,
  script: { file: 'ext4slower.bt', sha256: sha(SCRIPT), text: SCRIPT },
  raw: { bytes: CAPTURE.length, sha256: sha(CAPTURE) },
  report: { id: 'r'.repeat(22), title: 'Slow ext4 operations on db-7' },
};

async function* inChunks(bytes: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let off = 0; off < bytes.length; off += size) yield new Uint8Array(bytes.subarray(off, off + size));
}
async function readAll(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | string | Uint8Array): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if ('getReader' in body) return Buffer.from(await new Response(body).arrayBuffer());
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

describe('bundle format', () => {
  it('the header line round-trips and starts with the magic', () => {
    const line = bundleHeader(META);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.startsWith('{"bpfdeck":"report-bundle","version":1,')).toBe(true);
    expect(parseBundleHeader(line.slice(0, -1))).toEqual({ bpfdeck: 'report-bundle', version: 1, ...META });
  });

  it('splits header and capture however the bytes are cut; a plain capture passes through whole', async () => {
    const bundle = Buffer.concat([Buffer.from(bundleHeader(META)), CAPTURE]);
    for (const size of [1, 7, 64, 4096, bundle.length]) {
      const o = await openBundle(inChunks(bundle, size));
      expect(o.meta?.tool, `chunk ${size}`).toBe('ext4slower');
      expect(o.headerBytes).toBe(Buffer.byteLength(bundleHeader(META)));
      expect(Buffer.compare(await readAll(o.body), CAPTURE), `chunk ${size}`).toBe(0);
    }
    for (const plain of [CAPTURE, Buffer.from('{}'), Buffer.from('{"bpf'), Buffer.from('{"attached_probes": 1}\n')]) {
      for (const size of [1, 5, plain.length]) {
        const o = await openBundle(inChunks(plain, size));
        expect(o.meta).toBeNull();
        expect(o.headerBytes).toBe(0);
        expect(Buffer.compare(await readAll(o.body), plain)).toBe(0);
      }
    }
  });

  it('refuses a header of another version, a broken header, a header without a capture, an endless header line', async () => {
    const v2 = bundleHeader(META).replace('"version":1', '"version":2');
    await expect(openBundle(inChunks(Buffer.from(v2 + '{}\n'), 100))).rejects.toThrow(/version 2 is not one this bpfdeck reads/);
    await expect(openBundle(inChunks(Buffer.from('{"bpfdeck":"report-bundle" oops\n{}\n'), 100))).rejects.toThrow(/not JSON/);
    const bad = bundleHeader(META).replace('"port":2222', '"port":99999');
    await expect(openBundle(inChunks(Buffer.from(bad), 100))).rejects.toThrow(/host.port/);
    await expect(openBundle(inChunks(Buffer.from(bundleHeader(META).slice(0, -1)), 100))).rejects.toThrow(/a header and no capture/);
    let pulled = 0;
    async function* endless() {
      yield new TextEncoder().encode('{"bpfdeck":"report-bundle","x":"');
      for (;;) {
        pulled++;
        yield new Uint8Array(65536).fill(0x61);
      }
    }
    await expect(openBundle(endless())).rejects.toThrow(/longer than/);
    expect(pulled).toBeLessThan(40); // stopped near the 1 MiB bound, not read forever
  });
});

describe('bundle through the database', () => {
  beforeAll(() => {
    process.env.BPFDECK_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-unit-bundle-'));
    delete process.env.DATABASE_URL;
  });

  it('a run report exported as a bundle imports with everything filled in; raw stays byte-identical', async () => {
    const { db } = await import('@/lib/db/client');
    const { newId } = await import('@/lib/ids');
    const { createHost } = await import('@/lib/hosts/service');
    const { createRunReport } = await import('@/lib/reports/snapshot');
    const { getReport, getReportResultJson } = await import('@/lib/reports/read');
    const { exportReportItem } = await import('@/lib/reports/export');
    const { createImportedReport } = await import('@/lib/reports/import');
    const host = await createHost({ name: 'db-7', address: '192.0.2.10', port: 2222, username: 'sre', privateKey: generateTestKey().private });
    await db().host.update({
      where: { id: host.id },
      data: {
        preflightJson: JSON.stringify({ checkedAt: '2026-11-25T18:00:00Z', kernelRelease: '6.1.0-test', bpftraceVersion: '0.17.0', probes: {} }),
        preflightAt: new Date(),
      },
    });
    const p = getTool('ext4slower')!.createParser();
    for (const r of decodeAll(CAPTURE, { version: '0.17.0' })) p.push(r);
    const runId = newId();
    await db().run.create({
      data: {
        id: runId,
        hostId: host.id,
        toolId: 'ext4slower',
        variantId: 'ext4slower',
        scriptSha256: sha(SCRIPT),
        paramsJson: JSON.stringify({ minLatencyMs: 1 }),
        durationSec: 10,
        status: 'completed',
        requestedBy: 'alice',
        startedAt: new Date('2026-11-25T18:00:00Z'),
        endedAt: new Date('2026-11-25T18:00:11Z'),
        exitCode: 0,
        rawOutputGz: new Uint8Array(zlib.gzipSync(CAPTURE)),
        rawOutputBytes: CAPTURE.length,
        resultJson: JSON.stringify(p.finish()),
      },
    });
    const reportId = (await createRunReport(runId, { deps: { loadScript: (): LoadedScript => ({ text: SCRIPT, sha256: sha(SCRIPT) }) } }))!;
    const rep = await getReport(reportId);
    expect(rep.items[0].exports.slice(0, 2)).toEqual(['raw', 'bundle']);

    // the plain raw export: what bpftrace printed, byte for byte (unchanged by bundles)
    const raw = await exportReportItem(reportId, 'ext4slower', 'raw');
    expect(Buffer.compare(await readAll(raw.body), CAPTURE)).toBe(0);

    const exp = await exportReportItem(reportId, 'ext4slower', 'bundle');
    expect(exp.fileName).toMatch(/^bpfdeck-ext4slower-db-7-20261125-180000-.{8}\.bpfdeck\.jsonl$/);
    const bundle = await readAll(exp.body);
    expect(exp.contentLength).toBe(bundle.length);
    const nl = bundle.indexOf(0x0a);
    const meta = parseBundleHeader(bundle.subarray(0, nl).toString('utf8'));
    expect(meta).toMatchObject({
      tool: 'ext4slower',
      variant: 'ext4slower',
      params: { minLatencyMs: 1 },
      host: { name: 'db-7', address: '192.0.2.10', port: 2222, user: 'sre' },
      kernelRelease: '6.1.0-test',
      bpftraceVersion: '0.17.0',
      startedAt: '2026-11-25T18:00:00.000Z',
      endedAt: '2026-11-25T18:00:11.000Z',
      durationSec: 10,
      script: { file: 'ext4slower.bt', sha256: sha(SCRIPT), text: SCRIPT },
      raw: { bytes: CAPTURE.length, sha256: sha(CAPTURE) },
      report: { id: reportId },
    });
    // `tail -n +2` of the bundle is the raw export
    expect(Buffer.compare(bundle.subarray(nl + 1), CAPTURE)).toBe(0);

    // imported with nothing asked: all of it comes from the bundle
    const { id } = await createImportedReport({ requestedBy: 'bob', expectedBytes: bundle.length }, inChunks(bundle, 1000));
    const imp = await getReport(id);
    expect(imp).toMatchObject({
      kind: 'import',
      title: 'Slow ext4 operations on db-7 (imported)',
      hostName: 'db-7',
      hostAddress: '192.0.2.10',
      hostPort: 2222,
      hostUser: 'sre',
      kernelRelease: '6.1.0-test',
      bpftraceVersion: '0.17.0',
      startedAt: '2026-11-25T18:00:00.000Z',
      endedAt: '2026-11-25T18:00:11.000Z',
      durationSec: 10,
    });
    expect(imp.items[0]).toMatchObject({
      toolId: 'ext4slower',
      variantId: 'ext4slower',
      scriptText: SCRIPT,
      scriptSha256: sha(SCRIPT),
      durationSec: 10,
      errorMessage: null,
      raw: { bytes: CAPTURE.length, sha256: sha(CAPTURE) },
    });
    expect(await getReportResultJson(id, 'ext4slower')).toBe(await getReportResultJson(reportId, 'ext4slower'));
    const raw2 = await exportReportItem(id, 'ext4slower', 'raw');
    expect(Buffer.compare(await readAll(raw2.body), CAPTURE)).toBe(0);

    // what the uploader says still wins
    const named = await getReport((await createImportedReport({ requestedBy: 'bob', hostName: 'renamed' }, inChunks(bundle, 4096))).id);
    expect(named).toMatchObject({ hostName: 'renamed', hostAddress: null, title: 'Slow ext4 operations on renamed (imported)' });

    // a capture edited after export is refused, nothing stored
    const before = await db().report.count();
    const edited = Buffer.from(bundle);
    edited[nl + 20] = edited[nl + 20] === 0x41 ? 0x42 : 0x41;
    await expect(createImportedReport({ requestedBy: 'bob' }, inChunks(edited, 4096))).rejects.toThrow(/not the one its header describes/);
    expect(await db().report.count()).toBe(before);
    // a plain capture without a host name: asked for
    await expect(createImportedReport({ requestedBy: 'bob' }, inChunks(CAPTURE, 4096))).rejects.toThrow(/hostName/);
  });
});
