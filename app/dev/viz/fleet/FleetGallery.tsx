'use client';
import type { FleetHostInput } from '@/lib/fleet/views/hosts';
import { FleetToolView } from '@/components/fleet/FleetToolView';
import { FleetDiffFlameGraph } from '@/components/fleet/FleetDiffFlameGraph';

export function FleetGallery({ tools }: { tools: Array<{ id: string; hosts: FleetHostInput[] }> }) {
  const profile = tools.find((t) => t.id === 'profile');
  return (
    <>
      {tools.map((t) => (
        <section key={t.id} id={`fleet-${t.id}`} className="space-y-2 rounded border border-slate-200 bg-white p-3">
          <h2 className="font-semibold">{t.id}</h2>
          <FleetToolView toolId={t.id} hosts={t.hosts} />
        </section>
      ))}
      {profile && (
        <section id="fleet-compare" className="space-y-2 rounded border border-slate-200 bg-white p-3">
          <h2 className="font-semibold">compare: A = role=web hosts, B = role=db hosts</h2>
          <FleetDiffFlameGraph
            a={profile.hosts.filter((h) => h.tags.role === 'web')}
            b={profile.hosts.filter((h) => h.tags.role === 'db')}
            labelA="role=web"
            labelB="role=db"
          />
        </section>
      )}
    </>
  );
}
