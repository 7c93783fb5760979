import Link from 'next/link';
import { listHosts } from '@/lib/hosts/service';
import { AddHostForm } from '@/components/hosts/AddHostForm';
import { requirePage } from '@/lib/auth/page-guard';
import { EscapedText } from '@/components/viz/EscapedText';

export const dynamic = 'force-dynamic';

export default async function HostsPage() {
  const me = await requirePage('viewer');
  const hosts = await listHosts();
  return (
    <div className="space-y-8">
      <section>
        <h1 className="mb-3 text-xl font-semibold">Hosts</h1>
        {hosts.length === 0 ? (
          <p className="text-slate-600">No hosts yet. Add one below: bpfdeck needs sshd, sudo and bpftrace on it, nothing else.</p>
        ) : (
          <table className="w-full overflow-hidden rounded border border-slate-200 bg-white text-sm">
            <thead className="bg-slate-100 text-left text-slate-600">
              <tr>
                <th className="px-3 py-2">Name</th>
                <th className="px-3 py-2">Address</th>
                <th className="px-3 py-2">User</th>
                <th className="px-3 py-2">Host key</th>
                <th className="px-3 py-2">bpftrace</th>
                <th className="px-3 py-2">Kernel</th>
              </tr>
            </thead>
            <tbody>
              {hosts.map((h) => (
                <tr key={h.id} className="border-t border-slate-100">
                  <td className="px-3 py-2">
                    <Link className="font-medium text-indigo-700 hover:underline" href={`/hosts/${h.id}`}><EscapedText text={h.name} /></Link>
                  </td>
                  <td className="px-3 py-2 font-mono">{h.address}:{h.port}</td>
                  <td className="px-3 py-2 font-mono">{h.username}</td>
                  <td className="px-3 py-2">{h.hostKey ? <span className="font-mono text-xs">{h.hostKey.fingerprint}</span> : <span className="text-amber-700">not pinned</span>}</td>
                  <td className="px-3 py-2">{h.capabilities?.bpftraceVersion ?? '—'}</td>
                  <td className="px-3 py-2 font-mono text-xs">{h.capabilities?.kernelRelease ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {me.role === 'admin' && (
        <section className="max-w-xl">
        <h2 className="mb-3 text-lg font-semibold">Add a host</h2>
        <AddHostForm />
      </section>
      )}
    </div>
  );
}
