// A global per-provider request rate (sliding one-second window), plus a shared pause: when one job
// gets a 429 with Retry-After, every job for that provider waits it out instead of each finding out alone.
// The rate adapts: halved on a 429 (the provider is telling us its real limit is lower than our setting),
// grown back by one request/second per second of successes, up to the configured ceiling.
import { sleep } from '../util/abort';

export class RateLimiter {
  private starts: number[] = [];
  private pausedUntil = 0;
  private chain: Promise<void> = Promise.resolve();
  private ceiling: number;
  private lastGrowth = 0;

  constructor(
    private perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.ceiling = perSecond;
  }

  get rate(): number {
    return this.perSecond;
  }

  setRate(perSecond: number): void {
    this.ceiling = Math.max(1, perSecond);
    this.perSecond = Math.min(this.perSecond, this.ceiling);
  }

  onThrottle(): void {
    this.perSecond = Math.max(1, Math.floor(this.perSecond / 2));
    this.lastGrowth = this.now();
  }

  onSuccess(): void {
    if (this.perSecond >= this.ceiling) return;
    const now = this.now();
    if (now - this.lastGrowth >= 1000) {
      this.perSecond++;
      this.lastGrowth = now;
    }
  }

  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  get pausedForMs(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  /** Resolves when one more request may start. Callers are served in order. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.chain.then(() => this.waitTurn(signal));
    // A canceled waiter must not block the ones behind it.
    this.chain = turn.catch(() => undefined);
    return turn;
  }

  private async waitTurn(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now < this.pausedUntil) {
        await sleep(this.pausedUntil - now, signal);
        continue;
      }
      while (this.starts.length > 0 && this.starts[0]! <= now - 1000) this.starts.shift();
      if (this.starts.length < this.perSecond) {
        this.starts.push(now);
        return;
      }
      await sleep(this.starts[0]! + 1000 - now + 1, signal);
    }
  }
}
