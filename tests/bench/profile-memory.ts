/**
 * Memory of profile parsing per concurrent run (prints figures; not a test): what a fleet run's server
 * holds for each executing host while it streams. K runs are fed at once, 32 KB at a time in turn, from
 * real profile captures stored in a bpfdeck database (P4 prints its data dir: its 50 busy-host
 * captures), through the real decoder and parser, with a live snapshot after every map print as the
 * executor makes (lib/runs/execute.ts: at most one a second; profile.bt prints every 2 s).
 * Prints the heap retained per run once all output is in (after a GC), the peak RSS growth, the
 * feeding CPU time, and both against the capture's own size (the baseline, measured in the same run).
 *
 *   node --expose-gc --import tsx --conditions=react-server tests/bench/profile-memory.ts <bpfdeck.db> [K=32] [--no-snapshots]
 */
import Database from 'better-sqlite3';
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { createDecoder } from '@/lib/bpftrace/decoder';
import { createProfileParser } from '@/lib/tools/profile/parse';

const [dbPath, kArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!dbPath) throw new Error('usage: profile-memory.ts <bpfdeck.db> [K]');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const K = Number(kArg ?? 32);
const snapshots = !process.argv.includes('--no-snapshots');
const db = new Database(dbPath, { readonly: true });
const rows = db
  .prepare(
    `SELECT coalesce(r.rawOutputGz, o.gz) AS gz FROM Run r LEFT JOIN RawOutput o ON o.id = r.rawOutputId
      WHERE r.toolId = 'profile' AND coalesce(r.rawOutputGz, o.gz) IS NOT NULL`,
  )
  .all() as Array<{ gz: Buffer }>;
if (!rows.length) throw new Error(`no profile captures in ${dbPath}`);
const raws = rows.map((r) => zlib.gunzipSync(r.gz));
const MB = (x: number) => (x / 1048576).toFixed(2);
const runs = Array.from({ length: K }, (_, i) => ({ raw: raws[i % raws.length], off: 0 }));
const rawPerRun = runs.reduce((a, r) => a + r.raw.length, 0) / K;

gc();
const base = process.memoryUsage();
const live = runs.map(() => ({ dec: createDecoder({ version: '0.17.0' }), parser: createProfileParser({ sampleHz: 99 }) }));
const CHUNK = 32 * 1024;
let peakRss = base.rss;
let snapshotChars = 0;
const t0 = performance.now();
for (let active = K; active > 0;) {
  active = 0;
  for (const [i, r] of runs.entries()) {
    if (r.off >= r.raw.length) continue;
    active++;
    const recs = live[i].dec.push(r.raw.subarray(r.off, r.off + CHUNK));
    r.off += CHUNK;
    for (const rec of recs) live[i].parser.push(rec);
    // as the executor: a snapshot, and its size measured as JSON
    if (snapshots && recs.some((x) => x.type === 'map')) snapshotChars += JSON.stringify(live[i].parser.snapshot()).length;
  }
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}
for (const l of live) for (const rec of l.dec.end()) l.parser.push(rec);
const feedMs = performance.now() - t0;
gc();
const fed = process.memoryUsage();
const perRun = (fed.heapUsed - base.heapUsed) / K;
console.log(`profile parsing: ${K} runs at once from ${raws.length} captures (${MB(rawPerRun)} MB of output a run), snapshots ${snapshots ? 'on' : 'off'}`);
console.log(`  retained heap per run (all output in, after GC): ${MB(perRun)} MB = ${(perRun / rawPerRun).toFixed(2)}x its output`);
console.log(`  peak RSS growth while feeding: ${MB(peakRss - base.rss)} MB = ${MB((peakRss - base.rss) / K)} MB a run`);
console.log(`  live snapshots: ${MB(snapshotChars / K)} MB of JSON a run`);
console.log(`  feeding CPU: ${(feedMs / K).toFixed(1)} ms a run = ${(feedMs / K / (rawPerRun / 1048576)) | 0} ms per MB of output`);
