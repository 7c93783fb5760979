import { idParam, route } from '@/lib/http';
import { scanHostKey } from '@/lib/hosts/service';

/** First contact: returns the key the host offers now, for a person to compare and accept. Pins nothing. */
export const POST = route<{ id: string }>({ role: 'admin' }, async (_req, { params }) => {
  const k = await scanHostKey(idParam.parse(params).id);
  return { hostKey: { algo: k.algo, fingerprint: k.fingerprint, pinned: k.pinned, matchesPinned: k.matchesPinned } };
});
