import { redirect } from 'next/navigation';
import { requirePage } from '@/lib/auth/page-guard';

export default async function Home() {
  await requirePage('viewer');
  redirect('/hosts');
}
