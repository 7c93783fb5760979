import { requirePage } from '@/lib/auth/page-guard';
import { listIdentities } from '@/lib/hosts/identities';
import { ImportAndReview } from '@/components/hosts/ImportAndReview';

export const metadata = { title: 'Import hosts · bpfdeck' };

export const dynamic = 'force-dynamic';

/** Admin: bulk import (ssh_config or list), then the host-key review of the new hosts. */
export default async function ImportPage() {
  await requirePage('admin');
  const identities = (await listIdentities()).map((i) => ({ id: i.id, name: i.name, fingerprint: i.fingerprint }));
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Import hosts and review their keys</h1>
      <ImportAndReview identities={identities} />
    </div>
  );
}
