// A counting semaphore whose limit can shrink and grow while jobs run: halved when the provider answers
// 429 (it is telling us we are too many), then grown back one slot per run of successes. Waiters are
// served first come, first served; an aborted waiter leaves the queue without taking a slot.
import { canceled } from '../util/errors';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class AdaptiveLimiter {
  private active = 0;
  private waiters: Waiter[] = [];
  private currentLimit: number;
  private successesSinceThrottle = 0;
  /** Highest number of simultaneous holders ever seen; tests and benchmarks read it. */
  peak = 0;

  constructor(
    readonly name: string,
    private maxLimit: number,
  ) {
    this.currentLimit = maxLimit;
  }

  get limit(): number {
    return this.currentLimit;
  }
  get max(): number {
    return this.maxLimit;
  }
  get running(): number {
    return this.active;
  }
  get waiting(): number {
    return this.waiters.length;
  }

  setMax(max: number): void {
    // Not held back by a 429: follow a new ceiling at once, up as well as down (a raised setting or
    // project limit applies to the next job, not after a run of successes).
    const atCeiling = this.currentLimit >= this.maxLimit;
    this.maxLimit = Math.max(1, Math.floor(max));
    this.currentLimit = atCeiling ? this.maxLimit : Math.min(this.currentLimit, this.maxLimit);
    if (this.currentLimit < 1) this.currentLimit = 1;
    this.drain();
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(canceled());
    if (this.active < this.currentLimit && this.waiters.length === 0) {
      this.take();
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(canceled());
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  release(): void {
    this.active = Math.max(0, this.active - 1);
    this.drain();
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** The provider throttled us: halve the limit (never below 1). */
  onThrottle(): void {
    this.successesSinceThrottle = 0;
    this.currentLimit = Math.max(1, Math.floor(this.currentLimit / 2));
  }

  /** Additive increase: one more slot after `limit` successes in a row. */
  onSuccess(): void {
    if (this.currentLimit >= this.maxLimit) return;
    if (++this.successesSinceThrottle >= this.currentLimit) {
      this.successesSinceThrottle = 0;
      this.currentLimit++;
      this.drain();
    }
  }

  private take(): void {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
  }

  private drain(): void {
    while (this.active < this.currentLimit && this.waiters.length > 0) {
      const w = this.waiters.shift()!;
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      this.take();
      w.resolve();
    }
  }
}
