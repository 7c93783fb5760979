import Link from 'next/link';
import { requirePage } from '@/lib/auth/page-guard';
import { listTools } from '@/lib/tools/catalog';
import { MAX_IMPORT_BYTES } from '@/lib/tools/import';
import { ImportForm } from '@/components/reports/ImportForm';

export const metadata = { title: 'Import a capture · bpfdeck' };

export const dynamic = 'force-dynamic';

export default async function ImportPage() {
  await requirePage('operator');
  const tools = listTools().map((t) => ({ id: t.id, title: t.title, scriptFile: t.variants[0].file }));
  return (
    <div className="space-y-4">
      <div>
        <Link href="/reports" className="text-sm text-slate-500 hover:underline">
          ← Reports
        </Link>
        <h1 className="text-xl font-semibold">Import a capture</h1>
        <p className="text-sm text-slate-600">
          A capture taken by hand on a host bpfdeck cannot reach becomes a report like any other: the same decoder and parser as a run (and as{' '}
          <code className="font-mono text-xs">bpfdeck import</code>).
        </p>
      </div>
      <ImportForm tools={tools} maxBytes={MAX_IMPORT_BYTES} />
    </div>
  );
}
