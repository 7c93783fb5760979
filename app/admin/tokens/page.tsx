import Link from 'next/link';
import { requirePage } from '@/lib/auth/page-guard';
import { listTokens } from '@/lib/auth/tokens';
import { TokensAdmin } from './TokensAdmin';

export const metadata = { title: 'API tokens · Admin · bpfdeck' };

export const dynamic = 'force-dynamic';

export default async function TokensPage() {
  await requirePage('admin');
  const tokens = await listTokens();
  return (
    <div className="space-y-4">
      <Link href="/admin" className="text-sm text-slate-500 hover:underline">
        ← Admin
      </Link>
      <h1 className="text-xl font-semibold">API tokens</h1>
      <p className="max-w-3xl text-sm text-slate-600">
        For automation: send <code className="font-mono">Authorization: Bearer &lt;token&gt;</code> to the same API the pages use. A token acts with its role,
        never with more than its creator has. bpfdeck keeps only a hash: the token is shown once, when it is created. Every request made with a token is in the
        audit log.
      </p>
      <TokensAdmin initialTokens={tokens} />
    </div>
  );
}
