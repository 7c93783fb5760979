import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePage } from '@/lib/auth/page-guard';
import { AppError } from '@/lib/errors';
import { listHosts } from '@/lib/hosts/service';
import { getScript } from '@/lib/scripts/service';
import { EscapedText } from '@/components/viz/EscapedText';
import { ScriptWorkbench, type HostChoice } from '@/components/scripts/ScriptWorkbench';

export const dynamic = 'force-dynamic';

export default async function ScriptPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePage('viewer');
  const { id } = await params;
  const script = await getScript(id).catch((e) => {
    if (e instanceof AppError && e.code === 'not_found') notFound();
    throw e;
  });
  // hosts whose key is pinned: the only ones a check or a run can reach
  const hosts: HostChoice[] = (await listHosts())
    .filter((h) => h.hostKey)
    .map((h) => ({ id: h.id, name: h.name, bpftraceVersion: h.capabilities?.bpftraceVersion ?? null }));
  return (
    <div className="space-y-4">
      <div>
        <Link href="/scripts" className="text-sm text-slate-500 hover:underline">
          ← Custom scripts
        </Link>
        <h1 className="text-xl font-semibold" data-testid="script-title">
          <EscapedText text={script.name} />
        </h1>
        {script.description && (
          <p className="text-sm text-slate-600">
            <EscapedText text={script.description} />
          </p>
        )}
      </div>
      <ScriptWorkbench key={script.id} initial={script} hosts={hosts} role={me.role} />
    </div>
  );
}
