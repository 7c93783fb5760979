/**
 * The server-side guard every page calls first: `const me = await requirePage('viewer')`.
 * No admin yet -> /setup; not signed in -> /login?next=<this page>; signed in with too small a role ->
 * /login?need=<role>. Pages accept the session cookie only (API tokens are for /api).
 * tests/integration/security-routes.test.ts checks that every page calls it.
 */
import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { principalFromHeaders, type Principal } from '@/lib/auth/session';
import { roleAtLeast, type Role } from '@/lib/auth/roles';
import { setupRequired } from '@/lib/auth/first-run';
import { PATH_HEADER } from '@/lib/auth/security-headers';
import { safeNext } from '@/lib/auth/redirect';

const g = globalThis as unknown as { __bpfdeckSetupDone?: boolean };

/** true once an admin exists (the last admin cannot be removed, so this never turns back) */
export async function isSetUp(): Promise<boolean> {
  if (g.__bpfdeckSetupDone) return true;
  const done = !(await setupRequired());
  if (done) g.__bpfdeckSetupDone = true;
  return done;
}

/** The signed-in person of this page request, or null. Never redirects. */
export async function currentUser(): Promise<Principal | null> {
  const cookieHeader = (await headers()).get('cookie');
  if (!cookieHeader) return null;
  try {
    return await principalFromHeaders(new Headers({ cookie: cookieHeader }), 'page');
  } catch {
    return null;
  }
}

export async function requestedPath(): Promise<string> {
  return safeNext((await headers()).get(PATH_HEADER));
}

export async function requirePage(role: Role = 'viewer'): Promise<Principal> {
  if (!(await isSetUp())) redirect('/setup');
  const me = await currentUser();
  const next = await requestedPath();
  if (!me) redirect(`/login?next=${encodeURIComponent(next)}`);
  if (!roleAtLeast(me.role, role)) redirect(`/login?need=${role}&next=${encodeURIComponent(next)}`);
  return me;
}

export { safeNext };
