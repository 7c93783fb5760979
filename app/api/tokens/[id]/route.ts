import { idParam, route } from '@/lib/http';
import { revokeToken } from '@/lib/auth/tokens';

/** Revoke a token: it stops working at once (the row stays, for the audit trail). */
export const DELETE = route<{ id: string }>(
  { role: 'admin', audit: { action: 'token.revoke', target: (p) => `token:${p.id}` } },
  async (_req, { params, audit }) => {
    const t = await revokeToken(idParam.parse(params).id);
    audit({ target: `token:${t.name}`, details: { tokenId: t.id } });
    return { token: t };
  },
);
