import { NextResponse } from 'next/server';
import { route } from '@/lib/http';
import { signOut } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';

/** Ends this browser's session (the row is deleted, the cookie cleared). */
export const POST = route({ role: 'viewer', audit: { action: 'auth.sign_out' } }, async (req, { principal }) => {
  if (principal?.via !== 'session') throw new AppError('validation', 'only a browser session can sign out; revoke an API token instead');
  const res = NextResponse.json({ ok: true });
  for (const c of await signOut(req.headers)) res.headers.append('set-cookie', c);
  return res;
});
