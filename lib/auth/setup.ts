/**
 * Creating the first admin at /setup (see lib/auth/first-run.ts for the setup code).
 */
import 'server-only';
import { timingSafeEqual, createHash } from 'node:crypto';
import { AppError, conflict } from '@/lib/errors';
import { createUser, type PublicUser } from '@/lib/auth/users';
import { removeDataFile } from '@/lib/auth/data-files';
import { SETUP_FILE, setupRequired, setupToken, setupTokenHint } from '@/lib/auth/first-run';

export { setupRequired };

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
