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
import { FIXTURES, GALLERY_TOOLS, findCapture, parseRecords, rel, versionsOf } from './captures';

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

interface Loaded {
  entry: GalleryEntry;
  records: BtRecord[];
}

function load(toolId: string, viz: VizKind, wantVersion: string | undefined): Loaded {
  const tool = getTool(toolId);
  const cap = findCapture(toolId, wantVersion);
  const base: GalleryEntry = {
    toolId,
    viz: tool?.viz ?? viz,
    source: null,
    version: null,
    versions: versionsOf(toolId),
    result: null,
    missing: null,
    error: null,
    records: 0,
  };
  if (!cap) return { entry: { ...base, missing: `no capture in tests/fixtures/${toolId}/ yet` }, records: [] };
  const entry = { ...base, source: cap.source, version: cap.version, records: cap.records.length };
  if (!tool) return { entry: { ...entry, missing: `no parser registered for ${toolId} yet (lib/tools/registry.ts)` }, records: [] };
  try {
    return { entry: { ...entry, result: parseRecords(toolId, cap.records) }, records: cap.records };
  } catch (e) {
    return { entry: { ...entry, error: `The ${toolId} parser failed on ${cap.source}: ${e instanceof Error ? e.message : String(e)}` }, records: cap.records };
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
    demos.push({ toolId: entry.toolId, viz: entry.viz, how: 'empty: the parser after a run that printed no records', result: parseRecords(entry.toolId, []) });
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
      partial = parseRecords(entry.toolId, interleave(records, lost.records));
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
