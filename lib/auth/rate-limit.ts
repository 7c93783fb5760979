/**
 * Rate limits kept in the database (LimitEvent rows, lib/db/limits.ts), so they hold across web
 * instances: someone guessing passwords gains nothing by spreading the guesses over several of them.
 * Keys and timestamps only: nothing secret is kept (a key holds an e-mail or a client address).
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { withLimitLocks, type DbTx } from '@/lib/db/limits';
import { newId } from '@/lib/ids';

// Old rows are swept at most this often per window and process (each sweep is one indexed DELETE).
const SWEEP_EVERY_MS = 60_000;

/** "at most `limit` events per `windowMs` per key", counted from LimitEvent rows named `<name>:<key>`. */
export class SlidingWindow {
  private lastSweepMs = 0;

  constructor(
    readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private key(k: string): string {
    return `${this.name}:${k}`;
  }

  private cutoff(): Date {
    return new Date(this.now() - this.windowMs);
  }

  /** events counted for key within the window */
  async count(key: string, tx: DbTx = db()): Promise<number> {
    return tx.limitEvent.count({ where: { key: this.key(key), at: { gt: this.cutoff() } } });
  }

  /** true when another event would go over the limit */
  async blocked(key: string, tx: DbTx = db()): Promise<boolean> {
    return (await this.count(key, tx)) >= this.limit;
  }

  /** seconds until enough events leave the window for one more to fit (0 when not blocked) */
  async retryAfterSec(key: string, tx: DbTx = db()): Promise<number> {
    const n = await this.count(key, tx);
    if (n < this.limit) return 0;
    const freeing = await tx.limitEvent.findFirst({
      where: { key: this.key(key), at: { gt: this.cutoff() } },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
      skip: n - this.limit,
      select: { at: true },
    });
    return freeing ? Math.max(1, Math.ceil((freeing.at.getTime() + this.windowMs - this.now()) / 1000)) : 0;
  }

  /** the time of the latest event for key within the window (ms), or null */
  async lastAtMs(key: string, tx: DbTx = db()): Promise<number | null> {
    const last = await tx.limitEvent.findFirst({
      where: { key: this.key(key), at: { gt: this.cutoff() } },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      select: { at: true },
    });
    return last ? last.at.getTime() : null;
  }

  async hit(key: string, tx: DbTx = db(), ticket?: string): Promise<void> {
    await tx.limitEvent.create({ data: { key: this.key(key), at: new Date(this.now()), ticket: ticket ?? null } });
    await this.sweep(tx);
  }

  async reset(key: string, tx: DbTx = db()): Promise<void> {
    await tx.limitEvent.deleteMany({ where: { key: this.key(key) } });
  }

  /** Counts an event unless the key is at its limit, as one step across processes: true when counted. */
  async take(key: string): Promise<boolean> {
    return withLimitLocks([this.key(key)], async (tx) => {
      if (await this.blocked(key, tx)) return false;
      await this.hit(key, tx);
      return true;
    });
  }

  private async sweep(tx: DbTx): Promise<void> {
    if (this.now() - this.lastSweepMs < SWEEP_EVERY_MS) return;
    this.lastSweepMs = this.now();
    await tx.limitEvent.deleteMany({ where: { key: { startsWith: `${this.name}:` }, at: { lte: this.cutoff() } } });
  }
}

/** What a sign-in attempt may do: wait, or go ahead holding a reserved failure it settles afterwards. */
export type SignInAttempt = { retryAfterSec: number; ticket: null } | { retryAfterSec: 0; ticket: string };

/**
 * Failed password sign-ins (F3). A lock on the account alone lets anyone lock anyone out (the admin
 * included, from everywhere, by typing a wrong password ten times), so:
 *  - per account AND client address: `maxFailures` per 15 minutes, then that address waits for that
 *    account (the owner at another address is not affected);
 *  - per client address, over all accounts: 5 x `maxFailures` (password spraying from one place);
 *  - per account, over all addresses: no lock, a back-off. Past 2 x `maxFailures` failures within
 *    15 minutes, each attempt must come at least 2^(excess) seconds (at most 60) after the last
 *    failure: distributed guessing slows to one try a minute, the owner waits at most a minute.
 *
 * In the database, and race-free: `begin` checks and, when the attempt may go ahead, counts it as a
 * failure at once (a reservation, under the account's and the address's lock rows), before the
 * password is checked; `settle` forgives it when the password was right. Two attempts racing for the
 * last allowed failure, on two web instances, cannot both be let through. A process that dies between
 * the two leaves the reservation counted as a failure: the safe side.
 */
export class SignInLimits {
  private readonly pair: SlidingWindow;
  private readonly address: SlidingWindow;
  private readonly account: SlidingWindow;

  constructor(
    readonly maxFailures: number,
    private readonly now: () => number = Date.now,
    /** prefix of the keys (tests use their own, to share one database) */
    scope = 'signin',
  ) {
    const windowMs = 15 * 60_000;
    this.pair = new SlidingWindow(`${scope}-pair`, maxFailures, windowMs, now);
    this.address = new SlidingWindow(`${scope}-address`, maxFailures * 5, windowMs, now);
    this.account = new SlidingWindow(`${scope}-account`, Number.MAX_SAFE_INTEGER, windowMs, now);
  }

  /** seconds this attempt must wait (0: go ahead) */
  async retryAfterSec(email: string, ip: string, tx: DbTx = db()): Promise<number> {
    const account = email.toLowerCase();
    const lock = Math.max(await this.pair.retryAfterSec(`${account}|${ip}`, tx), await this.address.retryAfterSec(ip, tx));
    const excess = (await this.account.count(account, tx)) - 2 * this.maxFailures;
    let backoff = 0;
    if (excess >= 0) {
      const waitMs = Math.min(60, 2 ** excess) * 1000 - (this.now() - ((await this.account.lastAtMs(account, tx)) ?? 0));
      backoff = waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
    }
    return Math.max(lock, backoff);
  }

  /** records a failure (`ticket`: as the reservation of an attempt that has not been settled yet) */
  async failed(email: string, ip: string, tx: DbTx = db(), ticket?: string): Promise<void> {
    const account = email.toLowerCase();
    await this.pair.hit(`${account}|${ip}`, tx, ticket);
    await this.address.hit(ip, tx, ticket);
    await this.account.hit(account, tx, ticket);
  }

  /** a right password: this address's failures on this account are forgiven */
  async succeeded(email: string, ip: string, tx: DbTx = db()): Promise<void> {
    await this.pair.reset(`${email.toLowerCase()}|${ip}`, tx);
  }

  /** The check and, if the attempt may go ahead, its reservation, as one step across processes. */
  async begin(email: string, ip: string): Promise<SignInAttempt> {
    const account = email.toLowerCase();
    return withLimitLocks([`${this.account.name}:${account}`, `${this.address.name}:${ip}`], async (tx) => {
      const wait = await this.retryAfterSec(email, ip, tx);
      if (wait > 0) return { retryAfterSec: wait, ticket: null };
      const ticket = newId();
      await this.failed(email, ip, tx, ticket);
      return { retryAfterSec: 0, ticket };
    });
  }

  /**
   * The outcome of a begun attempt: `ok` forgives it (and this address's earlier failures on the
   * account), `failed` keeps it, dated now (the back-off counts from the last failure), `void` drops it
   * (the password was never judged, e.g. the database failed).
   */
  async settle(ticket: string, email: string, ip: string, outcome: 'ok' | 'failed' | 'void'): Promise<void> {
    if (outcome === 'failed') {
      await db().limitEvent.updateMany({ where: { ticket }, data: { at: new Date(this.now()), ticket: null } });
      return;
    }
    await db().$transaction(async (tx) => {
      await tx.limitEvent.deleteMany({ where: { ticket } });
      if (outcome === 'ok') await this.succeeded(email, ip, tx);
    });
  }
}
