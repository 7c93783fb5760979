import './globals.css';
import type { ReactNode } from 'react';
import Link from 'next/link';
import { Providers } from './providers';
import { currentUser } from '@/lib/auth/page-guard';
import { NavLink } from '@/components/ui/NavLink';
import { UserMenu } from '@/components/auth/UserMenu';

export const metadata = { title: 'bpfdeck', description: 'On-demand eBPF observability for Linux fleets' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Who is signed in (null on /login and /setup): the nav shows what their role may open.
  const me = await currentUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <Providers>
          <a href="#main" className="sr-only rounded bg-indigo-700 px-3 py-2 text-white focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50">
            Skip to content
          </a>
          <header className="border-b border-slate-200 bg-white">
            <nav className="mx-auto flex max-w-screen-2xl flex-wrap items-center gap-6 px-4 py-3">
              <Link href="/" className="font-semibold tracking-tight">
                bpfdeck
              </Link>
              <NavLink href="/hosts">Hosts</NavLink>
              <NavLink href="/fleet-runs">Fleet</NavLink>
              <NavLink href="/reports">Reports</NavLink>
              <NavLink href="/compare">Compare</NavLink>
              <NavLink href="/scripts">Scripts</NavLink>
              {me?.role === 'admin' && <NavLink href="/admin">Admin</NavLink>}
              {me && <UserMenu email={me.email} role={me.role} />}
            </nav>
          </header>
          <main id="main" tabIndex={-1} className="mx-auto max-w-screen-2xl px-4 py-6 outline-none">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
