/**
 * Flame graph exports against real captures (tests/fixtures/profile, CAPTURE.md): the folded export
 * equals a folding written here, independently, from the raw JSON lines (the @stacks_a/@stacks_b maps
 * summed, key pid,kstack,ustack,comm, frames reversed to root first, offsets dropped, "_[k]" on kernel
 * frames), line for line, and adds up to the capture's @samples; the pprof export is read back by
 * pprof-format's decoder (a maintained pprof reader) with the same total and the busy function.
 * 0.23.2-30s is a 30 s capture whose display tree is pruned, with processes pruned whole.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { main, type CliIo } from '@/lib/cli/main';
import { foldedText } from '@/lib/export/folded';
import { cappedCsvNote, renderResultExport } from '@/lib/export/formats';
import { createProfileParser } from '@/lib/tools/profile/parse';
import { resultForView, resultJsonForView } from '@/lib/tools/profile/full-stacks';
import type { EventTableResult, ProfileResult } from '@/lib/tools/types';
import { independentFolding } from '../profile-folding';

const DIR = path.resolve(__dirname, '../fixtures/profile');

function capture(name: string): Buffer {
  const file = path.join(DIR, name, 'profile.jsonl');
  try {
    return readFileSync(file);
  } catch {
    return gunzipSync(readFileSync(`${file}.gz`));
  }
}

function parse(raw: Buffer, version: string): ProfileResult {
  const p = createProfileParser({ sampleHz: 99 });
  for (const r of decodeAll(raw, { version })) p.push(r);
  return p.finish();
}

const CASES = [
  { dir: '0.17.0', version: '0.17' as const, full: '0.17.0' },
  { dir: '0.23.2', version: '0.23' as const, full: '0.23.2' },
  { dir: '0.23.2-30s', version: '0.23' as const, full: '0.23.2' },
];

describe.each(CASES)('folded export of the $dir capture', ({ dir, version, full }) => {
  const raw = capture(dir);
  const result = parse(raw, full);
  const ind = independentFolding(raw, version);
  const folded = foldedText(result);

  it('equals the independent folding line for line, and adds up to @samples', () => {
    const want = [...ind.lines.keys()].sort().map((l) => `${l} ${ind.lines.get(l)}`);
    expect(folded.trimEnd().split('\n')).toEqual(want);
    const total = want.reduce((n, l) => n + Number(/ (\d+)$/.exec(l)![1]), 0);
    expect(ind.samples).not.toBeNull();
    expect(total).toBe(ind.samples);
    expect(total).toBe(result.samplesInTree);
    expect(result.samplesCounted).toBe(ind.samples);
    expect(folded).toMatch(/^bpfdeck_busy;.*;main;bpfdeck_busy_loop;bpfdeck_spin_step \d+$/m);
  });

  it('has no "_[k]" with kernelSuffix off, and the same counts', () => {
    const plain = foldedText(result, { kernelSuffix: '' });
    expect(plain).not.toContain('_[k]');
    expect(plain.split('\n').length).toBe(folded.split('\n').length);
  });

  it('pprof: pprof-format decodes it; same total, the busy function, samples/count and cpu/nanoseconds', () => {
    const body = renderResultExport('pprof', JSON.stringify(result), { title: 't' })!.body as Uint8Array;
    expect(body[0]).toBe(0x1f); // gzip
    const prof = Profile.decode(gunzipSync(body));
    const str = (i: number | bigint) => prof.stringTable.strings[Number(i)];
    expect(prof.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`)).toEqual(['samples/count', 'cpu/nanoseconds']);
    expect(`${str(prof.periodType!.type)}/${str(prof.periodType!.unit)}`).toBe('cpu/nanoseconds');
    expect(Number(prof.period)).toBe(Math.round(1e9 / 99));
    let total = 0;
    for (const s of prof.sample) total += Number(s.value[0]);
    expect(total).toBe(ind.samples);
    expect(prof.sample.length).toBe(ind.lines.size);
    // the busy stack, leaf first, through location -> function -> name
    const fn = new Map(prof.function.map((f) => [Number(f.id), str(f.name)]));
    const loc = new Map(prof.location.map((l) => [Number(l.id), fn.get(Number(l.line[0].functionId))!]));
    const busy = prof.sample.map((s) => s.locationId.map((id) => loc.get(Number(id)))).filter((names) => names[0] === 'bpfdeck_spin_step');
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.some((n) => n[1] === 'bpfdeck_busy_loop' && n[2] === 'main' && n.at(-1) === 'bpfdeck_busy')).toBe(true);
    expect([...fn.values()].some((n) => n.endsWith('_[k]'))).toBe(true);
  });
});

describe('a capture pruned for display (0.23.2-30s)', () => {
  const raw = capture('0.23.2-30s');
  const result = parse(raw, '0.23.2');
  const ind = independentFolding(raw, '0.23');

  it('was pruned, processes whole among it, and the export still has every stack', () => {
    expect(result.pruned).not.toBeNull();
    const drawnComms = new Set(result.root.children.map((c) => c.name));
    const allComms = new Set([...ind.lines.keys()].map((l) => l.split(';')[0]));
    const prunedWhole = [...allComms].filter((c) => !drawnComms.has(c));
    expect(prunedWhole.length).toBeGreaterThan(0);
    const folded = foldedText(result);
    for (const c of prunedWhole) expect(folded).toContain(`\n${c}`);
    expect(folded.trimEnd().split('\n').length).toBe(ind.lines.size);
  });

  it('the browser gets the result without the full stacks; live snapshots never have them', () => {
    expect(result.fullStacks).toBeDefined();
    expect(resultForView(result)).not.toHaveProperty('fullStacks');
    expect(JSON.parse(resultJsonForView(JSON.stringify(result)))).toEqual(resultForView(result));
    const p = createProfileParser();
    for (const r of decodeAll(raw, { version: '0.23.2' })) p.push(r);
    expect(p.snapshot()).not.toHaveProperty('fullStacks');
    // what the stored full stacks cost, against the result (printed for the report)
    const all = JSON.stringify(result).length;
    const fs = JSON.stringify(result.fullStacks).length;
    console.log(`0.23.2-30s: ${ind.lines.size} stacks, ${ind.samples} samples; result JSON ${all} B, of which fullStacks ${fs} B; view JSON ${all - fs} B`);
    expect(fs).toBeLessThan(all);
  });
});

describe('the CLI writes the same bytes as the download', () => {
  const run = async (argv: string[]) => {
    const out: Array<string | Uint8Array> = [];
    const io: CliIo = { stdout: async (t) => void out.push(t), stdoutBytes: async (b) => void out.push(b), stderr: () => {}, cwd: DIR };
    const code = await main(argv, io);
    return { code, out };
  };

  it('import --export folded and pprof', async () => {
    const result = parse(capture('0.17.0'), '0.17.0');
    const json = JSON.stringify(result);
    const f = await run(['import', '--tool', 'profile', '0.17.0/profile.jsonl', '--export', 'folded']);
    expect(f.code).toBe(0);
    expect(f.out.join('')).toBe(renderResultExport('folded', json, { title: 'x' })!.body);
    const p = await run(['import', '--tool', 'profile', '0.17.0/profile.jsonl', '--export', 'pprof']);
    expect(p.code).toBe(0);
    expect(Buffer.from(p.out[0] as Uint8Array).equals(Buffer.from(renderResultExport('pprof', json, { title: 'x' })!.body as Uint8Array))).toBe(true);
    const k = await run(['import', '--tool', 'profile', '0.17.0/profile.jsonl', '--export', 'folded', '--no-kernel-suffix']);
    expect(k.out.join('')).not.toContain('_[k]');
  });

  it('refuses an export the tool has not (usage error, exit 2)', async () => {
    expect((await run(['import', '--tool', 'profile', '0.17.0/profile.jsonl', '--export', 'csv'])).code).toBe(2);
    expect((await run(['import', '--tool', 'profile', '0.17.0/profile.jsonl', '--export', 'xml'])).code).toBe(2);
  });
});

describe('capped event tables', () => {
  const table = (rows: number, dropped: number): EventTableResult =>
    ({
      kind: 'events',
      columns: [{ key: 'a', label: 'a' }],
      rows: Array.from({ length: rows }, (_, i) => ({ a: i })),
      eventsSeen: rows + dropped,
      rowsDropped: dropped,
      maxRows: rows,
      stats: { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 },
    }) as unknown as EventTableResult;

  it('say in the CSV that they hold the first N of M rows; complete ones have no note', () => {
    const csv = renderResultExport('csv', JSON.stringify(table(2, 5)), { title: 't' })!.body as string;
    expect(csv.split('\r\n')).toEqual(['# bpfdeck: first 2 of 7 rows (row cap 2; 5 dropped)', 'a', '0', '1', '']);
    expect(cappedCsvNote(table(2, 0))).toBeNull();
    expect(renderResultExport('csv', JSON.stringify(table(2, 0)), { title: 't' })!.body).toBe('a\r\n0\r\n1\r\n');
  });
});
