/**
 * First start: until an admin exists every page leads to /setup, where the first admin is created.
 * So that nobody else who can reach a fresh install first becomes its admin, /setup asks for a
 * one-time setup code: BPFDECK_SETUP_TOKEN, or one generated into <data dir>/setup-token (0600) and
 * named in the server log. The file is removed once the admin exists (lib/auth/setup.ts).
 * Light on purpose (database only): instrumentation.ts loads it at server start.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { config } from '@/lib/env';
import { dataFilePath, randomSecret, readOrCreateDataFile } from '@/lib/auth/data-files';

export const SETUP_FILE = 'setup-token';

export async function countAdmins(): Promise<number> {
  return db().user.count({ where: { role: 'admin' } });
}

export async function setupRequired(): Promise<boolean> {
  return (await countAdmins()) === 0;
}

export function setupToken(): string {
  return config().auth.setupToken ?? readOrCreateDataFile(SETUP_FILE, () => randomSecret(18));
}

/** Where the setup code is, for messages (never the code itself). */
export function setupTokenHint(): string {
  return config().auth.setupToken ? 'the value of BPFDECK_SETUP_TOKEN' : `the file ${dataFilePath(SETUP_FILE)}`;
}

/** At server start: make sure the setup code exists and say where it is. */
export async function announceSetupIfNeeded(log: (line: string) => void = console.log): Promise<void> {
  if (!(await setupRequired())) return;
  setupToken();
  log(`bpfdeck: no admin yet. Open /setup in a browser and enter the setup code from ${setupTokenHint()}.`);
}
