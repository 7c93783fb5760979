import { redirect } from 'next/navigation';
import { isSetUp } from '@/lib/auth/page-guard';
import { setupTokenHint } from '@/lib/auth/first-run';
import { SetupForm } from './SetupForm';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Set up · bpfdeck' };

/** First start only: create the first admin. Once one exists this page sends people to /login. */
export default async function SetupPage() {
  if (await isSetUp()) redirect('/login');
  return (
    <div className="mx-auto max-w-md space-y-4 pt-8">
      <h1 className="text-xl font-semibold">Set up bpfdeck</h1>
      <p className="text-sm text-slate-700">
        Create the first admin. bpfdeck runs bpftrace as root on your hosts, so this account can do a lot: choose a long password. The setup code proves you run
        this server: it is in{' '}
        <span className="font-mono text-xs" data-testid="setup-hint">
          {setupTokenHint()}
        </span>{' '}
        on the server.
      </p>
      <SetupForm />
    </div>
  );
}
