/**
 * Dev gallery of the fleet views (components/fleet), drawn from real per-host results of four fleet
 * hosts (tests/fixtures/fleet). Served only with BPFDECK_DEV_GALLERY=1, like /dev/viz; 404 otherwise.
 * ?tool=<id> shows one tool (the page with all of them holds ~60,000 opensnoop rows).
 */
import { notFound } from 'next/navigation';
import { requirePage } from '@/lib/auth/page-guard';
import { FleetGallery } from './FleetGallery';
import { FLEET_GALLERY_TOOLS, loadFleetFixtures } from './fixtures';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const metadata = { title: 'bpfdeck · fleet viz gallery', robots: { index: false } };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function FleetGalleryPage({ searchParams }: { searchParams: SearchParams }) {
  if (process.env.BPFDECK_DEV_GALLERY !== '1') notFound();
  await requirePage('viewer');
  const sp = await searchParams;
  const only = typeof sp.tool === 'string' && (FLEET_GALLERY_TOOLS as readonly string[]).includes(sp.tool) ? [sp.tool] : null;
  const tools = (only ?? FLEET_GALLERY_TOOLS).map((id) => ({ id, hosts: loadFleetFixtures(id) }));
  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <h1 className="text-xl font-semibold">Fleet views gallery</h1>
        <p className="text-sm text-slate-600">
          Real results of four fleet hosts from <code>tests/fixtures/fleet/</code>. Show:{' '}
          {['all', ...FLEET_GALLERY_TOOLS].map((t) => (
            <a key={t} href={t === 'all' ? '?' : `?tool=${t}`} className="mr-2 text-indigo-700 hover:underline">
              {t}
            </a>
          ))}
        </p>
      </header>
      <FleetGallery tools={tools} />
    </div>
  );
}
