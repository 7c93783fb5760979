import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AppError } from '@/lib/errors';
import { getRun } from '@/lib/runs/service';
import { runTitle } from '@/lib/runs/sources/kinds';
import { RunLive } from '@/components/runs/RunLive';
import { requirePage } from '@/lib/auth/page-guard';
import { EscapedText } from '@/components/viz/EscapedText';

export const dynamic = 'force-dynamic';

/** The tab names the run: its tool (only for a signed-in user: requirePage redirects anyone else first). */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  await requirePage('viewer');
  const { id } = await params;
  const run = await getRun(id).catch(() => null);
  return { title: run ? `${run.toolId} run · bpfdeck` : 'Run not found · bpfdeck' };
}

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePage('viewer');
  const { id } = await params;
  const run = await getRun(id).catch((e) => {
    if (e instanceof AppError && e.code === 'not_found') notFound();
    throw e;
  });
  return (
    <div className="space-y-4">
      <div>
        <Link href={`/hosts/${run.hostId}`} className="text-sm text-slate-500 hover:underline">
          ← <EscapedText text={run.hostName} />
        </Link>
        <h1 className="text-xl font-semibold">
          {runTitle(run)} on <EscapedText text={run.hostName} />
        </h1>
      </div>
      <RunLive initialRun={run} canCancel={me.role !== 'viewer'} />
    </div>
  );
}
