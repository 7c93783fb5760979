import Link from 'next/link';
import { requirePage } from '@/lib/auth/page-guard';
import { listUsers } from '@/lib/auth/users';
import { ROLE_DESCRIPTIONS, ROLES } from '@/lib/auth/roles';
import { UsersAdmin } from './UsersAdmin';

export const metadata = { title: 'Users · Admin · bpfdeck' };

export const dynamic = 'force-dynamic';

export default async function UsersPage() {
  const me = await requirePage('admin');
  const users = await listUsers();
  return (
    <div className="space-y-4">
      <Link href="/admin" className="text-sm text-slate-500 hover:underline">
        ← Admin
      </Link>
      <h1 className="text-xl font-semibold">Users</h1>
      <ul className="text-sm text-slate-600">
        {ROLES.map((r) => (
          <li key={r}>
            <span className="font-medium">{r}</span>: {ROLE_DESCRIPTIONS[r]}
          </li>
        ))}
      </ul>
      <UsersAdmin initialUsers={users} myId={me.userId} />
    </div>
  );
}
