/**
 * The report bundle: one tool's raw capture with what bpfdeck knows about it, in one file that imports
 * with everything filled in (tool, variant, parameters, host, kernel, bpftrace version, times).
 *
 * Format (`.bpfdeck.jsonl`): line 1 is a JSON object `{"bpfdeck":"report-bundle","version":1,...}`
 * (BundleMeta below), every following byte is the raw capture exactly as bpftrace printed it. So
 * `tail -n +2 x.bpfdeck.jsonl` is the plain raw export, byte for byte, and the bundle streams both
 * ways (no archive to unpack first). `raw.sha256` lets the import refuse a damaged or edited capture.
 *
 * Pure (no database, no server-only imports): the export (lib/reports/export.ts) writes the header, the
 * import (lib/reports/import.ts) splits it off with openBundle.
 */
import { z } from 'zod';
import { invalid } from '@/lib/errors';

export const BUNDLE_MAGIC = 'report-bundle';
export const BUNDLE_VERSION = 1;
/** the header line's bound: it holds a script text (a few KiB), never the capture */
export const MAX_BUNDLE_HEADER_BYTES = 1024 * 1024;
/** what a bundle's first bytes are; anything else is a plain capture */
const PREFIX = new TextEncoder().encode('{"bpfdeck":');

const iso = z.string().datetime({ offset: true }).nullable();
const text = (max: number) => z.string().max(max);

export const bundleMetaSchema = z.object({
  bpfdeck: z.literal(BUNDLE_MAGIC),
  version: z.literal(BUNDLE_VERSION),
  /** catalog tool id, or "generic" (any bpftrace program) */
  tool: z.string().regex(/^[a-z0-9-]{1,32}$/),
  toolTitle: text(200),
  variant: z.string().regex(/^[a-z0-9-]{1,64}$/),
  /** the tool parameters the run used (ext4slower's minLatencyMs); null = defaults or not known */
  params: z.record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/), z.number().int()).nullable(),
  host: z.object({ name: text(120).min(1), address: text(253).nullable(), port: z.number().int().min(1).max(65535).nullable(), user: text(64).nullable() }),
  kernelRelease: text(200).nullable(),
  /** as the host printed it, without a leading "v" */
  bpftraceVersion: text(64).nullable(),
  startedAt: iso,
  endedAt: iso,
  durationSec: z.number().int().min(0).max(86_400),
  script: z.object({ file: text(200).nullable(), sha256: z.string().regex(/^([0-9a-f]{64})?$/), text: text(512 * 1024).nullable() }),
  raw: z.object({ bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  /** where it came from (informative) */
  report: z.object({ id: text(64), title: text(400) }).nullable(),
});
export type BundleMeta = z.infer<typeof bundleMetaSchema>;

/** The bundle's first line, newline included. */
export function bundleHeader(meta: Omit<BundleMeta, 'bpfdeck' | 'version'>): string {
  // key order: the magic first, so a bundle is recognised from its first bytes
  const full: BundleMeta = bundleMetaSchema.parse({ bpfdeck: BUNDLE_MAGIC, version: BUNDLE_VERSION, ...meta });
  return `${JSON.stringify(full)}\n`;
}

/** A header line (without its newline) to its metadata; plain words when it is not one bpfdeck wrote. */
export function parseBundleHeader(line: string): BundleMeta {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw invalid('report bundle: its first line is not JSON');
  }
  const v = (json as { version?: unknown })?.version;
  if (v !== BUNDLE_VERSION) throw invalid(`report bundle: version ${JSON.stringify(v)} is not one this bpfdeck reads (${BUNDLE_VERSION})`);
  const r = bundleMetaSchema.safeParse(json);
  if (!r.success) throw invalid(`report bundle: bad header (${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  return r.data;
}

export interface OpenedBundle {
  /** null: a plain capture (passed through whole) */
  meta: BundleMeta | null;
  /** bytes of the header line, newline included (0 for a plain capture) */
  headerBytes: number;
  /** the capture: everything after the header line, or the whole input */
  body: AsyncIterable<Uint8Array>;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const startsWithPrefix = (b: Uint8Array) => PREFIX.every((c, i) => b[i] === c);

/**
 * Reads just far enough to tell a bundle from a plain capture (the first line, at most
 * MAX_BUNDLE_HEADER_BYTES), then hands back the rest as a stream: the capture is never buffered whole.
 */
export async function openBundle(input: AsyncIterable<Uint8Array>): Promise<OpenedBundle> {
  const it = input[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let seenBytes = 0;
  let ended = false;
  let newlineAt = -1;
  const rest = (lead: Uint8Array[]): AsyncIterable<Uint8Array> => ({
    async *[Symbol.asyncIterator]() {
      try {
        for (const c of lead) if (c.byteLength) yield c;
        while (!ended) {
          const r = await it.next();
          if (r.done) return;
          yield r.value;
        }
      } finally {
        // stop the upload when the reader stops early (refused, too large)
        await it.return?.();
      }
    },
  });
  try {
    for (;;) {
      const head = concat(seen);
      // enough to know it is not a bundle
      if (head.byteLength >= PREFIX.byteLength && !startsWithPrefix(head)) return { meta: null, headerBytes: 0, body: rest(seen) };
      newlineAt = head.indexOf(0x0a);
      if (newlineAt >= 0 || ended) {
        if (!startsWithPrefix(head)) return { meta: null, headerBytes: 0, body: rest(seen) };
        break;
      }
      if (seenBytes > MAX_BUNDLE_HEADER_BYTES) throw invalid(`report bundle: its header line is longer than ${MAX_BUNDLE_HEADER_BYTES} bytes`);
      const r = await it.next();
      if (r.done) ended = true;
      else {
        seen.push(r.value);
        seenBytes += r.value.byteLength;
      }
    }
    const head = concat(seen);
    if (newlineAt < 0) throw invalid('report bundle: a header and no capture');
    if (newlineAt > MAX_BUNDLE_HEADER_BYTES) throw invalid(`report bundle: its header line is longer than ${MAX_BUNDLE_HEADER_BYTES} bytes`);
    const meta = parseBundleHeader(new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, newlineAt)));
    return { meta, headerBytes: newlineAt + 1, body: rest([head.subarray(newlineAt + 1)]) };
  } catch (e) {
    await it.return?.();
    throw e;
  }
}
