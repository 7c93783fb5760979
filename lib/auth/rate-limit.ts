/**
 * A sliding-window counter in memory: "at most N events per window per key". One bpfdeck process
 * serves a team (DESIGN: scale path), so memory is the right store; several web instances would move
 * this into the database. Keys and timestamps only: nothing secret is kept.
 */
export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private live(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.hits.set(key, list);
    else this.hits.delete(key);
    return list;
  }

  /** events counted for key within the window */
  count(key: string): number {
    return this.live(key).length;
  }

  /** true when another event would go over the limit */
  blocked(key: string): boolean {
    return this.live(key).length >= this.limit;
  }

  /** seconds until the oldest counted event leaves the window (0 when not blocked) */
  retryAfterSec(key: string): number {
    const list = this.live(key);
    if (list.length < this.limit) return 0;
    return Math.max(1, Math.ceil((list[0] + this.windowMs - this.now()) / 1000));
  }

  hit(key: string): void {
    const list = this.live(key);
    list.push(this.now());
    this.hits.set(key, list);
    if (this.hits.size > 100_000) this.sweep();
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private sweep(): void {
    for (const key of [...this.hits.keys()]) this.live(key);
  }
}

/**
 * Failed password sign-ins (F3). A lock on the account alone lets anyone lock anyone out (the admin
 * included, from everywhere, by typing a wrong password ten times), so:
 *  - per account AND client address: `maxFailures` per 15 minutes, then that address waits for that
 *    account (the owner at another address is not affected);
 *  - per client address, over all accounts: 5 x `maxFailures` (password spraying from one place);
 *  - per account, over all addresses: no lock, a back-off. Past 2 x `maxFailures` failures within
 *    15 minutes, each attempt must come at least 2^(excess) seconds (at most 60) after the last
 *    failure: distributed guessing slows to one try a minute, the owner waits at most a minute.
 * Kept in memory, like the rest of this file (one process serves a team; see DESIGN's scale path).
 */
export class SignInLimits {
  private readonly pair: SlidingWindow;
  private readonly address: SlidingWindow;
  private readonly account: SlidingWindow;
  private readonly lastFailure = new Map<string, number>();

  constructor(
    readonly maxFailures: number,
    private readonly now: () => number = Date.now,
  ) {
    const windowMs = 15 * 60_000;
    this.pair = new SlidingWindow(maxFailures, windowMs, now);
    this.address = new SlidingWindow(maxFailures * 5, windowMs, now);
    this.account = new SlidingWindow(Number.MAX_SAFE_INTEGER, windowMs, now);
  }

  /** seconds this attempt must wait (0: go ahead) */
  retryAfterSec(email: string, ip: string): number {
    const account = email.toLowerCase();
    const lock = Math.max(this.pair.retryAfterSec(`${account}|${ip}`), this.address.retryAfterSec(ip));
    const excess = this.account.count(account) - 2 * this.maxFailures;
    let backoff = 0;
    if (excess >= 0) {
      const waitMs = Math.min(60, 2 ** excess) * 1000 - (this.now() - (this.lastFailure.get(account) ?? 0));
      backoff = waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
    }
    return Math.max(lock, backoff);
  }

  failed(email: string, ip: string): void {
    const account = email.toLowerCase();
    this.pair.hit(`${account}|${ip}`);
    this.address.hit(ip);
    this.account.hit(account);
    this.lastFailure.set(account, this.now());
    if (this.lastFailure.size > 100_000) this.lastFailure.clear();
  }

  /** a right password: this address's failures on this account are forgiven */
  succeeded(email: string, ip: string): void {
    this.pair.reset(`${email.toLowerCase()}|${ip}`);
  }
}
