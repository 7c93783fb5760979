'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

/** A top-nav link that marks the section you are in (aria-current="page" and a heavier style). */
export function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const path = usePathname() ?? '';
  const current = path === href || path.startsWith(`${href}/`);
  return (
    <Link
      href={href}
      aria-current={current ? 'page' : undefined}
      className={`rounded text-sm hover:text-slate-900 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 ${current ? 'font-semibold text-slate-900' : 'text-slate-600'}`}
    >
      {children}
    </Link>
  );
}
