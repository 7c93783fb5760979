import { redirect } from 'next/navigation';
import { config } from '@/lib/env';
import { currentUser, isSetUp, safeNext } from '@/lib/auth/page-guard';
import { isRole, roleAtLeast } from '@/lib/auth/roles';
import { LoginForm } from './LoginForm';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Sign in · bpfdeck' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Open to everyone (proxy.ts OPEN_PAGES): sign-in with a password, or OIDC when configured. */
export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  if (!(await isSetUp())) redirect('/setup');
  const sp = await searchParams;
  const next = safeNext(typeof sp.next === 'string' ? sp.next : null);
  const need = typeof sp.need === 'string' && isRole(sp.need) ? sp.need : null;
  const me = await currentUser();
  if (me && (!need || roleAtLeast(me.role, need))) redirect(next);
  const oidc = config().auth.oidc;
  return (
    <div className="mx-auto max-w-sm space-y-4 pt-8">
      <h1 className="text-xl font-semibold">Sign in to bpfdeck</h1>
      {me && need && (
        <p role="status" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="need-role">
          You are signed in as {me.email} ({me.role}). That page needs the {need} role: ask an admin, or sign in as someone who has it.
        </p>
      )}
      {sp.error === 'oidc' && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          Sign-in with {oidc?.displayName ?? 'SSO'} did not complete. If you have no bpfdeck account yet, ask an admin.
        </p>
      )}
      <LoginForm next={next} oidcName={oidc?.displayName ?? null} />
    </div>
  );
}
