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

/** the report item's tool id of a generic result imported without a tool */
export const GENERIC_ITEM_ID = 'generic';

export interface ImportReportInput extends ImportQuery {
  requestedBy: string;
  /** refuse captures over this many bytes (default lib/tools/import MAX_IMPORT_BYTES) */
  maxBytes?: number;
  /** the declared upload size (Content-Length), checked against what arrives */
  expectedBytes?: number;
}

export async function createImportedReport(input: ImportReportInput, body: ImportInput): Promise<{ id: string }> {
  const asked = input.toolId ? getTool(input.toolId) : null;
  if (input.toolId && !asked) throw invalid(`unknown tool ${input.toolId}`);
  const cap = await importCapture(asked?.id ?? null, body, {
    bpftraceVersion: input.bpftraceVersion,
    maxBytes: input.maxBytes,
    expectedBytes: input.expectedBytes,
  });
  const gz = cap.rawGz!;
  // the tool whose parser made the result (asked, or recognised); none for the generic result
  const tool = cap.toolId ? getTool(cap.toolId)! : null;
  const variant = tool?.variants[0] ?? null;
  const script = tool && variant ? loadScript(variant, tool) : null;
  const itemToolId = tool?.id ?? asked?.id ?? GENERIC_ITEM_ID;
  const title = tool
    ? `${tool.title} on ${input.hostName} (imported)`
    : `${asked ? `${asked.title}? Not its format: ` : ''}bpftrace output on ${input.hostName} (imported)`;
  const id = newId();
  // one nested write (one transaction): the stored raw output is never without its report
  await db().report.create({
    data: {
      id,
      kind: 'import',
      title,
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
            toolId: itemToolId,
            toolTitle: tool?.title ?? 'Any bpftrace program',
            viz: tool?.viz ?? 'generic',
            variantId: variant?.id ?? GENERIC_ITEM_ID,
            scriptFile: variant?.file ?? null,
            // the program behind a capture of any program is not known (only its output is)
            scriptText: script?.text ?? null,
            scriptSha256: script?.sha256 ?? '',
            status: 'completed',
            // said on the report: the asked tool's parser recognised none of the records
            errorMessage: cap.mismatch,
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
