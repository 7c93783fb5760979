import { NextResponse } from 'next/server';
import { parseJson, route } from '@/lib/http';
import { setupSchema } from '@/lib/auth/schemas';
import { completeSetup } from '@/lib/auth/setup';
import { signInWithPassword } from '@/lib/auth/session';

/** First start: create the first admin (needs the setup code), then sign them in. */
export const POST = route({ role: 'public', audit: { action: 'auth.setup' } }, async (req, { clientIp, audit }) => {
  const input = await parseJson(req, setupSchema);
  audit({ actor: input.email, target: `user:${input.email}` });
  const user = await completeSetup(input);
  audit({ actorId: user.id });
  const r = await signInWithPassword({ email: input.email, password: input.password }, { ip: clientIp, userAgent: req.headers.get('user-agent') });
  const res = NextResponse.json({ user: r.user }, { status: 201 });
  for (const c of r.setCookie) res.headers.append('set-cookie', c);
  return res;
});
