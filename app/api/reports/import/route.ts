import { route } from '@/lib/http';
import { invalid } from '@/lib/errors';
import { importQuery } from '@/lib/reports/schemas';
import { createImportedReport } from '@/lib/reports/import';
import { MAX_IMPORT_BYTES } from '@/lib/tools/import';

/**
 * Upload a `bpftrace -f json` capture of a catalog tool as the request body (any content type; not
 * multipart), with ?toolId=&hostName=[&bpftraceVersion=&kernelRelease=]. Streamed: decoded, parsed and
 * compressed as it arrives; refused past MAX_IMPORT_BYTES.
 */
export const POST = route({ role: 'operator', audit: { action: 'report.create' } }, async (req, { user, audit }) => {
  const q = importQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > MAX_IMPORT_BYTES) throw invalid(`the capture is larger than ${MAX_IMPORT_BYTES / (1024 * 1024)} MiB`);
  if (!req.body) throw invalid('no capture in the request body');
  audit({ details: { import: true, toolId: q.toolId, hostName: q.hostName, declaredBytes: Number.isFinite(declared) ? declared : null } });
  const report = await createImportedReport({ ...q, requestedBy: user, expectedBytes: Number.isFinite(declared) ? declared : undefined }, req.body);
  audit({ target: `report:${report.id}` });
  return Response.json({ report }, { status: 201 });
});
