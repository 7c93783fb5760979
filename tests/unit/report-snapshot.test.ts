/**
 * Reports against a real SQLite database (a private temp data dir): made when runs end, immutable
 * afterwards (host renamed and re-checked, script file changed, run row changed or deleted, host
 * deleted), raw output moved (not copied) into the shared store, dashboard reports, retention, deletion.
 * Runs are written as rows here (the fleet-backed path is in tests/integration/reports.test.ts).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { createProfileParser } from '@/lib/tools/profile/parse';
import type { LoadedScript } from '@/lib/tools/catalog';
import { generateTestKey } from '@/tests/helpers/ssh-keys';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const CAPTURE = fs.readFileSync(path.resolve(__dirname, '../fixtures/profile/0.17.0/profile.jsonl'));
const SCRIPT_V1 = 'profile:hz:99 { @stacks[pid, kstack, ustack, comm] = count(); } // v1\n';
const SCRIPT_V2 = 'profile:hz:99 { @stacks[pid, kstack, ustack, comm] = count(); } // v2, changed later\n';
const scriptDeps = (text: string) => ({ loadScript: (): LoadedScript => ({ text, sha256: sha(text) }) });
const CAPS = (kernel: string, bpftrace: string) =>
  JSON.stringify({
    checkedAt: '2026-11-25T18:00:00Z',
    kernelRelease: kernel,
    bpftraceVersion: bpftrace,
    bpftracePath: '/usr/bin/bpftrace',
    sudoOk: true,
    btf: true,
    tracefs: true,
    probes: {},
    durationMs: 1,
  });

beforeAll(() => {
  process.env.BPFDECK_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-unit-reports-'));
  delete process.env.DATABASE_URL;
});

async function makeHost(name: string) {
  const { createHost } = await import('@/lib/hosts/service');
  const { db } = await import('@/lib/db/client');
  const key = generateTestKey();
  const h = await createHost({ name, address: '192.0.2.10', port: 2222, username: 'sre', privateKey: key.private });
  await db().host.update({ where: { id: h.id }, data: { preflightJson: CAPS('6.1.0-test', '0.17.0'), preflightAt: new Date() } });
  return h.id;
}

function profileResult() {
  const p = createProfileParser();
  for (const r of decodeAll(CAPTURE)) p.push(r);
  return p.finish();
}

async function makeRun(hostId: string, over: Record<string, unknown> = {}) {
  const { db } = await import('@/lib/db/client');
  const { newId } = await import('@/lib/ids');
  const id = newId();
  await db().run.create({
    data: {
      id,
      hostId,
      toolId: 'profile',
      variantId: 'profile',
      scriptSha256: sha(SCRIPT_V1),
      durationSec: 10,
      status: 'completed',
      requestedBy: 'alice',
      // an hour ago, not a fixed date: the retention test below counts runs ended more than 7 days ago
      startedAt: new Date(Date.now() - 3600_000),
      endedAt: new Date(Date.now() - 3600_000 + 11_000),
      exitCode: 0,
      rawOutputGz: new Uint8Array(zlib.gzipSync(CAPTURE)),
      rawOutputBytes: CAPTURE.length,
      recordCount: 42,
      lostEvents: 3,
      hostCpuSec: 0.25,
      resultJson: JSON.stringify(profileResult()),
      ...over,
    },
  });
  return id;
}

async function readAll(stream: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> | string): Promise<Buffer> {
  if (typeof stream === 'string') return Buffer.from(stream);
  return Buffer.from(await new Response(stream).arrayBuffer());
}

describe('a run becomes an immutable report', () => {
  it('is made when the run ends, with the host and script as they were, and never changes after', async () => {
    const { db } = await import('@/lib/db/client');
    const { createRunReport } = await import('@/lib/reports/snapshot');
    const { getReport, getReportResultJson, findReportForRun } = await import('@/lib/reports/read');
    const { exportReportItem } = await import('@/lib/reports/export');
    const { getRawOutput } = await import('@/lib/runs/service');
    const { updateHost, deleteHost } = await import('@/lib/hosts/service');
    const hostId = await makeHost('db-7');
    const runId = await makeRun(hostId);
    const gzBefore = Buffer.from((await db().run.findUniqueOrThrow({ where: { id: runId } })).rawOutputGz!);

    const id = (await createRunReport(runId, { deps: scriptDeps(SCRIPT_V1) }))!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await createRunReport(runId, { deps: scriptDeps(SCRIPT_V1) })).toBe(id); // once
    expect((await findReportForRun(runId)).report?.id).toBe(id);

    const before = await getReport(id);
    const resultBefore = await getReportResultJson(id, 'profile');
    expect(before).toMatchObject({
      kind: 'run',
      title: 'CPU profile on db-7',
      hostId,
      hostName: 'db-7',
      hostAddress: '192.0.2.10',
      hostPort: 2222,
      hostUser: 'sre',
      kernelRelease: '6.1.0-test',
      bpftraceVersion: '0.17.0',
      requestedBy: 'alice',
      runId,
      durationSec: 10,
      lostEvents: 3,
    });
    const item = before.items[0];
    expect(item).toMatchObject({
      toolId: 'profile',
      viz: 'flamegraph',
      scriptText: SCRIPT_V1,
      scriptSha256: sha(SCRIPT_V1),
      status: 'completed',
      recordCount: 42,
      hostCpuSec: 0.25,
    });
    expect(item.raw).toMatchObject({ bytes: CAPTURE.length, sha256: sha(CAPTURE), available: true, truncated: false });
    expect(item.exports).toEqual(['raw', 'bundle', 'json', 'folded', 'pprof', 'svg']);

    // moved, not copied: the run row keeps no bytes, points at the store, and still serves them
    const run = await db().run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.rawOutputGz).toBeNull();
    expect(run.rawOutputId).not.toBeNull();
    expect(await db().rawOutput.count({ where: { id: run.rawOutputId! } })).toBe(1);
    expect(Buffer.compare((await getRawOutput(runId))!, gzBefore)).toBe(0);

    // the world changes: host renamed, moved and re-checked on a new kernel; the script file changed;
    // the run row rewritten
    await updateHost(hostId, { name: 'db-7-renamed', address: '192.0.2.99' });
    await db().host.update({ where: { id: hostId }, data: { preflightJson: CAPS('6.12.0-new', '0.23.2') } });
    await db().run.update({ where: { id: runId }, data: { resultJson: '{"kind":"profile","tampered":true}', lostEvents: 999, requestedBy: 'mallory' } });
    // a report made now of a run of the old script cannot show the new file as its script
    const other = (await createRunReport(await makeRun(hostId), { deps: scriptDeps(SCRIPT_V2) }))!;
    expect((await getReport(other)).items[0].scriptText).toBeNull();

    const after = await getReport(id);
    expect(after).toEqual(before);
    expect(await getReportResultJson(id, 'profile')).toBe(resultBefore);

    // deleting the host deletes its runs (cascade), not its reports
    await deleteHost(hostId);
    expect(await db().run.count({ where: { id: runId } })).toBe(0);
    const orphaned = await getReport(id);
    expect(orphaned.hostId).toBeNull();
    expect({ ...orphaned, hostId: before.hostId }).toEqual(before);
    const raw = await exportReportItem(id, 'profile', 'raw');
    expect(raw.sha256).toBe(sha(CAPTURE));
    expect(Buffer.compare(await readAll(raw.body), CAPTURE)).toBe(0);
    const folded = await exportReportItem(id, 'profile', 'folded');
    expect(String(folded.body)).toMatch(/^\S.* \d+\n/);
  });

  it('keeps the exact script a run pushed (the catalog file rendered with its stored parameters), never a text of another sha256', async () => {
    const { createRunReport } = await import('@/lib/reports/snapshot');
    const { getReport } = await import('@/lib/reports/read');
    const { getTool, loadScript } = await import('@/lib/tools/catalog');
    const tool = getTool('ext4slower')!;
    const variant = tool.variants.find((v) => v.id === 'ext4slower')!;
    const rendered = loadScript(variant, tool, { minLatencyMs: 50 });
    expect(rendered.text).toMatch(/^#define MIN_LATENCY_MS 50$/m);
    const hostId = await makeHost('params-1');
    // (the result's shape does not matter to the snapshot)
    const ext4 = { toolId: 'ext4slower', variantId: variant.id, resultJson: '{}', scriptSha256: rendered.sha256 };
    const runId = await makeRun(hostId, { ...ext4, paramsJson: '{"minLatencyMs":50}' });
    const id = (await createRunReport(runId))!;
    expect((await getReport(id)).items[0]).toMatchObject({ scriptText: rendered.text, scriptSha256: rendered.sha256 });
    // parameters that do not give the recorded sha256 (a row edited by hand, a changed file): no text
    const other = await makeRun(hostId, { ...ext4, paramsJson: '{"minLatencyMs":40}' });
    const id2 = (await createRunReport(other))!;
    expect((await getReport(id2)).items[0]).toMatchObject({ scriptText: null, scriptSha256: rendered.sha256 });
  });

  it('makes one report of a run however many callers race for it', async () => {
    const { db } = await import('@/lib/db/client');
    const { createRunReport } = await import('@/lib/reports/snapshot');
    const hostId = await makeHost('race-1');
    const runId = await makeRun(hostId);
    const ids = await Promise.all([1, 2, 3, 4].map(() => createRunReport(runId, { deps: scriptDeps(SCRIPT_V1) })));
    expect(new Set(ids).size).toBe(1);
    expect(await db().report.count({ where: { runId } })).toBe(1);
    expect(await db().rawOutput.count({ where: { runs: { some: { id: runId } } } })).toBe(1);
  });

  it('makes no report of a failed run, and one of a cancelled run with a result', async () => {
    const { afterRunFinished } = await import('@/lib/reports/snapshot');
    const { findReportForRun } = await import('@/lib/reports/read');
    const hostId = await makeHost('web-1');
    const failed = await makeRun(hostId, { status: 'failed', errorMessage: 'bpftrace rejected the script', resultJson: null });
    await afterRunFinished(failed);
    expect(await findReportForRun(failed)).toEqual({ report: null, pending: false });
    const cancelled = await makeRun(hostId, { status: 'cancelled' });
    await afterRunFinished(cancelled);
    expect((await findReportForRun(cancelled)).report?.kind).toBe('run');
  });

  it('makes one report of a dashboard run, when its last run ends', async () => {
    const { db } = await import('@/lib/db/client');
    const { newId } = await import('@/lib/ids');
    const { afterRunFinished } = await import('@/lib/reports/snapshot');
    const { findReportForRun, getReport } = await import('@/lib/reports/read');
    const hostId = await makeHost('dash-1');
    const dashboardId = newId();
    await db().dashboardRun.create({ data: { id: dashboardId, hostId, durationSec: 10, requestedBy: 'bob' } });
    const r1 = await makeRun(hostId, { dashboardId });
    const r2 = await makeRun(hostId, {
      dashboardId,
      toolId: 'runqlat',
      variantId: 'runqlat',
      status: 'running',
      endedAt: null,
      resultJson: null,
      rawOutputGz: null,
    });
    await afterRunFinished(r1);
    expect(await findReportForRun(r1)).toEqual({ report: null, pending: true });
    // its raw output already moved to the store
    expect((await db().run.findUniqueOrThrow({ where: { id: r1 } })).rawOutputGz).toBeNull();
    await db().run.update({ where: { id: r2 }, data: { status: 'failed', errorMessage: 'no tracepoint', endedAt: new Date() } });
    await afterRunFinished(r2);
    const link = await findReportForRun(r1);
    expect(link.report?.kind).toBe('dashboard');
    expect((await findReportForRun(r2)).report?.id).toBe(link.report!.id);
    const rep = await getReport(link.report!.id);
    expect(rep.title).toBe('Dashboard on dash-1');
    expect(rep.requestedBy).toBe('bob');
    // catalog order, the failed tool with its error
    expect(rep.items.map((i) => [i.toolId, i.status])).toEqual([
      ['runqlat', 'failed'],
      ['profile', 'completed'],
    ]);
    expect(rep.items[0].errorMessage).toBe('no tracepoint');
    await afterRunFinished(r2);
    expect(await db().report.count({ where: { dashboardId } })).toBe(1);
  });
});

describe('retention and deletion', () => {
  it('deletes expired raw output but keeps the report, says when, and spares what is younger', async () => {
    const { db } = await import('@/lib/db/client');
    const { setSetting } = await import('@/lib/settings');
    const { createRunReport } = await import('@/lib/reports/snapshot');
    const { getReport, getReportResultJson } = await import('@/lib/reports/read');
    const { exportReportItem } = await import('@/lib/reports/export');
    const { expireRawOutputs } = await import('@/lib/reports/retention');
    const hostId = await makeHost('old-1');
    const oldId = (await createRunReport(await makeRun(hostId), { deps: scriptDeps(SCRIPT_V1) }))!;
    const newId_ = (await createRunReport(await makeRun(hostId), { deps: scriptDeps(SCRIPT_V1) }))!;
    // a run without a report, ended long ago
    const lone = await makeRun(hostId, { status: 'failed', endedAt: new Date(Date.now() - 10 * 86400_000) });
    const oldRaw = (await db().reportItem.findFirstOrThrow({ where: { reportId: oldId } })).rawOutputId!;
    await db().rawOutput.update({ where: { id: oldRaw }, data: { createdAt: new Date(Date.now() - 3 * 86400_000) } });

    await setSetting('retention.rawOutputDays', 7, 'admin');
    expect((await getReport(oldId)).items[0].raw?.expiresAt).toBe(
      new Date((await db().rawOutput.findUniqueOrThrow({ where: { id: oldRaw } })).createdAt.getTime() + 7 * 86400_000).toISOString(),
    );
    let r = await expireRawOutputs();
    expect(r).toMatchObject({ days: 7, rawOutputs: 0, runs: 1 });
    expect((await db().run.findUniqueOrThrow({ where: { id: lone } })).rawOutputGz).toBeNull();

    await setSetting('retention.rawOutputDays', 2, 'admin');
    const now = new Date();
    r = await expireRawOutputs(now);
    expect(r.rawOutputs).toBe(1);
    const rep = await getReport(oldId);
    expect(rep.items[0].raw).toMatchObject({ available: false, expiredAt: now.toISOString(), sha256: sha(CAPTURE), bytes: CAPTURE.length });
    expect(rep.items[0].exports).toEqual(['json', 'folded', 'pprof', 'svg']);
    await expect(exportReportItem(oldId, 'profile', 'raw')).rejects.toThrow(/expired on/);
    expect(await getReportResultJson(oldId, 'profile')).toContain('"kind":"profile"');
    expect((await getReport(newId_)).items[0].raw?.available).toBe(true);
    expect((await expireRawOutputs()).rawOutputs).toBe(0); // idempotent
    await setSetting('retention.rawOutputDays', 30, 'admin');
  });

  it('deleting a report removes its raw output only when no run still refers to it', async () => {
    const { db } = await import('@/lib/db/client');
    const { createRunReport } = await import('@/lib/reports/snapshot');
    const { deleteReport } = await import('@/lib/reports/delete');
    const { deleteRun, getRawOutput } = await import('@/lib/runs/service');
    const hostId = await makeHost('del-1');
    const runId = await makeRun(hostId);
    const id = (await createRunReport(runId, { deps: scriptDeps(SCRIPT_V1) }))!;
    const rawId = (await db().run.findUniqueOrThrow({ where: { id: runId } })).rawOutputId!;
    await deleteReport(id);
    expect(await db().report.count({ where: { id } })).toBe(0);
    expect(await db().rawOutput.count({ where: { id: rawId } })).toBe(1); // the run still has it
    expect(await getRawOutput(runId)).not.toBeNull();
    await deleteRun(runId);
    expect(await db().rawOutput.count({ where: { id: rawId } })).toBe(0);
    await expect(deleteReport(id)).rejects.toThrow(/not found/);
  });
});
