/**
 * A report from an uploaded capture (`bpftrace -f json` of a catalog tool's script, taken by hand):
 * decoded and parsed by the shared import core (lib/tools/import.ts, also behind `bpfdeck import`),
 * stored like a run's report. The host is what the uploader calls it; the script recorded is the
 * catalog's current one for the tool (the one the capture should have been taken with).
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { newId } from '@/lib/ids';
import { invalid } from '@/lib/errors';
import { getTool, loadScript } from '@/lib/tools/catalog';
import { importCapture, type ImportInput } from '@/lib/tools/import';
import type { ImportQuery } from '@/lib/reports/schemas';

export interface ImportReportInput extends ImportQuery {
  requestedBy: string;
  /** refuse captures over this many bytes (default lib/tools/import MAX_IMPORT_BYTES) */
  maxBytes?: number;
  /** the declared upload size (Content-Length), checked against what arrives */
  expectedBytes?: number;
}

export async function createImportedReport(input: ImportReportInput, body: ImportInput): Promise<{ id: string }> {
  const tool = getTool(input.toolId);
  if (!tool) throw invalid(`unknown tool ${input.toolId}`);
  const cap = await importCapture(tool.id, body, { bpftraceVersion: input.bpftraceVersion, maxBytes: input.maxBytes, expectedBytes: input.expectedBytes });
  const gz = cap.rawGz!;
  const variant = tool.variants[0];
  const script = loadScript(variant, tool);
  const id = newId();
  // one nested write (one transaction): the stored raw output is never without its report
  await db().report.create({
    data: {
      id,
      kind: 'import',
      title: `${tool.title} on ${input.hostName} (imported)`,
      hostId: null,
      hostName: input.hostName,
      kernelRelease: input.kernelRelease ?? null,
      bpftraceVersion: input.bpftraceVersion?.replace(/^v/, '') ?? null,
      requestedBy: input.requestedBy,
      durationSec: 0,
      items: {
        create: [
          {
            id: newId(),
            position: 0,
            toolId: tool.id,
            toolTitle: tool.title,
            viz: tool.viz,
            variantId: variant.id,
            scriptFile: variant.file,
            scriptText: script.text,
            scriptSha256: script.sha256,
            status: 'completed',
            requestedBy: input.requestedBy,
            durationSec: 0,
            recordCount: cap.recordCount,
            lostEvents: cap.lostEvents,
            rawOutputBytes: cap.rawBytes,
            rawTruncated: false,
            resultJson: JSON.stringify(cap.result),
            rawOutput: {
              create: { id: newId(), sha256: cap.rawSha256!, bytes: cap.rawBytes, gz: new Uint8Array(gz), gzBytes: gz.length, truncated: false },
            },
          },
        ],
      },
    },
  });
  return { id };
}
