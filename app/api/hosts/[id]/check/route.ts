import { idParam, route } from '@/lib/http';
import { checkHost } from '@/lib/hosts/service';

/** Preflight: bpftrace version, sudo, kernel, BTF, tracefs, and which probe types really attach. */
export const POST = route<{ id: string }>({ role: 'operator', audit: { action: 'host.check', target: (p) => `host:${p.id}` } }, async (_req, { params }) => ({
  host: await checkHost(idParam.parse(params).id),
}));
