/**
 * Import of a capture taken by hand: `bpftrace -f json <catalog script> > capture.jsonl` on some host,
 * then decoded and parsed exactly as a run's output is (same decoder, same tool parser). The one core
 * shared by the UI upload (lib/reports/import.ts, POST /api/reports/import) and the CLI
 * (`bpfdeck import --tool <id> capture.jsonl`, lib/cli/import.ts, which keeps no raw copy).
 *
 * Streams: bytes are decoded, parsed, hashed and gzip-compressed as they arrive; only the compressed
 * copy is kept. Input past `maxBytes` is refused (an AppError), never buffered whole.
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { AppError, invalid } from '@/lib/errors';
import { createDecoder } from '@/lib/bpftrace/decoder';
import { getTool, listTools, type ToolDef } from '@/lib/tools/catalog';
import { createGenericParser } from '@/lib/tools/generic/parse';
import { kindOfViz } from '@/lib/results/registry';
import type { ToolParser } from '@/lib/tools/types';

/** default upload bound: 256 MiB, the same as a run's raw output cap by default */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

export type ImportInput = Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

export interface ImportOptions {
  /** bpftrace version that printed the capture ("0.17.0"), if known: decides map-key escaping (else detected from the keys) */
  bpftraceVersion?: string;
  /** refuse input longer than this many bytes (default MAX_IMPORT_BYTES; Infinity for a local file) */
  maxBytes?: number;
  /** keep a gzip copy of the input and its sha256 (default true; the CLI only prints the result) */
  keepRaw?: boolean;
  /** the size the sender declared (Content-Length): a capture that arrives shorter or longer is refused, never parsed as if whole */
  expectedBytes?: number;
}

export interface ImportedCapture {
  /** the tool whose parser made `result`; null = the generic result (any bpftrace program) */
  toolId: string | null;
  /** the tool asked for (--tool, the form's choice); null = none */
  requestedToolId: string | null;
  /**
   * how the result was chosen: 'tool' the asked tool's parser; 'detected' a catalog tool recognised from
   * its records (no tool asked); 'generic' no tool asked or recognised; 'fallback' the asked tool's parser
   * recognised none of the records, so the generic result is shown (see `mismatch`)
   */
  chosen: 'tool' | 'detected' | 'generic' | 'fallback';
  /** plain words for a 'fallback': what was asked and why its view is not shown */
  mismatch: string | null;
  /** the final result (lib/tools/types ToolResult; a GenericResult unless a tool's parser made it) */
  result: unknown;
  /** the capture as given, gzip-compressed (null with keepRaw: false) */
  rawGz: Buffer | null;
  rawBytes: number;
  /** sha256 (hex) of the capture as given (null with keepRaw: false) */
  rawSha256: string | null;
  recordCount: number;
  lostEvents: number;
  malformedLines: number;
  /** bpftrace printed its attached_probes record (a capture from its start) */
  sawAttached: boolean;
}

/** Any ImportInput as chunks (a ReadableStream is cancelled when the reader stops early). */
export async function* chunksOf(input: ImportInput): AsyncIterable<Uint8Array> {
  if (input instanceof Uint8Array) {
    yield input;
  } else if (typeof (input as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (input as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value) yield value;
      }
    } finally {
      // Stop the upload when we stop early (too large, bad input).
      await reader.cancel().catch(() => {});
    }
  } else {
    yield* input as AsyncIterable<Uint8Array>;
  }
}

export async function importCapture(toolId: string | null, input: ImportInput, opts: ImportOptions = {}): Promise<ImportedCapture> {
  const tool = toolId === null ? null : getTool(toolId);
  if (toolId !== null && !tool)
    throw invalid(
      `unknown tool ${toolId} (known: ${listTools()
        .map((t) => t.id)
        .join(', ')})`,
    );
  const maxBytes = opts.maxBytes ?? MAX_IMPORT_BYTES;
  const keepRaw = opts.keepRaw ?? true;
  const decoder = createDecoder({ version: opts.bpftraceVersion });
  // Every record goes to the generic parser (bounded) and to the asked tool's parser, or, with no tool
  // asked, to the parsers of the tools that can be recognised from their records: whichever fits is
  // decided at the end, without a second pass over the input.
  const generic = createGenericParser();
  const parser: ToolParser<unknown> | null = tool ? tool.createParser() : null;
  const candidates: Array<{ tool: ToolDef; parser: ToolParser<unknown> }> = tool
    ? []
    : listTools()
        .filter((t) => t.detect)
        .map((t) => ({ tool: t, parser: t.createParser() }));
  /** names of the maps the capture printed (bounded: a program has few maps) */
  const mapNames = new Set<string>();
  const hash = keepRaw ? createHash('sha256') : null;
  const gzip = keepRaw ? zlib.createGzip({ level: 6 }) : null;
  const gzChunks: Buffer[] = [];
  gzip?.on('data', (b: Buffer) => gzChunks.push(b));
  const gzDone = new Promise<void>((resolve, reject) => {
    if (!gzip) return resolve();
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  let rawBytes = 0;
  let records = 0;
  let lostEvents = 0;
  let malformed = 0;
  let sawAttached = false;
  let firstMalformed: string | null = null;
  const take = (recs: ReturnType<typeof decoder.push>) => {
    for (const r of recs) {
      records++;
      if (r.type === 'malformed') {
        malformed++;
        firstMalformed ??= r.reason;
      } else if (r.type === 'lost_events') lostEvents += r.events;
      else if (r.type === 'attached_probes') sawAttached = true;
      generic.push(r);
      parser?.push(r);
      if ((r.type === 'map' || r.type === 'hist' || r.type === 'stats') && mapNames.size < 1000) mapNames.add(r.name);
      for (const c of candidates) c.parser.push(r);
    }
  };
  try {
    for await (const chunk of chunksOf(input)) {
      rawBytes += chunk.byteLength;
      if (rawBytes > maxBytes) {
        throw new AppError('validation', `the capture is larger than ${Math.round(maxBytes / (1024 * 1024))} MiB; bpfdeck keeps at most that much raw output`);
      }
      hash?.update(chunk);
      // backpressure: gzip buffers internally; wait when it asks us to
      if (gzip && !gzip.write(chunk)) await new Promise((r) => gzip.once('drain', r));
      take(decoder.push(chunk));
    }
  } catch (e) {
    gzip?.destroy();
    throw e;
  }
  take(decoder.end());
  gzip?.end();
  await gzDone;

  if (opts.expectedBytes !== undefined && rawBytes !== opts.expectedBytes) {
    throw invalid(`the upload was cut short: ${rawBytes} of ${opts.expectedBytes} bytes arrived; nothing was imported`);
  }
  if (rawBytes === 0) throw invalid('the capture is empty');
  const good = records - malformed;
  if (good === 0 || malformed > good) {
    throw invalid(
      `this is not a \`bpftrace -f json\` capture: ${malformed} of ${records} lines are not bpftrace JSON records` +
        (firstMalformed ? ` (first: ${firstMalformed})` : ''),
    );
  }
  const genericResult = generic.finish();
  let chosen: ImportedCapture['chosen'] = 'generic';
  let result: unknown = genericResult;
  let usedTool: string | null = null;
  let mismatch: string | null = null;
  if (tool && parser) {
    const own = parser.finish();
    const desc = kindOfViz(tool.viz);
    // the tool's parser found nothing of its own output while the capture has some: not this tool's format
    if (desc?.isEmpty(own as never) && genericResult.sections.length > 0) {
      chosen = 'fallback';
      const unparsed =
        (own as { unparsedEvents?: number; unparsedRecords?: number }).unparsedEvents ?? (own as { unparsedRecords?: number }).unparsedRecords ?? 0;
      mismatch =
        `This capture is not ${tool.title} (${tool.id}) output as bpfdeck's ${tool.id} script prints it: its parser recognised none of the ${records} records` +
        (unparsed ? ` (${unparsed} looked like events but did not parse)` : '') +
        '. Shown with the generic views instead (any bpftrace program).';
    } else {
      chosen = 'tool';
      result = own;
      usedTool = tool.id;
    }
  } else {
    // the first tool whose maps are all there and whose parser found data
    for (const c of candidates) {
      if (!c.tool.detect!(mapNames)) continue;
      const own = c.parser.finish();
      if (kindOfViz(c.tool.viz)?.isEmpty(own as never)) continue;
      chosen = 'detected';
      result = own;
      usedTool = c.tool.id;
      break;
    }
  }
  return {
    toolId: usedTool,
    requestedToolId: tool?.id ?? null,
    chosen,
    mismatch,
    result,
    rawGz: gzip ? Buffer.concat(gzChunks) : null,
    rawBytes,
    rawSha256: hash ? hash.digest('hex') : null,
    recordCount: records,
    lostEvents,
    malformedLines: malformed,
    sawAttached,
  };
}
