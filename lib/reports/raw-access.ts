/**
 * Who may download raw captures (every path that sends raw bytes: /api/runs/<id>/raw, run and report
 * exports with format=raw). Raw output holds every traced process's full argv, passwords given on
 * command lines included, so it needs the `raw.downloadRole` setting's role (operator by default; an
 * admin changes it under /api/settings/raw-output).
 */
import { AppError } from '@/lib/errors';
import { roleAtLeast } from '@/lib/auth/roles';
import type { Principal } from '@/lib/auth/session';
import { getSetting } from '@/lib/settings';

export async function requireRawDownload(principal: Principal | null): Promise<void> {
  const needed = await getSetting('raw.downloadRole');
  if (!principal || !roleAtLeast(principal.role, needed)) {
    throw new AppError(
      'forbidden',
      `raw output needs the ${needed} role (the admin setting raw.downloadRole); ${principal?.name ?? 'anonymous'} has ${principal?.role ?? 'none'}`,
    );
  }
}
