/**
 * Registry conformance: every tool and every result kind has all its parts, so adding one that misses
 * a part fails here (not in a page at run time). Real captures of each tool run through its parser and
 * every descriptor function of the kind the result names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { RESULT_KINDS, descriptorOf, kindOfViz } from '@/lib/results/registry';
import { KIND_VIEWS } from '@/components/viz/kinds';
import { REGISTRY } from '@/lib/tools/registry';
import { toolsDir } from '@/lib/tools/catalog';
import { resultNotices } from '@/lib/viz/notices';
import { summarize } from '@/lib/cli/summary';
import { formatsFor } from '@/lib/export/formats';
import type { ToolResult } from '@/lib/tools/types';

describe('result kinds', () => {
  it('each kind has a distinct kind and viz, a label, every function, and a view', () => {
    expect(new Set(RESULT_KINDS.map((k) => k.kind)).size).toBe(RESULT_KINDS.length);
    expect(new Set(RESULT_KINDS.map((k) => k.viz)).size).toBe(RESULT_KINDS.length);
    for (const k of RESULT_KINDS) {
      expect(k.label, k.kind).toMatch(/\w/);
      for (const f of ['summary', 'notices', 'csv', 'isEmpty'] as const) expect(typeof k[f], `${k.kind}.${f}`).toBe('function');
      expect(Array.isArray(k.exportFormats), k.kind).toBe(true);
      // a CSV function that returns a file must be offered as the csv export, and the other way round
      expect(k.exportFormats.includes('csv'), k.kind).toBe(k.kind !== 'profile');
      expect(typeof KIND_VIEWS[k.kind], `view of ${k.kind}`).toBe('function');
    }
    expect(Object.keys(KIND_VIEWS).sort()).toEqual(RESULT_KINDS.map((k) => k.kind).sort());
  });
});

describe('tools', () => {
  it('each tool has a kind, a view label, docs, variants whose scripts exist, and a parser', () => {
    expect(new Set(REGISTRY.map((t) => t.id)).size).toBe(REGISTRY.length);
    for (const t of REGISTRY) {
      expect(kindOfViz(t.viz), `${t.id}: viz ${t.viz} has no kind descriptor`).toBeDefined();
      expect(t.viewLabel, t.id).toMatch(/\w/);
      if (t.viz === 'latency-heatmap') expect(t.countNoun, `${t.id}: countNoun`).toMatch(/\w/);
      expect(t.docs.man, t.id).toMatch(/^https:\/\//);
      expect(t.docs.example, t.id).toMatch(/^https:\/\//);
      expect(t.variants.length, t.id).toBeGreaterThan(0);
      for (const v of t.variants) expect(fs.existsSync(path.join(toolsDir(), v.file)), `${t.id}: ${v.file}`).toBe(true);
      expect(typeof t.createParser().push, t.id).toBe('function');
    }
  });

  it.each(REGISTRY.map((t) => [t.id, t] as const))('%s: a real capture gives a result of its kind, with summary, notices and exports', (id, tool) => {
    const dir = path.join(process.cwd(), 'tests', 'fixtures', id, '0.17.0');
    const file = path.join(dir, `${id}.jsonl`);
    expect(fs.existsSync(file), `${file} (every tool has a real capture)`).toBe(true);
    const p = tool.createParser();
    for (const r of decodeAll(fs.readFileSync(file), { version: '0.17.0' })) p.push(r);
    const result = p.finish() as ToolResult;
    const d = descriptorOf(result);
    expect(d?.viz, `${id}: result kind ${result.kind}`).toBe(tool.viz);
    expect(summarize(result).length).toBeGreaterThan(10);
    expect(Array.isArray(resultNotices(result))).toBe(true);
    expect(d!.isEmpty(result as never), `${id}: a real capture is not empty`).toBe(false);
    const csv = d!.csv(result as never);
    expect(csv === null, `${id}: csv`).toBe(!formatsFor(tool.viz, { hasResult: true, rawAvailable: false }).includes('csv'));
  });
});
