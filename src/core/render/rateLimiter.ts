// A global per-provider request rate (sliding one-second window), plus a shared pause: when one job
// gets a 429 with Retry-After, every job for that provider waits it out instead of each finding out alone.
import { sleep } from '../util/abort';

export class RateLimiter {
  private starts: number[] = [];
  private pausedUntil = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  setRate(perSecond: number): void {
    this.perSecond = Math.max(1, perSecond);
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
