/**
 * Export formats: CSV of each table-like result kind (quoting, formula guard), folded stacks, and the
 * server-side SVG flame graph (well-formed XML, one titled frame per drawn node, hostile names escaped).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { resultToCsv } from '@/lib/export/csv';
import { foldedText } from '@/lib/export/folded';
import { layoutFlame } from '@/lib/export/flame-layout';
import { fitLabel, renderFlameSvg } from '@/lib/export/flame-svg';
import { exportFileName, formatsFor, renderResultExport } from '@/lib/export/formats';
import { createProfileParser } from '@/lib/tools/profile/parse';
import type { EventTableResult, LatencyHeatmapResult, ProfileResult, StackNode, TimeSeriesResult } from '@/lib/tools/types';

const stats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };

const node = (name: string, kind: StackNode['kind'], value: number, children: StackNode[] = []): StackNode => ({ name, kind, value, children });

/** all -> bash -> main -> {work (6 self), idle;x (2 self)} + main self 2; nginx -> ep<o>ll "wait" & co (3) */
const TREE: StackNode = node('all', 'root', 13, [
  node('bash', 'process', 10, [node('main', 'user', 10, [node('work', 'user', 6), node('idle;x', 'user', 2)])]),
  node('nginx', 'process', 3, [node('ep<o>ll "wait" & co', 'kernel', 3)]),
]);

/**
 * A strict-enough XML well-formedness check for our output: balanced, properly nested tags, quoted
 * attributes without raw < or &, no raw < or stray & in text. Returns the element names seen, in order.
 */
function checkXml(xml: string): string[] {
  const stack: string[] = [];
  const seen: string[] = [];
  const entity = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
  let i = 0;
  const text = (s: string, where: string) => {
    for (let k = 0; k < s.length; k++) {
      if (s[k] === '<') throw new Error(`raw < in ${where}: ${s}`);
      if (s[k] === '&' && !entity.test(s.slice(k))) throw new Error(`stray & in ${where}: ${s}`);
      const c = s.charCodeAt(k);
      if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) throw new Error(`control char ${c} in ${where}`);
    }
  };
  if (xml.startsWith('<?xml')) i = xml.indexOf('?>') + 2;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      text(xml.slice(i), 'trailing text');
      break;
    }
    text(xml.slice(i, lt), 'text');
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw new Error('unclosed tag');
    const tag = xml.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*$/.exec(body);
    if (!m) throw new Error(`malformed tag <${tag}>`);
    for (const a of m[2].matchAll(/="([^"]*)"/g)) text(a[1], `attribute of <${m[1]}>`);
    seen.push(m[1]);
    if (!selfClosing) stack.push(m[1]);
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(' > ')}`);
  return seen;
}

describe('CSV', () => {
  const events: EventTableResult = {
    kind: 'events',
    columns: [
      { key: 't', label: 'time_s', type: 'time' },
      { key: 'comm', label: 'comm', type: 'string' },
      { key: 'path', label: 'path, quoted', type: 'string' },
      { key: 'err', label: 'errno', type: 'errno' },
    ],
    rows: [
      { t: 0.5, comm: 'bash', path: '/tmp/a,b', err: -2 },
      { t: 1.25, comm: 'say "hi"', path: 'line1\nline2', err: 0 },
      { t: 2, comm: '=HYPERLINK("http://x")', path: null, err: null },
    ],
    eventsSeen: 3,
    rowsDropped: 0,
    maxRows: 100,
    unparsedEvents: 0,
    stats,
  };

  it('writes event rows with RFC 4180 quoting and guards formulas', () => {
    const csv = resultToCsv(events)!;
    expect(csv.split('\r\n')).toEqual([
      'time_s,comm,"path, quoted",errno',
      '0.5,bash,"/tmp/a,b",-2',
      '1.25,"say ""hi""","line1\nline2",0',
      `2,"'=HYPERLINK(""http://x"")",,`,
      '',
    ]);
  });

  it('writes a latency heat map as one line per second and bucket', () => {
    const lat: LatencyHeatmapResult = {
      kind: 'latency-heatmap',
      unit: 'us',
      columns: [
        {
          tSec: 1,
          buckets: [
            { min: 0, max: 0, count: 3 },
            { min: 1, max: 1, count: 5 },
          ],
          count: 8,
        },
        {
          tSec: 2,
          buckets: [
            { min: 2, max: 3, count: 1 },
            { min: 1024, count: 2 },
          ],
          count: 3,
        },
      ],
      total: [],
      count: 11,
      p50: 1,
      p90: 3,
      p99: 1024,
      stats,
    };
    expect(resultToCsv(lat)!.split('\r\n')).toEqual(['t_sec,bucket_min_us,bucket_max_us,count', '1,0,0,3', '1,1,1,5', '2,2,3,1', '2,1024,,2', '']);
  });

  it('writes time series points; has no CSV for a flame graph', () => {
    const ts: TimeSeriesResult = {
      kind: 'timeseries',
      points: [{ tSec: 1, hitsPerSec: 10, missesPerSec: 0, dirtiesPerSec: 1, hitRatioPct: 100 }],
      method: 'm',
      stats,
    };
    expect(resultToCsv(ts)).toBe('t_sec,hits_per_sec,misses_per_sec,dirties_per_sec,hit_ratio_pct\r\n1,10,0,1,100\r\n');
    const prof = { kind: 'profile', root: TREE } as unknown as ProfileResult;
    expect(resultToCsv(prof)).toBeNull();
  });
});

/** a stored result of before fullStacks existed: exports fall back to its display tree */
const treeResult = (root: StackNode): ProfileResult => ({
  kind: 'profile',
  sampleHz: 99,
  samplesCounted: null,
  samplesInTree: root.value,
  root,
  processes: [],
  pruned: null,
  stats,
});

describe('folded stacks', () => {
  it('prints one line per stack with self samples, ";" in names replaced, kernel frames _[k] (a result without fullStacks: its tree)', () => {
    expect(foldedText(treeResult(TREE))).toBe(['bash;main 2', 'bash;main;idle:x 2', 'bash;main;work 6', 'nginx;ep<o>ll "wait" & co_[k] 3', ''].join('\n'));
    expect(foldedText(treeResult(TREE), { kernelSuffix: '' })).toContain('nginx;ep<o>ll "wait" & co 3\n');
  });

  it('keeps the samples a pruned tree holds only on its root on a "[pruned for display]" line', () => {
    const root = node('all', 'root', 20, TREE.children);
    expect(foldedText(treeResult(root))).toContain('[pruned for display] 7\n');
  });

  it('adds up to the samples of a real profile capture', () => {
    const p = createProfileParser({ minShare: 0 });
    for (const r of decodeAll(readFileSync(path.resolve(__dirname, '../fixtures/profile/0.17.0/profile.jsonl')))) p.push(r);
    const res = p.finish();
    const lines = foldedText(res).trimEnd().split('\n');
    let sum = 0;
    for (const l of lines) {
      const m = /^(.+) (\d+)$/.exec(l);
      expect(m, l).not.toBeNull();
      expect(m![1].split(';').length).toBeGreaterThanOrEqual(1);
      sum += Number(m![2]);
    }
    expect(sum).toBe(res.samplesInTree);
    expect(res.samplesInTree).toBeGreaterThan(0);
  });
});

describe('SVG flame graph', () => {
  it('is well-formed XML with one titled frame per node, root at the bottom', () => {
    const svg = renderFlameSvg(TREE, { title: 'CPU <profile> & "more"', subtitle: 'fleet11' });
    const elements = checkXml(svg);
    expect(elements[0]).toBe('svg');
    const frames = [...svg.matchAll(/<g class="frame"><title>([^<]*)<\/title><rect x="([\d.]+)" y="(\d+)" width="([\d.]+)"/g)];
    expect(frames.map((f) => f[1].replace(/ \(.*$/, ''))).toEqual([
      'all',
      'bash',
      'nginx',
      'main',
      'ep&lt;o&gt;ll &quot;wait&quot; &amp; co',
      'work',
      'idle;x',
    ]);
    // widths proportional to samples: bash 10/13 of the root
    const w = (i: number) => Number(frames[i][4]);
    expect(w(1) / w(0)).toBeCloseTo(10 / 13, 3);
    expect(w(5) / w(0)).toBeCloseTo(6 / 13, 3);
    // the root is drawn lowest (largest y), leaves highest
    const y = (i: number) => Number(frames[i][3]);
    expect(y(0)).toBeGreaterThan(y(1));
    expect(y(1)).toBeGreaterThan(y(3));
    expect(y(3)).toBeGreaterThan(y(5));
    expect(frames[5][1]).toBe('work (6 samples, 46.15%)');
    expect(svg).toContain('<title>CPU &lt;profile&gt; &amp; &quot;more&quot;</title>');
  });

  it('survives names with control characters, lone surrogates and huge trees', () => {
    const evil = node('all', 'root', 2, [node('a\u0001b\uD800c', 'process', 2, [node('</g><script>x</script>', 'user', 2)])]);
    const svg = renderFlameSvg(evil);
    checkXml(svg);
    expect(svg).not.toContain('<script>');
    // a wide and deep tree: bounded output, still well-formed
    let deep = node('leaf', 'user', 3000);
    for (let i = 0; i < 500; i++) deep = node(`f${i}`, 'user', 3000, [deep]);
    const wide = node('all', 'root', 8000, [deep, ...Array.from({ length: 5000 }, (_, i) => node(`w${i}`, 'user', 1))]);
    const big = renderFlameSvg(wide, { widthPx: 1200 });
    expect(checkXml(big).filter((e) => e === 'rect').length).toBe(1 + 1 + 501);
    // 5000 one-sample frames of 1180/8000 px are too narrow to draw: counted, not drawn
    expect(big).toMatch(/5,000 frames too narrow to draw are left out/);
  });

  it('fits labels to frame widths', () => {
    expect(fitLabel('x', 10)).toBe('');
    expect(fitLabel('function_name', 1000)).toBe('function_name');
    expect(fitLabel('function_name', 60)).toMatch(/^func.*\.\.$/);
  });

  it('lays out children inside their parent', () => {
    const l = layoutFlame(TREE, { widthPx: 1300 });
    for (const f of l.frames) {
      if (f.parent < 0) continue;
      const p = l.frames[f.parent];
      expect(f.x).toBeGreaterThanOrEqual(p.x - 1e-9);
      expect(f.x + f.w).toBeLessThanOrEqual(p.x + p.w + 1e-9);
      expect(f.depth).toBe(p.depth + 1);
    }
    expect(l.maxDepth).toBe(3);
  });
});

describe('formats', () => {
  it('offers what fits the result', () => {
    expect(formatsFor('flamegraph', { hasResult: true, rawAvailable: true })).toEqual(['raw', 'bundle', 'json', 'folded', 'pprof', 'svg']);
    expect(formatsFor('event-table', { hasResult: true, rawAvailable: false })).toEqual(['json', 'csv']);
    expect(formatsFor('latency-heatmap', { hasResult: false, rawAvailable: true })).toEqual(['raw', 'bundle']);
  });

  it('renders from the stored JSON; the JSON export is the stored text itself', () => {
    const json = JSON.stringify({ kind: 'profile', sampleHz: 99, samplesInTree: 13, samplesCounted: 13, root: TREE, processes: [], pruned: null, stats });
    expect(renderResultExport('json', json, { title: 't' })!.body).toBe(json);
    expect(renderResultExport('folded', json, { title: 't' })!.body).toBe(foldedText(treeResult(TREE)));
    expect(renderResultExport('csv', json, { title: 't' })).toBeNull();
    const svg = renderResultExport('svg', json, { title: 't', subtitle: 'h' })!;
    expect(svg.contentType).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toContain('13 samples at 99 Hz');
  });

  it('names files safely', () => {
    const n = exportFileName({ toolId: 'profile', hostName: 'db 7/"x"', at: new Date('2026-11-25T18:15:02Z'), id: 'AbCdEfGhIjKlMnOpQrStUv' }, 'folded');
    expect(n).toBe('bpfdeck-profile-db_7_x_-20261125-181502-AbCdEfGh.folded.txt');
  });
});
