// The provider account's limits, enforced across every worker of the farm together rather than per worker:
//   SharedSlots — light/heavy/video concurrency per provider: a lease in a Redis sorted set per slot, taken
//                 atomically (Lua) below the limit and renewed while held, so a worker killed mid-job gives
//                 its slots back when the leases run out. Releases are published, so waiters elsewhere
//                 try again at once instead of polling.
//   SharedRate  — requests per second per provider, status polls included: GCRA in Redis on Redis's own
//                 clock, with the shared pause after a 429 that the per-process limiter has.
// Both subclass the per-process limiters, so the job runner and the providers use them unchanged.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DailiesConfig } from '../config';
import type { ModelClass, ProviderId } from '../project/schema';
import { AdaptiveLimiter } from '../render/limiter';
import { RateLimiter } from '../render/rateLimiter';
import { Scheduler } from '../render/scheduler';
import { sleep } from '../util/abort';
import { canceled } from '../util/errors';
import { keys } from './redis';

/** KEYS: slots zset. ARGV: lease id, limit, lease ms. Returns 1 when the lease was taken. */
const TAKE = `
local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
return 1`;
/** KEYS: slots zset. ARGV: lease ms, lease ids… Renews the leases still held. */
const RENEW = `
local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
return 1`;
/** KEYS: rate hash. ARGV: per second. Returns ms to wait (0: go). GCRA with a one-second burst. */
const RATE = `
local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)
local paused = tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0')
if paused > now then return paused - now end
local rate = tonumber(ARGV[1]); local interval = 1000 / rate
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
if tat < now then tat = now end
local allowAt = tat + interval - 1000
if allowAt > now then return math.ceil(allowAt - now) end
redis.call('HSET', KEYS[1], 'tat', tat + interval)
redis.call('PEXPIRE', KEYS[1], 60000)
return 0`;
const PAUSE = `
local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)
local until_ = now + tonumber(ARGV[1])
if tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0') < until_ then
  redis.call('HSET', KEYS[1], 'pausedUntil', until_) end
redis.call('PEXPIRE', KEYS[1], 60000)
return 1`;

export interface SharedLimitOptions {
  /** A lease not renewed for this long is free again (a dead worker's slot). Default 30 s. */
  leaseMs?: number;
}

export class SharedSlots extends AdaptiveLimiter {
  private readonly zset: string;
  private readonly channel: string;
  private readonly leases: string[] = [];
  private readonly queue: { resolve: () => void; reject: (e: unknown) => void; signal?: AbortSignal }[] = [];
  private pumping = false;
  private wake: (() => void) | undefined;
  /** A slot was freed since the last attempt began (an attempt under way may have missed it). */
  private freed = false;
  private renewTimer: NodeJS.Timeout | undefined;
  private shared: number;
  private readonly leaseMs: number;

  constructor(
    private readonly redis: Redis,
    events: SlotEvents,
    provider: ProviderId,
    cls: ModelClass,
    limit: number,
    options: SharedLimitOptions = {},
  ) {
    super(`${provider}:${cls}`, limit);
    this.shared = limit;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.zset = keys.slots(provider, cls);
    this.channel = keys.slotsChannel(provider, cls);
    events.on(this.channel, () => this.poke());
  }

  override get limit(): number {
    return this.shared;
  }
  override get running(): number {
    return this.leases.length;
  }
  override get waiting(): number {
    return this.queue.length;
  }

  override setMax(max: number): void {
    super.setMax(max);
    this.shared = Math.max(1, Math.floor(max));
    this.poke();
  }

  override acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(canceled());
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(canceled());
      };
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
        signal,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      void this.pump();
    });
  }

  override release(): void {
    const lease = this.leases.pop();
    if (!lease) return;
    if (this.leases.length === 0) this.stopRenewing();
    void this.redis
      .multi()
      .zrem(this.zset, lease)
      .publish(this.channel, '1')
      .exec()
      .then(() => this.poke())
      .catch(() => undefined); // unreleased: the lease runs out on its own
  }

  private poke(): void {
    this.freed = true;
    this.wake?.();
  }

  /** The account said "too many": the adaptive limit is per process; the shared one stays configured. */
  override onThrottle(): void {}
  override onSuccess(): void {}

  /** Serves this process's waiters in order, one Redis attempt at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const lease = randomBytes(8).toString('hex');
        this.freed = false;
        let took = false;
        try {
          took = (await this.redis.eval(TAKE, 1, this.zset, lease, this.shared, this.leaseMs)) === 1;
        } catch {
          took = false; // Redis away: wait and try again (running jobs keep their leases)
        }
        if (took) {
          this.leases.push(lease);
          const head = this.queue.shift();
          // Every waiter gave up while we asked: hand the lease straight back.
          if (!head) {
            this.release();
            break;
          }
          this.peak = Math.max(this.peak, this.leases.length);
          this.startRenewing();
          head.resolve();
          continue;
        }
        if (this.freed) continue; // freed while we asked: ask again now
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 250 + Math.random() * 250);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    } finally {
      this.pumping = false;
    }
  }

  private startRenewing(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(
      () => {
        if (this.leases.length === 0) return;
        void this.redis.eval(RENEW, 1, this.zset, this.leaseMs, ...this.leases).catch(() => undefined);
      },
      Math.max(50, Math.floor(this.leaseMs / 3)),
    );
    this.renewTimer.unref();
  }

  private stopRenewing(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }
}

export class SharedRate extends RateLimiter {
  private current: number;

  constructor(
    private readonly redis: Redis,
    private readonly provider: ProviderId,
    perSecond: number,
  ) {
    super(perSecond);
    this.current = perSecond;
  }

  override get rate(): number {
    return this.current;
  }

  override setRate(perSecond: number): void {
    super.setRate(perSecond);
    this.current = Math.max(1, perSecond);
  }

  override onThrottle(): void {}
  override onSuccess(): void {}

  override pauseFor(ms: number): void {
    void this.redis.eval(PAUSE, 1, keys.rate(this.provider), Math.ceil(ms)).catch(() => undefined);
  }

  override async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw canceled();
      let waitMs: number;
      try {
        waitMs = Number(await this.redis.eval(RATE, 1, keys.rate(this.provider), this.current));
      } catch {
        waitMs = 200; // Redis away: no request goes out uncounted
      }
      if (waitMs <= 0) return;
      await sleep(Math.min(waitMs, 1000), signal);
    }
  }
}

/** One subscriber connection per process for "a slot was freed" messages. */
export class SlotEvents {
  private readonly handlers = new Map<string, Set<() => void>>();

  constructor(private readonly subscriber: Redis) {
    subscriber.on('message', (channel: string) => {
      for (const h of this.handlers.get(channel) ?? []) h();
    });
  }

  on(channel: string, handler: () => void): void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      void this.subscriber.subscribe(channel).catch(() => undefined);
    }
    set.add(handler);
  }

  close(): void {
    this.subscriber.disconnect();
  }
}

/** The process-wide Scheduler, with the account's limits shared by the whole farm. */
export class TeamScheduler extends Scheduler {
  private readonly slots = new Map<string, SharedSlots>();
  private readonly rates = new Map<ProviderId, SharedRate>();
  private team: DailiesConfig;

  constructor(
    config: DailiesConfig,
    private readonly redis: Redis,
    private readonly events: SlotEvents,
    private readonly options: SharedLimitOptions = {},
  ) {
    super(config);
    this.team = config;
  }

  override configure(config: DailiesConfig): void {
    super.configure(config);
    this.team = config;
    for (const [key, s] of this.slots) s.setMax(config.limits[key.split(':')[1] as ModelClass]);
    for (const [provider, r] of this.rates) r.setRate(config.ratePerSecond[provider]);
  }

  override classLimiter(provider: ProviderId, cls: ModelClass): AdaptiveLimiter {
    const key = `${provider}:${cls}`;
    let limiter = this.slots.get(key);
    if (!limiter) {
      limiter = new SharedSlots(this.redis, this.events, provider, cls, this.team.limits[cls], this.options);
      this.slots.set(key, limiter);
    }
    return limiter;
  }

  override rate(provider: ProviderId): RateLimiter {
    let limiter = this.rates.get(provider);
    if (!limiter) {
      limiter = new SharedRate(this.redis, provider, this.team.ratePerSecond[provider]);
      this.rates.set(provider, limiter);
    }
    return limiter;
  }

  override limiters(): AdaptiveLimiter[] {
    return [...this.slots.values()];
  }
}
