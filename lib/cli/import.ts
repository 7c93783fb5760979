/**
 * `bpfdeck import`: a saved `bpftrace -f json` capture -> the tool's typed result. The file is read in
 * fixed-size chunks and every record goes straight into the tool's incremental parser, so memory is
 * bounded by the parser's own caps and the decoder's longest line, not by the file's size.
 */
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { createDecoder } from '@/lib/bpftrace/decoder';
import type { ToolDef } from '@/lib/tools/catalog';

export const IMPORT_CHUNK_BYTES = 1 << 20;

export interface ImportStats {
  bytes: number;
  records: number;
}

/** Decode and parse a byte stream with the tool's parser; resolves to the finished result. */
export async function importStream(
  tool: ToolDef,
  input: Readable,
  opts: { bpftraceVersion?: string | null } = {},
): Promise<{ result: unknown; stats: ImportStats }> {
  const decoder = createDecoder({ version: opts.bpftraceVersion ?? undefined });
  const parser = tool.createParser();
  const stats: ImportStats = { bytes: 0, records: 0 };
  for await (const chunk of input) {
    const buf = chunk as Buffer;
    stats.bytes += buf.length;
    for (const rec of decoder.push(buf)) {
      stats.records++;
      parser.push(rec);
    }
  }
  for (const rec of decoder.end()) {
    stats.records++;
    parser.push(rec);
  }
  return { result: parser.finish(), stats };
}

/** A capture file ("-" = stdin). Errors (missing file, a directory) reject with the system's message. */
export function openCapture(file: string): Readable {
  if (file === '-') return process.stdin;
  const st = fs.statSync(file); // throws ENOENT/EACCES with the path in the message
  if (!st.isFile()) throw new Error(`${file}: not a regular file`);
  return fs.createReadStream(file, { highWaterMark: IMPORT_CHUNK_BYTES });
}
