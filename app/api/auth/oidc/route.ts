import { NextResponse } from 'next/server';
import { z } from 'zod';
import { parseJson, route } from '@/lib/http';
import { config } from '@/lib/env';
import { notFound } from '@/lib/errors';
import { auth, OIDC_PROVIDER_ID } from '@/lib/auth/auth';
import { safeNext } from '@/lib/auth/page-guard';

const body = z.object({ next: z.string().max(2000).optional() });

/**
 * Start OIDC sign-in (only when configured, see README): returns the identity provider's authorize
 * URL to send the browser to, and sets the short-lived state cookie (PKCE, nonce) for the callback.
 */
export const POST = route({ role: 'public' }, async (req) => {
  if (!config().auth.oidc) throw notFound('OIDC sign-in (not configured)');
  const { next } = await parseJson(req, body);
  const { headers, response } = await auth().api.signInSocial({
    body: { provider: OIDC_PROVIDER_ID, callbackURL: safeNext(next ?? '/'), errorCallbackURL: '/login?error=oidc', disableRedirect: true },
    headers: new Headers(),
    returnHeaders: true,
  });
  const url = (response as { url?: string }).url;
  if (!url) throw notFound('OIDC authorize URL (is the issuer reachable?)');
  const res = NextResponse.json({ url });
  for (const c of headers.getSetCookie()) res.headers.append('set-cookie', c);
  return res;
});
