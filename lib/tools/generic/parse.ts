/**
 * The generic parser: any `bpftrace -f json` program's records -> a GenericResult, each output chosen
 * a view by its shape (see ./types.ts). Pure and incremental like every tool parser (push, snapshot,
 * finish); memory is bounded by the caps below, and everything past a cap is counted.
 *
 * Text (printf, join, time, print(value)) is one stream of lines, as bpftrace would print it in text
 * mode: `join` ends its line (it prints no newline in JSON), `time` and printf texts are taken as they
 * are, so a `printf("%-6d ", pid); join(args->argv)` pair folds into one line. A line that looks like a
 * column header (2+ fields, each UPPER-case, a unit in parentheses allowed: `TIME(ms)`) starts a table;
 * the lines after it with at least as many whitespace-separated fields are its rows, the extra fields
 * going into the last column with their spacing (execsnoop's ARGS, opensnoop's PATH). A line with
 * fewer fields ends the table.
 */
import type { BtRecord, HistBucket, StatsValue } from '@/lib/bpftrace/types';
import { parseStack } from '@/lib/bpftrace/stacks';
import { percentile, sumHistograms, totalCount } from '@/lib/tools/histogram';
import { pruneTree } from '@/lib/tools/profile/parse';
import { countRecord } from '@/lib/tools/record-stats';
import type { EventColumn, EventCellValue, LatencyHeatmapResult, ResultStats, StackNode, ToolParser } from '@/lib/tools/types';
import type { GenericResult, GenericSection } from '@/lib/tools/generic/types';

export interface GenericParserOptions {
  /** rows kept per table (the first ones) */
  maxRows?: number;
  /** lines kept per text section (the first ones) */
  maxLines?: number;
  /** distinct keys kept per map */
  maxKeys?: number;
  /** sections kept (outputs past it are counted in sectionsDropped) */
  maxSections?: number;
  /** prints kept per interval-printed histogram */
  maxColumns?: number;
  /** flame graph node cap */
  maxNodes?: number;
}

const HEADER_FIELD_RE = /^[A-Z][A-Z0-9_%#/.:-]*$/;

/** "TIME(ms)   PID   ARGS" -> its fields, or null when the line is not a column header. */
export function headerFields(line: string): string[] | null {
  const fields = line.trim().split(/\s+/);
  if (fields.length < 2) return null;
  for (const f of fields) {
    const bare = f.replace(/\([^()]*\)/g, '');
    if (!HEADER_FIELD_RE.test(bare)) return null;
  }
  return fields;
}

/** The first `k` whitespace-separated fields of `line`, the last one holding the rest of the line (its inner spacing kept). null if fewer (k-1 with an empty last column is allowed from 3 columns up). */
export function splitFields(line: string, k: number): string[] | null {
  const out: string[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while (out.length < k - 1 && (m = re.exec(line))) out.push(m[0]);
  if (out.length < k - 1) return null;
  // the last column holds the rest of the line; it may be empty (an empty path) when there are 3+ columns
  const rest = line.slice(re.lastIndex).trim();
  if (rest === '' && k < 3) return null;
  out.push(rest);
  return out;
}

interface LinesBlock {
  type: 'lines';
  id: string;
  lines: string[];
  seen: number;
}
interface TableBlock {
  type: 'table';
  id: string;
  header: string;
  fields: string[];
  rows: string[][];
  seen: number;
}
interface MapState {
  type: 'map';
  id: string;
  name: string;
  entries: Map<string, { last: number | string; sum: number }>;
  prints: number;
  fell: boolean;
  dropped: number;
}
interface StackState {
  type: 'stack';
  id: string;
  name: string;
  root: TrieNode;
  /** last print's count per key: stack maps printed at intervals without clear are cumulative */
  last: Map<string, number>;
  prints: number;
}
interface HistState {
  type: 'hist';
  id: string;
  name: string;
  /** unkeyed: one bucket list per print */
  prints: HistBucket[][];
  printsDropped: number;
  /** keyed: summed per key */
  keyed: Map<string, HistBucket[]>;
  keysDropped: number;
}
interface StatsState {
  type: 'stats';
  id: string;
  name: string;
  rows: Map<string, StatsValue>;
  dropped: number;
}
type Block = LinesBlock | TableBlock | MapState | StackState | HistState | StatsState;

interface TrieNode {
  name: string;
  kind: StackNode['kind'];
  value: number;
  children: Map<string, TrieNode>;
}

const trie = (name: string, kind: StackNode['kind']): TrieNode => ({ name, kind, value: 0, children: new Map() });
function child(t: TrieNode, name: string, kind: StackNode['kind']): TrieNode {
  const k = `${kind}\u0000${name}`;
  let c = t.children.get(k);
  if (!c) t.children.set(k, (c = trie(name, kind)));
  return c;
}
function toNode(t: TrieNode): StackNode {
  return {
    name: t.name,
    kind: t.kind,
    value: t.value,
    children: [...t.children.values()].map(toNode).sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1)),
  };
}

/**
 * A stack-keyed map key -> the label parts (comm, pid: text outside the stacks) and the stacks (kernel
 * first as `@[kstack, ustack]` prints them). Stacks are the "\n"-led parts of the key.
 */
export function splitStackKey(key: string): { label: string; stacks: string[] } {
  const first = key.indexOf('\n');
  if (first === -1) return { label: key, stacks: [] };
  const last = key.lastIndexOf('\n');
  const before = key.slice(0, first).replace(/,$/, '');
  const after = key.slice(last + 1).replace(/^,/, '');
  const middle = key.slice(first, last + 1);
  const stacks = middle.split('\n,');
  return { label: [before, after].filter(Boolean).join(','), stacks };
}

function unitOf(name: string): { unit: LatencyHeatmapResult['unit']; from: 'map name' | 'assumed' } {
  const n = name.toLowerCase();
  if (/ns|nsec/.test(n)) return { unit: 'ns', from: 'map name' };
  if (/ms|msec/.test(n)) return { unit: 'ms', from: 'map name' };
  if (/us|usec/.test(n)) return { unit: 'us', from: 'map name' };
  return { unit: 'us', from: 'assumed' };
}

export function createGenericParser(opts: GenericParserOptions = {}): ToolParser<GenericResult> {
  const maxRows = opts.maxRows ?? 10_000;
  const maxLines = opts.maxLines ?? 5_000;
  const maxKeys = opts.maxKeys ?? 10_000;
  const maxSections = opts.maxSections ?? 50;
  const maxColumns = opts.maxColumns ?? 3_600;
  const maxNodes = opts.maxNodes ?? 20_000;

  const stats: ResultStats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  const blocks: Block[] = [];
  const byName = new Map<string, Block>();
  let sectionsDropped = 0;
  let unknownRecords = 0;
  let partial = '';
  /** the text section and the current column table (a new header starts a new one) */
  let lines: LinesBlock | null = null;
  let table: TableBlock | null = null;
  let nextId = 0;

  const addBlock = <B extends Block>(b: B): B | null => {
    if (blocks.length >= maxSections) {
      sectionsDropped++;
      return null;
    }
    blocks.push(b);
    return b;
  };

  const linesBlock = (): LinesBlock | null => {
    if (lines) return lines;
    lines = addBlock<LinesBlock>({ type: 'lines', id: `s${nextId++}`, lines: [], seen: 0 });
    return lines;
  };
  const addLine = (line: string) => {
    const b = linesBlock();
    if (!b) return;
    b.seen++;
    if (b.lines.length < maxLines) b.lines.push(line);
  };

  const onLine = (line: string) => {
    if (line.trim() === '') return; // blank lines separate nothing the views need
    const hdr = headerFields(line);
    if (table && hdr && hdr.join(' ') === table.fields.join(' ')) return; // a repeated header
    if (table && !hdr) {
      const f = splitFields(line, table.fields.length);
      if (f) {
        table.seen++;
        if (table.rows.length < maxRows) table.rows.push(f);
        return;
      }
      if (table.seen === 0) {
        // a header-looking line not followed by rows: it was text after all
        const h = table.header;
        blocks.splice(blocks.indexOf(table), 1);
        table = null;
        addLine(h);
      }
      // any other line that does not fit is text; the table goes on (events and text may interleave)
    }
    if (hdr) {
      table = addBlock<TableBlock>({ type: 'table', id: `s${nextId++}`, header: line, fields: hdr, rows: [], seen: 0 });
      return;
    }
    addLine(line);
  };

  const addText = (s: string) => {
    partial += s;
    let nl = partial.indexOf('\n');
    while (nl !== -1) {
      onLine(partial.slice(0, nl));
      partial = partial.slice(nl + 1);
      nl = partial.indexOf('\n');
    }
    // a runaway line without a newline stays bounded
    if (partial.length > 64 * 1024) {
      onLine(partial);
      partial = '';
    }
  };

  /** the section of map `name` (created on first sight); null past the section cap or when the name changed shape */
  const named = <B extends Block>(name: string, type: B['type'], make: (id: string) => B): B | null => {
    const b = byName.get(name);
    if (b) return b.type === type ? (b as B) : null;
    const nb = addBlock(make(`s${nextId++}`));
    if (nb) byName.set(name, nb);
    return nb;
  };

  const pushMap = (name: string, entries: Array<[string, number | string]>) => {
    const isStack = entries.some(([k]) => k.includes('\n'));
    if (isStack) {
      const st = named<StackState>(name, 'stack', (id) => ({ type: 'stack', id, name, root: trie('all', 'root'), last: new Map(), prints: 0 }));
      if (!st) return;
      st.prints++;
      for (const [key, value] of entries) {
        if (typeof value !== 'number' || value <= 0) continue;
        // printed again without clear(): only the growth since the last print is new
        const prev = st.last.get(key) ?? 0;
        const add = value >= prev ? value - prev : value;
        if (st.last.size < maxKeys || st.last.has(key)) st.last.set(key, value);
        if (add <= 0) continue;
        const { label, stacks } = splitStackKey(key);
        let node = st.root;
        node.value += add;
        if (label) {
          node = child(node, label, 'process');
          node.value += add;
        }
        stacks.forEach((s, i) => {
          const frames = parseStack(s);
          for (let j = frames.length - 1; j >= 0; j--) {
            node = child(node, frames[j], i === 0 ? 'kernel' : 'user');
            node.value += add;
          }
        });
      }
      return;
    }
    const m = named<MapState>(name, 'map', (id) => ({ type: 'map', id, name, entries: new Map(), prints: 0, fell: false, dropped: 0 }));
    if (!m) return;
    m.prints++;
    for (const [key, value] of entries) {
      const e = m.entries.get(key);
      if (!e) {
        if (m.entries.size >= maxKeys) {
          m.dropped++;
          continue;
        }
        m.entries.set(key, { last: value, sum: typeof value === 'number' ? value : 0 });
        continue;
      }
      if (typeof value === 'number' && typeof e.last === 'number' && value < e.last) m.fell = true;
      e.last = value;
      if (typeof value === 'number') e.sum += value;
    }
  };

  const pushHist = (name: string, keyed: boolean, buckets: HistBucket[] | null, entries: Array<[string, HistBucket[]]>) => {
    const h = named<HistState>(name, 'hist', (id) => ({ type: 'hist', id, name, prints: [], printsDropped: 0, keyed: new Map(), keysDropped: 0 }));
    if (!h) return;
    if (!keyed && buckets) {
      if (h.prints.length < maxColumns) h.prints.push(buckets);
      else h.printsDropped++;
      return;
    }
    for (const [key, b] of entries) {
      const prev = h.keyed.get(key);
      if (prev) h.keyed.set(key, sumHistograms([prev, b]));
      else if (h.keyed.size < maxKeys) h.keyed.set(key, b);
      else h.keysDropped++;
    }
  };

  const pushStats = (name: string, entries: Array<[string, StatsValue | number]>) => {
    // avg() prints as `stats` with a plain number: a map of values
    if (entries.every(([, v]) => typeof v === 'number')) return pushMap(name, entries as Array<[string, number]>);
    const s = named<StatsState>(name, 'stats', (id) => ({ type: 'stats', id, name, rows: new Map(), dropped: 0 }));
    if (!s) return;
    for (const [key, v] of entries) {
      if (typeof v === 'number') continue;
      if (s.rows.has(key) || s.rows.size < maxKeys) s.rows.set(key, v);
      else s.dropped++;
    }
  };

  /**
   * A map printed after text without a newline (`time("%H:%M:%S PIDs/sec: "); print(@)`, as
   * pidpersec.bt does): bpftrace's text mode would print the map on that line, so an unkeyed value
   * ends the line ("12:00:01 PIDs/sec: 31"); anything else ends the pending text as a line of its own.
   */
  const foldPending = (rec: BtRecord) => {
    if (partial === '') return;
    if (rec.type === 'map' && !rec.keyed) return addText(`${String(rec.value)}\n`);
    onLine(partial);
    partial = '';
  };

  const push = (rec: BtRecord) => {
    if (countRecord(stats, rec)) return;
    if (rec.type === 'map' || rec.type === 'hist' || rec.type === 'stats') foldPending(rec);
    switch (rec.type) {
      case 'attached_probes':
        return;
      case 'printf':
      case 'time':
        return addText(rec.text);
      case 'join':
        return addText(`${rec.text}\n`);
      case 'value':
        return addText(`${String(rec.value)}\n`);
      case 'map':
        return pushMap(rec.name, rec.keyed ? rec.entries : [['', rec.value]]);
      case 'stats':
        return pushStats(rec.name, rec.keyed ? rec.entries : [['', rec.value]]);
      case 'hist':
        return rec.keyed ? pushHist(rec.name, true, null, rec.entries) : pushHist(rec.name, false, rec.buckets, []);
      case 'unknown':
        unknownRecords++;
        return;
      default:
        return;
    }
  };

  const tableSection = (b: TableBlock): GenericSection => {
    const columns: EventColumn[] = b.fields.map((label, i) => {
      const ints = b.rows.length > 0 && b.rows.every((r) => /^-?\d+$/.test(r[i]));
      const floats = !ints && b.rows.length > 0 && b.rows.every((r) => /^-?\d+(\.\d+)?$/.test(r[i]));
      return { key: `c${i}`, label, type: ints ? 'int' : floats ? 'float' : 'string' };
    });
    const rows = b.rows.map((r) => {
      const row: Record<string, EventCellValue> = {};
      columns.forEach((c, i) => (row[c.key] = c.type === 'string' ? r[i] : Number(r[i])));
      return row;
    });
    return {
      type: 'table',
      id: b.id,
      title: b.fields.join(' '),
      header: b.header,
      table: { columns, rows, eventsSeen: b.seen, rowsDropped: b.seen - b.rows.length, maxRows, unparsedEvents: 0 },
    };
  };

  const section = (b: Block): GenericSection | null => {
    switch (b.type) {
      case 'lines':
        return { type: 'lines', id: b.id, title: 'Output', lines: [...b.lines], linesSeen: b.seen, linesDropped: b.seen - b.lines.length };
      case 'table':
        return tableSection(b);
      case 'map': {
        const all = [...b.entries.keys()];
        const partsOf = all.map((k) => k.split(','));
        const n = partsOf.length ? partsOf[0].length : 1;
        const same = partsOf.every((p) => p.length === n);
        const how = b.prints > 1 && b.fell ? 'sum' : 'last';
        const rows = all.map((key, i) => {
          const e = b.entries.get(key)!;
          return { key, parts: same ? partsOf[i] : [key], value: how === 'sum' && typeof e.last === 'number' ? e.sum : e.last };
        });
        rows.sort(
          (x, y) => (typeof x.value === 'number' && typeof y.value === 'number' ? y.value - x.value : 0) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0),
        );
        const unkeyed = all.length === 1 && all[0] === '';
        return {
          type: 'map',
          id: b.id,
          name: b.name,
          keyParts: unkeyed ? 0 : same ? n : 1,
          rows,
          prints: b.prints,
          how,
          entriesSeen: b.entries.size + b.dropped,
          entriesDropped: b.dropped,
        };
      }
      case 'stack': {
        const pr = pruneTree(toNode(b.root), { maxNodes, minShare: 0 });
        return {
          type: 'flamegraph',
          id: b.id,
          name: b.name,
          profile: {
            kind: 'profile',
            sampleHz: 0,
            samplesCounted: null,
            samplesInTree: b.root.value,
            root: pr.root,
            processes: [],
            pruned: pr.pruned ? { nodesBefore: pr.nodesBefore, nodesAfter: pr.nodesAfter, minShare: 0, maxNodes } : null,
            stats: { ...stats },
          },
        };
      }
      case 'hist': {
        if (b.keyed.size === 0 && b.prints.length === 0) return null;
        if (b.keyed.size === 0 && b.prints.length > 1) {
          const { unit, from } = unitOf(b.name);
          const columns = b.prints.map((buckets, i) => ({ tSec: i + 1, buckets, count: totalCount(buckets) }));
          const total = sumHistograms(b.prints);
          return {
            type: 'heatmap',
            id: b.id,
            name: b.name,
            unitFrom: from,
            heatmap: {
              kind: 'latency-heatmap',
              unit,
              columns,
              total,
              count: totalCount(total),
              p50: percentile(total, 50),
              p90: percentile(total, 90),
              p99: percentile(total, 99),
              columnsDropped: b.printsDropped,
              stats: { ...stats },
            },
          };
        }
        const list: Array<[string | null, HistBucket[]]> = b.keyed.size ? [...b.keyed.entries()] : [[null, b.prints[0]]];
        const hists = list.map(([key, buckets]) => ({
          key,
          buckets,
          count: totalCount(buckets),
          p50: percentile(buckets, 50),
          p90: percentile(buckets, 90),
          p99: percentile(buckets, 99),
        }));
        hists.sort((x, y) => y.count - x.count);
        return { type: 'histogram', id: b.id, name: b.name, hists, keysDropped: b.keysDropped };
      }
      case 'stats':
        return {
          type: 'stats',
          id: b.id,
          name: b.name,
          rows: [...b.rows.entries()].map(([key, v]) => ({ key, ...v })).sort((x, y) => y.count - x.count),
          entriesDropped: b.dropped,
        };
    }
  };

  const result = (final: boolean): GenericResult => {
    if (final && partial !== '') {
      onLine(partial);
      partial = '';
    }
    // a header seen last without rows yet: text, unless more may come (live)
    let sections = blocks.map(section).filter((s): s is GenericSection => s !== null);
    if (final) {
      sections = sections.map((s) =>
        s.type === 'table' && s.table.eventsSeen === 0 ? { type: 'lines', id: s.id, title: 'Output', lines: [s.header], linesSeen: 1, linesDropped: 0 } : s,
      );
    }
    return { kind: 'generic', sections, unknownRecords, sectionsDropped, stats: { ...stats } };
  };

  return { push, snapshot: () => result(false), finish: () => result(true) };
}
