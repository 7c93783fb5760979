import zlib from 'node:zlib';
import { idParam, route } from '@/lib/http';
import { notFound } from '@/lib/errors';
import { getRawOutput } from '@/lib/runs/service';

/** The capture exactly as bpftrace printed it (stdout), as NDJSON. */
export const GET = route<{ id: string }>({ role: 'viewer', audit: { action: 'run.export', target: (p) => `run:${p.id}` } }, async (_req, { params }) => {
  const { id } = idParam.parse(params);
  const gz = await getRawOutput(id);
  if (!gz) throw notFound('raw output of this run');
  return new Response(new Uint8Array(zlib.gunzipSync(gz)), {
    headers: {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="bpfdeck-run-${id}.jsonl"`,
    },
  });
});
