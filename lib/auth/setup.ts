/**
 * First start: until an admin exists every page leads to /setup, where the first admin is created.
 * So that nobody else who can reach a fresh install first becomes its admin, /setup asks for a
 * one-time setup code: BPFDECK_SETUP_TOKEN, or one generated into <data dir>/setup-token (0600) and
 * named in the server log. The file is removed once the admin exists.
 */
import 'server-only';
import { timingSafeEqual, createHash } from 'node:crypto';
import { config } from '@/lib/env';
import { AppError, conflict } from '@/lib/errors';
import { countAdmins, createUser, type PublicUser } from '@/lib/auth/users';
import { dataFilePath, randomSecret, readOrCreateDataFile, removeDataFile } from '@/lib/auth/data-files';

const SETUP_FILE = 'setup-token';

export async function setupRequired(): Promise<boolean> {
  return (await countAdmins()) === 0;
}

function setupToken(): string {
  return config().auth.setupToken ?? readOrCreateDataFile(SETUP_FILE, () => randomSecret(18));
}

/** Where the setup code is, for the start-up message (never the code itself). */
export function setupTokenHint(): string {
  return config().auth.setupToken ? 'the value of BPFDECK_SETUP_TOKEN' : `the file ${dataFilePath(SETUP_FILE)}`;
}

/** At server start: make sure the setup code exists and say where it is. */
export async function announceSetupIfNeeded(log: (line: string) => void = console.log): Promise<void> {
  if (!(await setupRequired())) return;
  setupToken();
  log(`bpfdeck: no admin yet. Open /setup in a browser and enter the setup code from ${setupTokenHint()}.`);
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

let inFlight: Promise<unknown> = Promise.resolve();

/** Create the first admin. Serialized in this process, so two racing requests cannot both succeed. */
export function completeSetup(input: { setupToken: string; email: string; name: string; password: string }): Promise<PublicUser> {
  const run = inFlight.then(async () => {
    if (!(await setupRequired())) throw conflict('bpfdeck is set up already: sign in instead');
    if (!sameSecret(input.setupToken.trim(), setupToken())) {
      throw new AppError('forbidden', `wrong setup code: it is in ${setupTokenHint()} on the server`);
    }
    const user = await createUser({ email: input.email, name: input.name, password: input.password, role: 'admin' });
    removeDataFile(SETUP_FILE);
    return user;
  });
  inFlight = run.catch(() => undefined);
  return run;
}
