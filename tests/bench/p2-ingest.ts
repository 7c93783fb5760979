/**
 * P2 benchmark (prints figures; not a test): decode + parse throughput of a real `bpftrace -f json`
 * capture through bpfdeck's decoder and a tool's parser, against plain line splitting + JSON.parse of
 * the same bytes in the same run; and peak memory (RSS) as the input grows 1x, 10x, 100x (the capture
 * streamed repeatedly, never held whole). Each measurement runs in a fresh child process so peaks are
 * its own.
 *
 *   npx tsx tests/bench/p2-ingest.ts [--tool opensnoop] [--capture file.jsonl] [--seconds 5] [--sizes 1,10,100]
 * Without --capture, it records one: runs the tool's script locally with bpftrace (root) for --seconds
 * while a workload opens files and spawns processes.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};

async function child(mode: 'baseline' | 'bpfdeck', tool: string, file: string, times: number) {
  const { createDecoder } = await import('@/lib/bpftrace/decoder');
  const { getTool } = await import('@/lib/tools/catalog');
  let peakRss = process.memoryUsage().rss;
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const timer = setInterval(sample, 20);
  let lines = 0;
  let bytes = 0;
  const t0 = performance.now();
  if (mode === 'baseline') {
    for (let k = 0; k < times; k++) {
      let rest = '';
      for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
        bytes += Buffer.byteLength(chunk);
        const parts = (rest + chunk).split('\n');
        rest = parts.pop()!;
        for (const l of parts)
          if (l) {
            JSON.parse(l);
            lines++;
          }
      }
    }
  } else {
    const parser = getTool(tool)!.createParser();
    const dec = createDecoder({});
    for (let k = 0; k < times; k++) {
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
        bytes += (chunk as Buffer).length;
        for (const r of dec.push(chunk as Buffer)) {
          parser.push(r);
          lines++;
        }
      }
    }
    for (const r of dec.end()) parser.push(r);
    const result = parser.finish() as { stats?: { records: number } };
    if (!result) throw new Error('no result');
  }
  const sec = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  process.stdout.write(JSON.stringify({ mode, times, sec, lines, bytes, peakRssMb: peakRss / 1048576 }) + '\n');
}

function record(tool: string, seconds: number): string {
  const out = path.join(os.tmpdir(), `bpfdeck-p2-${tool}.jsonl`);
  if (fs.existsSync(out) && fs.statSync(out).size > 1_000_000) return out;
  const script = path.join('bpftrace-tools', `${tool}.bt`);
  // A workload that opens many (oddly named) files and spawns short processes for the whole window.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-p2-work-'));
  const load = spawn(
    'sh',
    [
      '-c',
      `end=$(($(date +%s)+${seconds}+1)); while [ $(date +%s) -lt $end ]; do find /usr/share -maxdepth 3 -type f -name '*.txt' -exec true {} + 2>/dev/null; cat /etc/hostname /etc/os-release > /dev/null; done`,
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  const bt = spawnSync('timeout', ['-s', 'INT', String(seconds), 'bpftrace', '-f', 'json', script], { maxBuffer: 1 << 30 });
  load.kill('SIGKILL');
  fs.writeFileSync(out, bt.stdout);
  return out;
}

if (args[0] === '--child') {
  await child(args[1] as 'baseline' | 'bpfdeck', args[2], args[3], Number(args[4]));
  process.exit(0);
}

const tool = opt('tool', 'opensnoop');
const file = opt('capture', '') || record(tool, Number(opt('seconds', '5')));
const sizes = opt('sizes', '1,10,100').split(',').map(Number);
const size = fs.statSync(file).size;
const nLines = Number(execFileSync('wc', ['-l', file], { encoding: 'utf8' }).split(' ')[0]);
console.log(`P2 ingest: tool ${tool}, capture ${file} (${(size / 1048576).toFixed(1)} MB, ${nLines.toLocaleString()} lines)`);
console.log('size  mode      records/s    MB/s   peak RSS MB   ratio to baseline');
for (const times of sizes) {
  const res: Record<string, { sec: number; lines: number; bytes: number; peakRssMb: number }> = {};
  for (const mode of ['baseline', 'bpfdeck'] as const) {
    const out = execFileSync('npx', ['tsx', 'tests/bench/p2-ingest.ts', '--child', mode, tool, file, String(times)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    res[mode] = JSON.parse(out.trim().split('\n').pop()!);
  }
  for (const mode of ['baseline', 'bpfdeck'] as const) {
    const r = res[mode];
    const ratio = mode === 'bpfdeck' ? `${((r.lines / r.sec / (res.baseline.lines / res.baseline.sec)) * 100).toFixed(0)}% of baseline throughput` : '';
    console.log(
      `${String(times).padStart(3)}x  ${mode.padEnd(8)} ${Math.round(r.lines / r.sec)
        .toLocaleString()
        .padStart(11)} ${(r.bytes / 1048576 / r.sec).toFixed(1).padStart(7)} ${r.peakRssMb.toFixed(0).padStart(12)}   ${ratio}`,
    );
  }
}
process.exit(0);
