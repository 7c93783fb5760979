import 'server-only';
/**
 * The gallery's data: real captures (tests/fixtures/<tool>/<version>/<tool>.jsonl) run through the
 * same decoder and tool parser as a live run. A tool without a capture or a parser yet gets no result
 * (its view shows its empty state): nothing here is made up. The state demos derive from the same
 * real results, each saying how.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeAll } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import { getTool, type VizKind } from '@/lib/tools/catalog';
import { createProfileParser } from '@/lib/tools/profile/parse';
import type { ToolResult } from '@/lib/tools/types';

/** The gallery's tools, in the order shown, with the view each one is drawn with. */
export const GALLERY_TOOLS: Array<{ id: string; viz: VizKind }> = [
  { id: 'profile', viz: 'flamegraph' },
  { id: 'execsnoop', viz: 'event-table' },
  { id: 'opensnoop', viz: 'event-table' },
  { id: 'ext4slower', viz: 'event-table' },
  { id: 'biosnoop', viz: 'block-io' },
  { id: 'tcplife', viz: 'connections' },
  { id: 'tcpretrans', viz: 'event-table' },
  { id: 'biolatency', viz: 'latency-heatmap' },
  { id: 'runqlat', viz: 'latency-heatmap' },
  { id: 'cachestat', viz: 'timeseries' },
];

export interface GalleryEntry {
  toolId: string;
  viz: VizKind;
  /** the capture used, relative to the repository */
  source: string | null;
  version: string | null;
  /** other captures of the tool (other versions) */
  versions: string[];
  result: ToolResult | null;
  /** why there is no result (no capture, no parser) */
  missing: string | null;
  /** the parser threw: a real error, shown in the view's error state */
  error: string | null;
  records: number;
}

// dev-only reads of test captures: keep them out of the production file tracing
const FIXTURES = () => path.join(/*turbopackIgnore: true*/ process.cwd(), 'tests', 'fixtures');
const rel = (file: string) => path.relative(/*turbopackIgnore: true*/ process.cwd(), file);

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

function versionsOf(toolId: string): string[] {
  const dir = path.join(FIXTURES(), toolId);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d+\.\d+(\.\d+)?$/.test(d.name))
    .map((d) => d.name)
    .sort((a, b) => compareVersions(b, a));
}

/** The capture of a tool in one version: `<tool>.jsonl`, else the first *.jsonl; null if none. */
function captureFile(toolId: string, version: string): string | null {
  const dir = path.join(FIXTURES(), toolId, version);
  const own = path.join(dir, `${toolId}.jsonl`);
  if (fs.existsSync(own) && fs.statSync(own).size > 0) return own;
  const any = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  return any.length ? path.join(dir, any[0]) : null;
}

function parse(toolId: string, records: readonly BtRecord[]): ToolResult {
  const tool = getTool(toolId)!;
  const parser = tool.createParser();
  for (const r of records) parser.push(r);
  return parser.finish() as ToolResult;
}

interface Loaded {
  entry: GalleryEntry;
  records: BtRecord[];
}

function load(toolId: string, viz: VizKind, wantVersion: string | undefined): Loaded {
  const versions = versionsOf(toolId);
  const tool = getTool(toolId);
  const base: GalleryEntry = { toolId, viz: tool?.viz ?? viz, source: null, version: null, versions, result: null, missing: null, error: null, records: 0 };
  const version = wantVersion && versions.includes(wantVersion) ? wantVersion : versions[0];
  const file = version ? captureFile(toolId, version) : null;
  if (!file) return { entry: { ...base, missing: `no capture in tests/fixtures/${toolId}/ yet` }, records: [] };
  const entry = { ...base, source: rel(file), version: version! };
  if (!tool) return { entry: { ...entry, missing: `no parser registered for ${toolId} yet (lib/tools/registry.ts)` }, records: [] };
  const records = decodeAll(fs.readFileSync(file), { version });
  try {
    return { entry: { ...entry, records: records.length, result: parse(toolId, records) }, records };
  } catch (e) {
    return { entry: { ...entry, records: records.length, error: `The ${toolId} parser failed on ${entry.source}: ${e instanceof Error ? e.message : String(e)}` }, records };
  }
}

export interface StateDemo {
  toolId: string;
  viz: VizKind;
  /** how the demo was derived from real data */
  how: string;
  result: ToolResult | null;
  loading?: boolean;
  error?: string;
}

export interface GalleryData {
  entries: GalleryEntry[];
  states: StateDemo[];
  /** a real failed run's stderr, for the error states */
  errorText: string;
  errorSource: string;
}

/** Real `lost_events` records from a capture made to lose events (see tests/fixtures/bpftrace/README.md). */
function realLostRecords(version: string): { records: BtRecord[]; source: string } {
  const file = path.join(FIXTURES(), 'bpftrace', version, 'lost_small.jsonl');
  const use = fs.existsSync(file) ? file : path.join(FIXTURES(), 'bpftrace', '0.23.2', 'lost_small.jsonl');
  const records = decodeAll(fs.readFileSync(use)).filter((r) => r.type === 'lost_events');
  return { records, source: rel(use) };
}

/** `lost` spread evenly through `records`, as bpftrace interleaves them with the events. */
function interleave(records: readonly BtRecord[], lost: readonly BtRecord[]): BtRecord[] {
  if (lost.length === 0) return [...records];
  const out: BtRecord[] = [];
  const every = Math.max(1, Math.floor(records.length / (lost.length + 1)));
  let li = 0;
  records.forEach((r, i) => {
    out.push(r);
    if ((i + 1) % every === 0 && li < lost.length) out.push(lost[li++]);
  });
  while (li < lost.length) out.push(lost[li++]);
  return out;
}

function hasRows(r: ToolResult): r is Extract<ToolResult, { rows: unknown[] }> {
  return 'rows' in r && Array.isArray(r.rows);
}

/** Partial, empty, loading and error variants of each view, from the real results. */
function stateDemos(loaded: Loaded[], errorText: string, errorSource: string): StateDemo[] {
  const demos: StateDemo[] = [];
  const seenViz = new Set<VizKind>();
  for (const { entry, records } of loaded) {
    if (seenViz.has(entry.viz)) continue;
    seenViz.add(entry.viz);
    demos.push({ toolId: entry.toolId, viz: entry.viz, how: 'loading, no result yet', result: null, loading: true });
    demos.push({ toolId: entry.toolId, viz: entry.viz, how: `error: stderr of a real failed run (${errorSource})`, result: null, error: errorText });
    if (!entry.result) {
      demos.push({ toolId: entry.toolId, viz: entry.viz, how: `empty: ${entry.missing ?? entry.error ?? 'no result'}`, result: null });
      continue;
    }
    // empty: the tool's own parser given no records (a run that saw nothing)
    demos.push({ toolId: entry.toolId, viz: entry.viz, how: 'empty: the parser after a run that printed no records', result: parse(entry.toolId, []) });
    // partial: the same capture with real lost_events records merged in (and, for tables, a row cap)
    const lost = realLostRecords(entry.version ?? '0.23.2');
    let partial: ToolResult;
    let how = `partial: ${entry.source} with the ${lost.records.length} real lost_events records of ${lost.source} merged in`;
    if (entry.toolId === 'profile') {
      const p = createProfileParser({ maxNodes: 40 });
      for (const r of interleave(records, lost.records)) p.push(r);
      partial = p.finish();
      how += '; pruned to 40 frames by the parser';
    } else {
      partial = parse(entry.toolId, interleave(records, lost.records));
      if (hasRows(partial) && partial.rows.length > 1) {
        // what the parser's row cap does: keep the first rows, count the rest
        const cap = Math.ceil(partial.rows.length / 2);
        partial = { ...partial, rows: partial.rows.slice(0, cap), rowsDropped: partial.eventsSeen - cap, maxRows: cap };
        how += `; a row cap of ${cap}`;
      }
    }
    demos.push({ toolId: entry.toolId, viz: entry.viz, how, result: partial });
  }
  return demos;
}

export function loadGallery(wantVersion?: string): GalleryData {
  const loaded = GALLERY_TOOLS.map((t) => load(t.id, t.viz, wantVersion));
  const errorFile = path.join(FIXTURES(), 'bpftrace', '0.23.2', 'err_kprobe.stderr');
  const errorSource = rel(errorFile);
  const errorText = fs.readFileSync(errorFile, 'utf8');
  return { entries: loaded.map((l) => l.entry), states: stateDemos(loaded, errorText, errorSource), errorText, errorSource };
}
