/**
 * `bpfdeck import`: a saved `bpftrace -f json` capture -> the tool's typed result. The file is read in
 * fixed-size chunks and every record goes straight into the tool's incremental parser, so memory is
 * bounded by the parser's own caps and the decoder's longest line, not by the file's size.
 */
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { ToolDef } from '@/lib/tools/catalog';
import { chunksOf, importCapture, type ImportedCapture } from '@/lib/tools/import';
import { getTool } from '@/lib/tools/catalog';
import { openBundle } from '@/lib/reports/bundle';

export const IMPORT_CHUNK_BYTES = 1 << 20;

export interface ImportStats {
  bytes: number;
  records: number;
}

/**
 * Decode and parse a byte stream with the tool's parser; resolves to the finished result. The core is
 * lib/tools/import.ts (shared with the UI's capture upload); a local file has no size bound here.
 */
export async function importStream(
  tool: ToolDef | null,
  input: Readable,
  opts: { bpftraceVersion?: string | null } = {},
): Promise<{ result: unknown; stats: ImportStats; toolId: string | null; chosen: ImportedCapture['chosen']; mismatch: string | null }> {
  // a report bundle (lib/reports/bundle.ts) says its own tool and bpftrace version
  const { meta, body } = await openBundle(chunksOf(input));
  const toolId = tool?.id ?? (meta && getTool(meta.tool) ? meta.tool : null);
  const cap = await importCapture(toolId, body, {
    bpftraceVersion: opts.bpftraceVersion ?? meta?.bpftraceVersion ?? undefined,
    keepRaw: false,
    maxBytes: Number.POSITIVE_INFINITY,
  });
  return { result: cap.result, stats: { bytes: cap.rawBytes, records: cap.recordCount }, toolId: cap.toolId, chosen: cap.chosen, mismatch: cap.mismatch };
}

/** A capture file ("-" = stdin). Errors (missing file, a directory) reject with the system's message. */
export function openCapture(file: string): Readable {
  if (file === '-') return process.stdin;
  const st = fs.statSync(file); // throws ENOENT/EACCES with the path in the message
  if (!st.isFile()) throw new Error(`${file}: not a regular file`);
  return fs.createReadStream(file, { highWaterMark: IMPORT_CHUNK_BYTES });
}
