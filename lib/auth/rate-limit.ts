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
