/**
 * Parser of bpftrace-tools/biosnoop.bt and biosnoop.rq.bt output (see the protocol in their headers):
 *   printf "io\x1f<elapsed ns>\x1f<dev>\x1f<sector>\x1f<rwbs>\x1f<nr_sector>\x1f<error>\x1f<latency ns>
 *           \x1f<queued ns | -1>\x1f<pid>\x1f<comm>\n"   one per completed request
 *   printf "end\x1f<elapsed ns>\n"                         from END
 *   @events (kernel count of printed events)                exit dump (plus scratch maps, skipped)
 *   @start[dev, sector] (issued, completion not seen), @unmatched[dev, sector] (completed, issue not seen),
 *   @reissued[dev, sector] (issued again before a completion was seen)
 * into an event table (the first maxRows rows, the rest counted) and a time x disk-offset heat map built
 * from every event. Memory is bounded: rows by maxRows, the heat map by a sparse grid that coarsens its
 * sector bins when it holds too many cells.
 */
import type { BtRecord } from '@/lib/bpftrace/types';
import type { BlockIoResult, EventColumn, EventCellValue, ResultStats, ToolParser } from '@/lib/tools/types';
import { createEventRows, DEFAULT_SNAPSHOT_ROWS } from '@/lib/tools/event-rows';
import { intField } from '@/lib/tools/fields';
import { countRecord } from '@/lib/tools/record-stats';

export const DEFAULT_MAX_ROWS = 100_000;
/** rows of the offset heat map at most (sector bins are powers of two, so usually fewer) */
export const DEFAULT_HEATMAP_ROWS = 64;
export const HEATMAP_BIN_SEC = 1;
/** time columns of the heat map at most (a run is at most a few minutes) */
const MAX_TIME_BINS = 3_600;
/** sparse cells per disk before its sector bins are doubled */
const MAX_GRID_CELLS = 50_000;
/** disks with a heat map grid of their own (others are counted only) */
const MAX_GRID_DEVICES = 64;
/** first sector bin: 8 sectors = 4 KiB, the usual page-sized I/O */
const INITIAL_SHIFT = 3;
/** entries kept in each halfSeen list (bpftrace maps hold 4096 keys by default) */
export const MAX_HALF_SEEN = 10_000;
const IO_KEY_RE = /^(\d+),(-?\d+)$/;
/** The script's per-request scratch maps, printed by the exit dump for requests in flight: of no use here. */
const SCRATCH_MAPS = new Set(['@qstart', '@iopid', '@iocomm']);

const SEP = '\x1f';
/** io, elapsed, dev, sector, rwbs, nr_sector, error, latency, queued, pid, comm */
const IO_FIELDS = 11;
const RWBS_RE = /^[A-Z]{0,9}$/;
const END_RE = /^end\x1f\d+\n?$/;

export const BIOSNOOP_COLUMNS: EventColumn[] = [
  { key: 'time', label: 'TIME(s)', type: 'time', description: 'completion, seconds since tracing began' },
  { key: 'latencyMs', label: 'LAT(ms)', type: 'duration_ms', description: 'issue to the device until completion' },
  { key: 'comm', label: 'COMM', type: 'string' },
  { key: 'pid', label: 'PID', type: 'int' },
  { key: 'disk', label: 'DISK', type: 'string', description: 'major:minor of the block device' },
  { key: 'op', label: 'T', type: 'string', description: 'R read, W write, D discard, F flush, N other' },
  { key: 'bytes', label: 'BYTES', type: 'bytes' },
  { key: 'queuedMs', label: 'QUE(ms)', type: 'duration_ms', description: 'from submit to issue; empty when the submit was not seen' },
  { key: 'error', label: 'ERR', type: 'errno' },
  { key: 'who', label: 'BY', type: 'string', description: 'submitter: the task that submitted it; issuer: the task that issued it (submit not seen)' },
  { key: 'rwbs', label: 'RWBS', type: 'string', description: "the kernel's flags: F preflush/FUA, A readahead, S sync, M metadata" },
  { key: 'sector', label: 'SECTOR', type: 'int', description: 'first 512-byte sector on the device' },
];

export interface BioEvent {
  tSec: number;
  /** the kernel's dev_t: major << 20 | minor */
  devT: number;
  disk: string;
  sector: number;
  rwbs: string;
  op: 'R' | 'W' | 'D' | 'F' | 'N';
  bytes: number;
  /** positive errno, 0 = success */
  error: number;
  latencyNs: number;
  /** null: the submit was not seen (pid/comm are the issuer's) */
  queuedNs: number | null;
  pid: number;
  comm: string;
  who: 'submitter' | 'issuer';
}

/** dev_t as the block tracepoints give it (MAJOR = dev >> 20, MINOR = dev & 0xfffff) -> "major:minor". */
export function devName(devT: number): string {
  return `${Math.floor(devT / 2 ** 20)}:${devT % 2 ** 20}`;
}

/**
 * The operation of an rwbs string (blk_fill_rwbs): an optional leading F (preflush), then the op
 * letter: W write, R read, D discard (DE secure erase), F flush, N other; then FUA/A/S/M flags.
 */
export function opOf(rwbs: string): BioEvent['op'] {
  const s = rwbs.length > 1 && rwbs[0] === 'F' && 'WRDFN'.includes(rwbs[1]) ? rwbs.slice(1) : rwbs;
  const c = s[0];
  return c === 'W' || c === 'R' || c === 'D' || c === 'F' ? c : 'N';
}

/** One "io" event line, or null if it does not fit the protocol. comm (last) may hold \x1f: joined back. */
export function parseBioEvent(text: string): BioEvent | null {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const f = body.split(SEP);
  if (f.length < IO_FIELDS || f[0] !== 'io') return null;
  const rwbs = f[4];
  // fields 1-3 and 5-9: elapsed, dev, sector, (rwbs), nr_sector, error, latency, queued, pid
  const n = [1, 2, 3, 5, 6, 7, 8, 9].map((i) => intField(f[i]));
  if (n.some((v) => v === null) || !RWBS_RE.test(rwbs)) return null;
  const [elapsedNs, devT, sector, nrSector, error, latencyNs, q, pid] = n as number[];
  // error and queued are signed (-errno; -1 = not queued here); the others never negative
  if ([elapsedNs, devT, sector, nrSector, latencyNs, pid].some((v) => v < 0)) return null;
  return {
    tSec: elapsedNs / 1e9,
    devT,
    disk: devName(devT),
    sector,
    rwbs,
    op: opOf(rwbs),
    bytes: nrSector * 512,
    error: Math.abs(error),
    latencyNs,
    queuedNs: q < 0 ? null : q,
    pid,
    comm: f.slice(IO_FIELDS - 1).join(SEP),
    who: q < 0 ? 'issuer' : 'submitter',
  };
}

export function eventRow(e: BioEvent): Record<string, EventCellValue> {
  return {
    time: e.tSec,
    disk: e.disk,
    op: e.op,
    sector: e.sector,
    bytes: e.bytes,
    latencyMs: e.latencyNs / 1e6,
    queuedMs: e.queuedNs === null ? null : e.queuedNs / 1e6,
    pid: e.pid,
    comm: e.comm,
    who: e.who,
    rwbs: e.rwbs,
    error: e.error,
  };
}

// ---------------------------------------------------------------------------------------------
// Offset heat map

/**
 * I/O counts on a sparse time x sector grid for one disk. Sector bins start at 2^INITIAL_SHIFT sectors
 * and double (neighbouring cells merge) whenever the grid holds more than maxCells cells, so memory
 * stays bounded whatever the access pattern; the final heat map is at most `rows` rows tall.
 */
export class OffsetGrid {
  shift = INITIAL_SHIFT;
  private cells = new Map<number, Map<number, number>>();
  private nCells = 0;
  minSector = Infinity;
  maxSector = -Infinity;
  maxTBin = 0;
  events = 0;

  constructor(private readonly maxCells = MAX_GRID_CELLS) {}

  add(tBin: number, sector: number): void {
    this.events++;
    if (sector < this.minSector) this.minSector = sector;
    if (sector > this.maxSector) this.maxSector = sector;
    if (tBin > this.maxTBin) this.maxTBin = tBin;
    const bin = Math.floor(sector / 2 ** this.shift);
    let col = this.cells.get(tBin);
    if (!col) {
      col = new Map();
      this.cells.set(tBin, col);
    }
    const n = col.get(bin);
    if (n === undefined) this.nCells++;
    col.set(bin, (n ?? 0) + 1);
    while (this.nCells > this.maxCells) this.coarsen();
  }

  get cellCount(): number {
    return this.nCells;
  }

  private coarsen(): void {
    this.shift++;
    let n = 0;
    for (const [t, col] of this.cells) {
      const merged = new Map<number, number>();
      for (const [bin, c] of col) {
        const b = Math.floor(bin / 2);
        merged.set(b, (merged.get(b) ?? 0) + c);
      }
      this.cells.set(t, merged);
      n += merged.size;
    }
    this.nCells = n;
  }

  /** The dense heat map, at most maxRows rows (bins doubled until the sector range fits). */
  build(maxRows: number, device: string | null): BlockIoResult['offsetHeatmap'] {
    if (this.events === 0) {
      return { binSec: HEATMAP_BIN_SEC, binSectors: 2 ** this.shift, minSector: 0, rows: 0, cells: [], device };
    }
    let shift = this.shift;
    const binOf = (s: number, sh: number) => Math.floor(s / 2 ** sh);
    while (binOf(this.maxSector, shift) - binOf(this.minSector, shift) + 1 > Math.max(1, maxRows)) shift++;
    const extra = shift - this.shift;
    const lowBin = binOf(this.minSector, shift);
    const rows = binOf(this.maxSector, shift) - lowBin + 1;
    const cells: number[][] = [];
    for (let t = 0; t <= this.maxTBin; t++) {
      const row = new Array<number>(rows).fill(0);
      const col = this.cells.get(t);
      if (col) for (const [bin, c] of col) row[Math.floor(bin / 2 ** extra) - lowBin] += c;
      cells.push(row);
    }
    return { binSec: HEATMAP_BIN_SEC, binSectors: 2 ** shift, minSector: lowBin * 2 ** shift, rows, cells, device };
  }
}

// ---------------------------------------------------------------------------------------------
// The parser

export interface BiosnoopParserOptions {
  maxRows?: number;
  heatmapRows?: number;
}

export function createBiosnoopParser(opts: BiosnoopParserOptions = {}): ToolParser<BlockIoResult> {
  const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS;
  const heatmapRows = opts.heatmapRows ?? DEFAULT_HEATMAP_ROWS;
  const stats: ResultStats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  const rows = createEventRows(maxRows);
  let unparsedEvents = 0;
  let eventsCounted: number | null = null;
  let sawEnd = false;
  const halfSeen: NonNullable<BlockIoResult['halfSeen']> = {
    issuedOnly: [],
    issuedOnlyCount: 0,
    completedOnly: [],
    completedOnlyCount: 0,
    reissued: [],
    reissuedCount: 0,
  };
  /** per disk: events, and a grid for the first MAX_GRID_DEVICES disks */
  const devices = new Map<number, { events: number; grid: OffsetGrid | null }>();

  const addEvent = (e: BioEvent) => {
    rows.add(eventRow(e));
    let d = devices.get(e.devT);
    if (!d) {
      d = { events: 0, grid: devices.size < MAX_GRID_DEVICES ? new OffsetGrid() : null };
      devices.set(e.devT, d);
    }
    d.events++;
    const tBin = Math.floor(e.tSec / HEATMAP_BIN_SEC);
    if (d.grid && tBin < MAX_TIME_BINS) d.grid.add(tBin, e.sector);
  };

  const push = (rec: BtRecord) => {
    if (countRecord(stats, rec)) return;
    switch (rec.type) {
      case 'printf': {
        if (END_RE.test(rec.text)) {
          sawEnd = true;
          return;
        }
        const e = parseBioEvent(rec.text);
        if (e) addEvent(e);
        else unparsedEvents++;
        return;
      }
      case 'map':
        if (!rec.keyed) {
          if (rec.name === '@events' && typeof rec.value === 'number') eventsCounted = rec.value;
          return;
        }
        if (rec.name === '@start' || rec.name === '@unmatched' || rec.name === '@reissued') {
          for (const [key, value] of rec.entries) {
            const m = IO_KEY_RE.exec(key);
            if (!m || typeof value !== 'number') {
              unparsedEvents++;
              continue;
            }
            const ref = { disk: devName(Number(m[1])), sector: Number(m[2]) };
            if (rec.name === '@start') {
              halfSeen.issuedOnlyCount++;
              if (halfSeen.issuedOnly.length < MAX_HALF_SEEN) halfSeen.issuedOnly.push(ref);
            } else {
              const [list, countKey] =
                rec.name === '@unmatched' ? ([halfSeen.completedOnly, 'completedOnlyCount'] as const) : ([halfSeen.reissued, 'reissuedCount'] as const);
              halfSeen[countKey] += value;
              if (list.length < MAX_HALF_SEEN) list.push({ ...ref, count: value });
            }
          }
        } else if (!SCRATCH_MAPS.has(rec.name)) {
          unparsedEvents++;
        }
        return;
      default:
        return;
    }
  };

  /** `latest`: only the last that many rows (snapshots); the heat map always covers every event */
  const result = (latest?: number): BlockIoResult => {
    const byDevice = [...devices.entries()].sort((a, b) => b[1].events - a[1].events || a[0] - b[0]);
    const top = byDevice.find(([, d]) => d.grid !== null);
    const offsetHeatmap = top ? top[1].grid!.build(heatmapRows, devName(top[0])) : new OffsetGrid().build(heatmapRows, null);
    return {
      kind: 'block-io',
      columns: BIOSNOOP_COLUMNS,
      ...rows.view(latest),
      unparsedEvents,
      offsetHeatmap,
      eventsCounted,
      // the script prints @unmatched only when it is not empty: after END, no line means none
      unmatched: sawEnd || halfSeen.completedOnlyCount > 0 ? halfSeen.completedOnlyCount : null,
      halfSeen: {
        issuedOnly: halfSeen.issuedOnly.slice(),
        issuedOnlyCount: halfSeen.issuedOnlyCount,
        completedOnly: halfSeen.completedOnly.slice(),
        completedOnlyCount: halfSeen.completedOnlyCount,
        reissued: halfSeen.reissued.slice(),
        reissuedCount: halfSeen.reissuedCount,
      },
      devices: byDevice.map(([devT, d]) => ({ device: devName(devT), events: d.events })),
      stats: { ...stats },
    };
  };

  return { push, snapshot: () => result(DEFAULT_SNAPSHOT_ROWS), finish: () => result() };
}
