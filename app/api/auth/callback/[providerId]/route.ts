import { route } from '@/lib/http';
import { config } from '@/lib/env';
import { notFound } from '@/lib/errors';
import { auth, OIDC_PROVIDER_ID, sessionCookieName } from '@/lib/auth/auth';
import { principalFromHeaders } from '@/lib/auth/session';

/**
 * The OIDC redirect URI (<BPFDECK_PUBLIC_URL>/api/auth/callback/oidc): better-auth checks state, PKCE
 * and the ID token, creates or finds the account, sets the session cookie and redirects. This is the
 * only path where better-auth's own router answers a request.
 */
const callback = route<{ providerId: string }>({ role: 'public', audit: { action: 'auth.sign_in', target: () => 'oidc' } }, async (req, { params, audit }) => {
  if (!config().auth.oidc || params.providerId !== OIDC_PROVIDER_ID) throw notFound('sign-in provider');
  audit({ details: { method: 'oidc' } });
  const res = await auth().handler(req);
  const location = res.headers.get('location') ?? '';
  if (res.status >= 400 || location.includes('error=')) {
    audit({ outcome: 'failed', details: { error: new URL(location || '/', 'http://x').searchParams.get('error') ?? `status ${res.status}` } });
    return res;
  }
  // Who signed in: the session cookie just set.
  const name = sessionCookieName();
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (set) {
    const me = await principalFromHeaders(new Headers({ cookie: set.split(';')[0] }), 'oidc').catch(() => null);
    if (me) audit({ actor: me.email, actorId: me.userId, target: `user:${me.email}` });
  }
  return res;
});
export const GET = callback;
