/**
 * Reading the real captures of tests/fixtures/<tool>/<version>/ and parsing them with the tool's own
 * parser, as a live run does. Shared by the gallery page (on the server) and its e2e test (which
 * computes the values it expects to see from the same captures).
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeAll } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import { getTool, type VizKind } from '@/lib/tools/catalog';
import type { ToolResult } from '@/lib/tools/types';
import { REGISTRY } from '@/lib/tools/registry';
import { createGenericParser } from '@/lib/tools/generic/parse';
import type { GenericResult } from '@/lib/tools/generic/types';

/** The gallery's tools: every tool of the catalog, in dashboard order, with the view it is drawn with. */
export const GALLERY_TOOLS: Array<{ id: string; viz: VizKind }> = REGISTRY.map((t) => ({ id: t.id, viz: t.viz }));

// dev-only reads of test captures: keep them out of the production file tracing
export const FIXTURES = () => path.join(/*turbopackIgnore: true*/ process.cwd(), 'tests', 'fixtures');
export const rel = (file: string) => path.relative(/*turbopackIgnore: true*/ process.cwd(), file);

/** "0.23.2" > "0.17.0" */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

export function versionsOf(toolId: string): string[] {
  const dir = path.join(FIXTURES(), toolId);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d+\.\d+(\.\d+)?$/.test(d.name))
    .map((d) => d.name)
    .sort((a, b) => compareVersions(b, a));
}

/** The capture of a tool in one version: `<tool>.jsonl`, else the first *.jsonl; null if none. */
export function captureFile(toolId: string, version: string): string | null {
  const dir = path.join(FIXTURES(), toolId, version);
  const own = path.join(dir, `${toolId}.jsonl`);
  if (fs.existsSync(own) && fs.statSync(own).size > 0) return own;
  const any = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  return any.length ? path.join(dir, any[0]) : null;
}

export function parseRecords(toolId: string, records: readonly BtRecord[]): ToolResult {
  const tool = getTool(toolId)!;
  const parser = tool.createParser();
  for (const r of records) parser.push(r);
  return parser.finish() as ToolResult;
}

export interface Capture {
  versions: string[];
  version: string;
  /** absolute path, and relative to the repository */
  file: string;
  source: string;
  records: BtRecord[];
}

/** The capture the gallery shows for a tool: `wantVersion` if captured, else the newest; null if none. */
export function findCapture(toolId: string, wantVersion?: string): Capture | null {
  const versions = versionsOf(toolId);
  const version = wantVersion && versions.includes(wantVersion) ? wantVersion : versions[0];
  const file = version ? captureFile(toolId, version) : null;
  if (!file) return null;
  return { versions, version, file, source: rel(file), records: decodeAll(fs.readFileSync(file), { version }) };
}

/** The generic parser's real captures (tests/fixtures/generic/<version>/<name>.jsonl), parsed like an import without a tool. */
export function genericCaptures(version: string | undefined): Array<{ name: string; source: string; version: string; result: GenericResult }> {
  const ver = version === '0.17.0' ? '0.17.0' : '0.23.2';
  const dir = path.join(FIXTURES(), 'generic', ver);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      const p = createGenericParser();
      for (const r of decodeAll(fs.readFileSync(file), { version: ver })) p.push(r);
      return { name: f.replace(/\.jsonl$/, ''), source: rel(file), version: ver, result: p.finish() };
    });
}
