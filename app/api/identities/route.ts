import { parseJson, route } from '@/lib/http';
import { createIdentitySchema } from '@/lib/hosts/schemas';
import { createIdentity, listIdentities } from '@/lib/hosts/identities';

// Admin only: identities are what bpfdeck logs in to every host with (public halves only are returned).
export const GET = route({ role: 'admin' }, async () => ({ identities: await listIdentities() }));
export const POST = route({ role: 'admin', audit: { action: 'identity.create' } }, async (req, { audit }) => {
  const input = await parseJson(req, createIdentitySchema);
  // never the key or passphrase: what it is and where
  audit({
    details: {
      name: input.name,
      kind: input.kind,
      passphrase: input.kind === 'key' && !!input.passphrase,
      agentSocket: input.kind === 'agent' ? input.agentSocket : undefined,
    },
  });
  const identity = await createIdentity(input);
  audit({ target: `identity:${identity.id}`, details: { fingerprint: identity.fingerprint } });
  return { identity };
});
