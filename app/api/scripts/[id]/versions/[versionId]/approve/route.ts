import { route } from '@/lib/http';
import { versionParams } from '@/lib/scripts/schemas';
import { approveVersion } from '@/lib/scripts/service';

export const POST = route<{ id: string; versionId: string }>(
  { role: 'admin', audit: { action: 'script.approve', target: (p) => `script:${p.id}` } },
  async (_req, { params, user, audit }) => {
    const { id, versionId } = versionParams.parse(params);
    const version = await approveVersion(id, versionId, user);
    audit({ details: { versionId, version: version.number, sha256: version.sha256 } });
    return { version };
  },
);
