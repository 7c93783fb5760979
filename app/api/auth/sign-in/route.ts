import { NextResponse } from 'next/server';
import { parseJson, route } from '@/lib/http';
import { signInSchema } from '@/lib/auth/schemas';
import { signInWithPassword } from '@/lib/auth/session';

/** Password sign-in: sets the session cookie (HttpOnly, SameSite=Lax, Secure over https). */
export const POST = route({ role: 'public', audit: { action: 'auth.sign_in' } }, async (req, { clientIp, audit }) => {
  const input = await parseJson(req, signInSchema);
  audit({ actor: input.email, target: `user:${input.email}`, details: { method: 'password' } });
  const r = await signInWithPassword(input, { ip: clientIp, userAgent: req.headers.get('user-agent') });
  audit({ actorId: r.user.id });
  const res = NextResponse.json({ user: r.user });
  for (const c of r.setCookie) res.headers.append('set-cookie', c);
  return res;
});
