import Link from 'next/link';
import { requirePage } from '@/lib/auth/page-guard';
import { config } from '@/lib/env';
import { listIdentities } from '@/lib/hosts/identities';
import { IdentitiesAdmin } from './IdentitiesAdmin';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'SSH identities · bpfdeck' };

export default async function IdentitiesPage() {
  await requirePage('admin');
  const identities = await listIdentities();
  return (
    <div className="space-y-4">
      <Link href="/admin" className="text-sm text-slate-600 hover:underline">
        ← Admin
      </Link>
      <h1 className="text-xl font-semibold">SSH identities</h1>
      <p className="max-w-3xl text-sm text-slate-600">
        What bpfdeck logs in to hosts with. One identity serves many hosts and is rotated once for all of them. Private keys and passphrases are encrypted at
        rest and never shown again; only the public half (for <code className="font-mono">authorized_keys</code>) and its fingerprint are. An ssh-agent identity
        uses an agent socket on the bpfdeck server (only those listed in <code className="font-mono">BPFDECK_SSH_AGENT_SOCKETS</code>); the agent is never
        forwarded to hosts.
      </p>
      <IdentitiesAdmin initialIdentities={identities} agentSockets={config().sshAgentSockets} />
    </div>
  );
}
