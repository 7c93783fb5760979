import Link from 'next/link';
import { requirePage } from '@/lib/auth/page-guard';

export const metadata = { title: 'Admin · bpfdeck' };

export const dynamic = 'force-dynamic';

export default async function AdminPage() {
  await requirePage('admin');
  const items = [
    { href: '/admin/users', title: 'Users', text: 'accounts, roles, password resets' },
    { href: '/admin/identities', title: 'SSH identities', text: 'keys and ssh-agents bpfdeck logs in with: add, rotate, delete' },
    { href: '/admin/tokens', title: 'API tokens', text: 'tokens for automation: create, revoke' },
    { href: '/admin/audit', title: 'Audit log', text: 'who did what, when and from where' },
  ];
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Admin</h1>
      <ul className="grid gap-3 md:grid-cols-2 xl:grid-cols-4">
        {items.map((i) => (
          <li key={i.href} className="rounded border border-slate-200 bg-white p-4">
            <Link href={i.href} className="font-medium text-indigo-700 hover:underline">
              {i.title}
            </Link>
            <p className="text-sm text-slate-600">{i.text}</p>
          </li>
        ))}
      </ul>
      <p className="text-sm text-slate-600">Hosts and pinned host keys are managed on each host&apos;s page and under Hosts → Import.</p>
    </div>
  );
}
