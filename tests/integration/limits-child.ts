/**
 * One of the processes racing for the last slot of a limit (tests/integration/limits-race.test.ts):
 * opens the database the test points it at, prints READY, then for each line `<step> <arg>` on stdin
 * does that step once and prints `RESULT <step> ok` or `RESULT <step> <error code>`.
 *  - quota <hostId>: a run start through withRunQuota, whose insert waits 300 ms (the window in
 *    which a check without a lock would let the other process pass too)
 *  - signin <email>: a sign-in with a wrong password (unauthenticated = let through, rate_limited = not)
 *  - token <ip>: an invalid API token (unauthenticated = counted, rate_limited = not)
 */
import readline from 'node:readline';
import { databaseReady, db } from '@/lib/db/client';
import { withRunQuota } from '@/lib/auth/run-limits';
import { principalFromHeaders, signInWithPassword } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { newId } from '@/lib/ids';

async function step(kind: string, arg: string): Promise<void> {
  if (kind === 'quota') {
    await withRunQuota('racer@example.com', async (tx) => {
      await new Promise((r) => setTimeout(r, 300));
      return tx.run.create({
        data: {
          id: newId(),
          hostId: arg,
          toolId: 'profile',
          variantId: 'profile',
          scriptSha256: '0'.repeat(64),
          durationSec: 10,
          status: 'queued',
          requestedBy: 'racer@example.com',
        },
      });
    });
  } else if (kind === 'signin') {
    await signInWithPassword({ email: arg, password: 'not the password at all' }, { ip: '192.0.2.7', userAgent: null });
  } else if (kind === 'token') {
    await principalFromHeaders(new Headers({ authorization: `Bearer bpfd_${'x'.repeat(43)}` }), arg);
  } else throw new Error(`unknown step ${kind}`);
}

await databaseReady();
await db().limitLock.count(); // a first query: connections open before the race, not during it
console.log('READY');
for await (const line of readline.createInterface({ input: process.stdin })) {
  const [kind, arg] = line.trim().split(' ');
  if (!kind) continue;
  let outcome = 'ok';
  try {
    await step(kind, arg);
  } catch (e) {
    outcome = e instanceof AppError ? e.code : `error:${(e as Error).message.replace(/\s+/g, ' ')}`;
  }
  console.log(`RESULT ${kind} ${outcome}`);
}
process.exit(0);
