/**
 * Export files of a report item or of a run: the raw capture (streamed from the stored gzip,
 * byte-identical to what bpftrace printed), or a format derived from the stored result
 * (lib/export/formats.ts). Route handlers turn an ExportFile into a download.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { AppError, notFound } from '@/lib/errors';
import { CONTENT_TYPES, exportFileName, formatsFor, renderResultExport, type ExportFormat, type ExportOptions } from '@/lib/export/formats';
import { gunzipToWebStream } from '@/lib/export/raw';
import { runTitle, runViz } from '@/lib/runs/sources/kinds';
import { getReportItemSource, getReportRawGz } from '@/lib/reports/read';
import { bundleHeader, type BundleMeta } from '@/lib/reports/bundle';

export interface ExportFile {
  body: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
  contentType: string;
  fileName: string;
  /** uncompressed size (raw) */
  contentLength?: number;
  /** sha256 (hex) of the bytes (raw) */
  sha256?: string;
}

function unavailable(format: ExportFormat, what: string): AppError {
  return new AppError('not_found', `no ${format} export for ${what}`);
}

export async function exportReportItem(reportId: string, toolId: string, format: ExportFormat, opts: ExportOptions = {}): Promise<ExportFile> {
  const src = await getReportItemSource(reportId, toolId);
  const name = exportFileName({ toolId, hostName: src.report.hostName, at: src.report.startedAt ?? src.report.createdAt, id: reportId }, format);
  if (format === 'raw') {
    const raw = await getReportRawGz(reportId, toolId);
    return { body: gunzipToWebStream(raw.gz), contentType: CONTENT_TYPES.raw, fileName: name, contentLength: raw.bytes, sha256: raw.sha256 };
  }
  if (format === 'bundle') {
    const raw = await getReportRawGz(reportId, toolId);
    const header = Buffer.from(bundleHeader(await bundleMetaOf(reportId, toolId, raw)), 'utf8');
    return {
      body: prepend(header, gunzipToWebStream(raw.gz)),
      contentType: CONTENT_TYPES.bundle,
      fileName: name,
      contentLength: header.length + raw.bytes,
    };
  }
  if (!src.resultJson) throw unavailable(format, `${src.toolTitle} in this report (it has no result)`);
  const when = (src.report.startedAt ?? src.report.createdAt).toISOString().replace('T', ' ').slice(0, 19);
  const out = renderResultExport(
    format,
    src.resultJson,
    { title: src.report.title, subtitle: `${src.report.hostName} · ${when} UTC · report ${reportId}` },
    opts,
  );
  if (!out) throw unavailable(format, `${src.toolTitle} results`);
  return { body: out.body, contentType: out.contentType, fileName: name };
}

/** A report item's metadata for its bundle header (parameters from its run, while the run exists). */
async function bundleMetaOf(reportId: string, toolId: string, raw: { sha256: string; bytes: number }): Promise<Omit<BundleMeta, 'bpfdeck' | 'version'>> {
  const it = await db().reportItem.findUnique({
    where: { reportId_toolId: { reportId, toolId } },
    select: {
      runId: true,
      toolId: true,
      toolTitle: true,
      variantId: true,
      scriptFile: true,
      scriptText: true,
      scriptSha256: true,
      startedAt: true,
      endedAt: true,
      durationSec: true,
      report: {
        select: { id: true, title: true, hostName: true, hostAddress: true, hostPort: true, hostUser: true, kernelRelease: true, bpftraceVersion: true },
      },
    },
  });
  if (!it) throw notFound('tool in this report');
  const run = it.runId ? await db().run.findUnique({ where: { id: it.runId }, select: { paramsJson: true } }) : null;
  const r = it.report;
  return {
    tool: it.toolId,
    toolTitle: it.toolTitle,
    variant: it.variantId,
    params: run?.paramsJson ? (JSON.parse(run.paramsJson) as Record<string, number>) : null,
    host: { name: r.hostName, address: r.hostAddress, port: r.hostPort, user: r.hostUser },
    kernelRelease: r.kernelRelease,
    bpftraceVersion: r.bpftraceVersion?.replace(/^v/, '') ?? null,
    startedAt: it.startedAt?.toISOString() ?? null,
    endedAt: it.endedAt?.toISOString() ?? null,
    durationSec: it.durationSec,
    script: { file: it.scriptFile, sha256: it.scriptSha256, text: it.scriptText },
    raw: { bytes: raw.bytes, sha256: raw.sha256 },
    report: { id: r.id, title: r.title },
  };
}

/** `head` then every chunk of `rest`, as one stream (the raw part is never buffered whole). */
function prepend(head: Uint8Array, rest: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = rest.getReader();
  let sentHead = false;
  return new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      if (!sentHead) {
        sentHead = true;
        ctrl.enqueue(head);
        return;
      }
      const { done, value } = await reader.read();
      if (done) ctrl.close();
      else ctrl.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** The same exports for a run that has no report (or before it has one). */
export async function exportRun(runId: string, format: ExportFormat, opts: ExportOptions = {}): Promise<ExportFile> {
  const run = await db().run.findUnique({
    where: { id: runId },
    select: {
      toolId: true,
      scriptSource: true,
      scriptPath: true,
      startedAt: true,
      createdAt: true,
      resultJson: true,
      rawOutputGz: true,
      rawOutputBytes: true,
      rawOutput: { select: { gz: true, sha256: true, bytes: true } },
      host: { select: { name: true } },
    },
  });
  if (!run) throw notFound('run');
  const title0 = runTitle(run);
  const name = exportFileName({ toolId: run.toolId, hostName: run.host.name, at: run.startedAt ?? run.createdAt, id: runId }, format);
  if (format === 'bundle') throw new AppError('not_found', "a report bundle is made from a report: open the run's report and export it there");
  if (format === 'raw') {
    const gz = run.rawOutputGz ?? run.rawOutput?.gz ?? null;
    if (!gz) throw notFound('raw output of this run');
    return {
      body: gunzipToWebStream(gz),
      contentType: CONTENT_TYPES.raw,
      fileName: name,
      contentLength: run.rawOutputGz ? run.rawOutputBytes : run.rawOutput?.gz ? run.rawOutput.bytes : undefined,
      sha256: run.rawOutput?.gz ? run.rawOutput.sha256 : undefined,
    };
  }
  if (!run.resultJson) throw unavailable(format, 'this run (it has no result)');
  if (!formatsFor(runViz(run), { hasResult: true, rawAvailable: false }).includes(format)) throw unavailable(format, `${title0} results`);
  const title = `${title0} on ${run.host.name}`;
  const out = renderResultExport(format, run.resultJson, { title, subtitle: `run ${runId}` }, opts);
  if (!out) throw unavailable(format, `${title0} results`);
  return { body: out.body, contentType: out.contentType, fileName: name };
}

/** The HTTP download of an export file. */
export function exportResponse(f: ExportFile): Response {
  const headers: Record<string, string> = {
    'content-type': f.contentType,
    'content-disposition': `attachment; filename="${f.fileName}"`,
    'x-content-type-options': 'nosniff',
    // Everything here is behind sign-in: never kept in a browser cache, where it would outlive the
    // report's deletion or the reader's access (a report never changes, but who may read it does).
    'cache-control': 'private, no-store',
  };
  if (f.contentLength !== undefined) headers['content-length'] = String(f.contentLength);
  if (f.sha256) headers['x-bpfdeck-sha256'] = f.sha256;
  return new Response(f.body as BodyInit, { headers });
}
