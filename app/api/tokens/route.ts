import { parseJson, route } from '@/lib/http';
import { createTokenSchema } from '@/lib/auth/schemas';
import { createToken, listTokens } from '@/lib/auth/tokens';

export const GET = route({ role: 'admin' }, async () => ({ tokens: await listTokens() }));

/** Create an API token. The token is in this response only: it is stored as a sha256. */
export const POST = route({ role: 'admin', audit: { action: 'token.create' } }, async (req, { principal, audit }) => {
  const input = await parseJson(req, createTokenSchema);
  audit({ target: `token:${input.name}`, details: { role: input.role, expiresInDays: input.expiresInDays ?? null } });
  const { token, info } = await createToken(input, { userId: principal!.userId, role: principal!.role });
  audit({ details: { tokenId: info.id } });
  return Response.json({ token, info }, { status: 201 });
});
