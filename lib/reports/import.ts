/**
 * A report from an uploaded capture (`bpftrace -f json` of a catalog tool's script, taken by hand):
 * decoded and parsed by the shared import core (lib/tools/import.ts, also behind `bpfdeck import`),
 * stored like a run's report. The host is what the uploader calls it; the script recorded is the
 * catalog's current one for the tool (the one the capture should have been taken with).
 *
 * A report bundle (lib/reports/bundle.ts: a metadata line, then the capture) fills in what a plain
 * capture cannot say: tool, variant and its script, parameters, host, kernel, bpftrace version and
 * times. What the uploader gives (tool, host name, versions) still wins.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { newId } from '@/lib/ids';
import { invalid } from '@/lib/errors';
import { createHash } from 'node:crypto';
import { getTool, loadScript } from '@/lib/tools/catalog';
import { chunksOf, importCapture, type ImportInput } from '@/lib/tools/import';
import { openBundle } from '@/lib/reports/bundle';
import type { ImportQuery } from '@/lib/reports/schemas';

/** the report item's tool id of a generic result imported without a tool */
export const GENERIC_ITEM_ID = 'generic';

export interface ImportReportInput extends Omit<ImportQuery, 'hostName'> {
  /** what to call the host; a report bundle's own host name when absent */
  hostName?: string;
  requestedBy: string;
  /** refuse captures over this many bytes (default lib/tools/import MAX_IMPORT_BYTES) */
  maxBytes?: number;
  /** the declared upload size (Content-Length), checked against what arrives */
  expectedBytes?: number;
}

export async function createImportedReport(input: ImportReportInput, body: ImportInput): Promise<{ id: string }> {
  const { meta, headerBytes, body: capture } = await openBundle(chunksOf(body));
  const toolId = input.toolId ?? (meta && meta.tool !== GENERIC_ITEM_ID ? meta.tool : undefined);
  const asked = toolId ? getTool(toolId) : null;
  if (toolId && !asked) throw invalid(`unknown tool ${toolId}`);
  const hostName = input.hostName ?? meta?.host.name;
  if (!hostName) throw invalid('hostName: say which host the capture came from');
  const bpftraceVersion = input.bpftraceVersion ?? meta?.bpftraceVersion ?? undefined;
  const cap = await importCapture(asked?.id ?? null, capture, {
    bpftraceVersion,
    maxBytes: input.maxBytes,
    expectedBytes: input.expectedBytes === undefined ? undefined : input.expectedBytes - headerBytes,
  });
  if (meta && cap.rawSha256 !== meta.raw.sha256) {
    throw invalid(
      `report bundle: the capture (${cap.rawBytes} bytes) is not the one its header describes (${meta.raw.bytes} bytes, sha256 ${meta.raw.sha256.slice(0, 12)}…); nothing was imported`,
    );
  }
  const gz = cap.rawGz!;
  // the tool whose parser made the result (asked, or recognised); none for the generic result
  const tool = cap.toolId ? getTool(cap.toolId)! : null;
  const variant = (meta && tool?.variants.find((v) => v.id === meta.variant)) || tool?.variants[0] || null;
  // the bundle's script text when it is the one its sha256 names; else the catalog's, with the bundle's parameters
  const bundled =
    meta?.script.text && tool?.id === meta.tool && createHash('sha256').update(meta.script.text).digest('hex') === meta.script.sha256
      ? { text: meta.script.text, sha256: meta.script.sha256 }
      : null;
  const script = bundled ?? (tool && variant ? loadScript(variant, tool, meta?.params ?? undefined) : null);
  const itemToolId = tool?.id ?? asked?.id ?? GENERIC_ITEM_ID;
  const title = tool
    ? `${tool.title} on ${hostName} (imported)`
    : `${asked ? `${asked.title}? Not its format: ` : ''}bpftrace output on ${hostName} (imported)`;
  const fromBundle = meta && (meta.tool === itemToolId || (meta.tool === GENERIC_ITEM_ID && !tool));
  const startedAt = meta?.startedAt ? new Date(meta.startedAt) : null;
  const endedAt = meta?.endedAt ? new Date(meta.endedAt) : null;
  const durationSec = fromBundle ? meta.durationSec : 0;
  const id = newId();
  // one nested write (one transaction): the stored raw output is never without its report
  await db().report.create({
    data: {
      id,
      kind: 'import',
      title,
      hostId: null,
      hostName,
      hostAddress: input.hostName ? null : (meta?.host.address ?? null),
      hostPort: input.hostName ? null : (meta?.host.port ?? null),
      hostUser: input.hostName ? null : (meta?.host.user ?? null),
      kernelRelease: input.kernelRelease ?? meta?.kernelRelease ?? null,
      bpftraceVersion: bpftraceVersion?.replace(/^v/, '') ?? null,
      requestedBy: input.requestedBy,
      startedAt,
      endedAt,
      durationSec,
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
            durationSec,
            startedAt: fromBundle ? startedAt : null,
            endedAt: fromBundle ? endedAt : null,
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
