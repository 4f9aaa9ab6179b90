import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdaptiveLimiter } from '../../src/core/render/limiter';
import { RateLimiter } from '../../src/core/render/rateLimiter';
import { backoffDelay, withRetry } from '../../src/core/render/retry';
import { sleep } from '../../src/core/util/abort';
import { DailiesError } from '../../src/core/util/errors';

describe('AdaptiveLimiter', () => {
  it('never lets more than the limit run, serving waiters in order', async () => {
    const limiter = new AdaptiveLimiter('t', 3);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          order.push(i);
          running++;
          peak = Math.max(peak, running);
          await sleep(2);
          running--;
        }),
      ),
    );
    assert.equal(peak, 3);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });

  it('halves on throttle, then grows back one slot per run of successes', () => {
    const limiter = new AdaptiveLimiter('t', 8);
    limiter.onThrottle();
    assert.equal(limiter.limit, 4);
    limiter.onThrottle();
    limiter.onThrottle();
    limiter.onThrottle();
    assert.equal(limiter.limit, 1, 'never below one');
    limiter.onSuccess();
    assert.equal(limiter.limit, 2);
    for (let i = 0; i < 2; i++) limiter.onSuccess();
    assert.equal(limiter.limit, 3);
    for (let i = 0; i < 100; i++) limiter.onSuccess();
    assert.equal(limiter.limit, 8, 'never above the maximum');
  });

  it('drops an aborted waiter without taking a slot', async () => {
    const limiter = new AdaptiveLimiter('t', 1);
    await limiter.acquire();
    const c = new AbortController();
    const waiting = limiter.acquire(c.signal);
    c.abort();
    await assert.rejects(waiting, (e: unknown) => e instanceof DailiesError && e.code === 'canceled');
    assert.equal(limiter.waiting, 0);
    limiter.release();
    assert.equal(limiter.running, 0);
  });
});

describe('RateLimiter', () => {
  it('starts at most N per sliding second', async () => {
    const rate = new RateLimiter(10);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        await rate.acquire();
        starts.push(performance.now());
      }),
    );
    for (const s of starts) {
      const inWindow = starts.filter((x) => x > s - 999 && x <= s).length;
      assert.ok(inWindow <= 10, `${inWindow} starts in the second ending at ${s.toFixed(0)}`);
    }
  });

  it('pauses everyone after a 429', async () => {
    const rate = new RateLimiter(100);
    rate.pauseFor(120);
    const t0 = Date.now();
    await rate.acquire();
    assert.ok(Date.now() - t0 >= 115);
  });
});

describe('withRetry', () => {
  it('uses Retry-After when given, jittered exponential backoff otherwise', () => {
    const policy = { attempts: 5, baseMs: 100, maxMs: 1000, random: () => 1 };
    assert.equal(backoffDelay(0, policy), 100);
    assert.equal(backoffDelay(2, policy), 400);
    assert.equal(backoffDelay(9, policy), 1000, 'capped');
    assert.equal(backoffDelay(0, { ...policy, random: () => 0 }), 50, 'full jitter floor is half');
    assert.equal(backoffDelay(3, policy, new DailiesError('rate-limit', 'x', { retryAfterMs: 250 })), 250);
    assert.equal(
      backoffDelay(0, policy, new DailiesError('rate-limit', 'x', { retryAfterMs: 99_999 })),
      1000,
      'capped too',
    );
  });

  it('stops at the attempt limit, on non-retryable errors, and on abort', async () => {
    let n = 0;
    await assert.rejects(
      withRetry(
        async () => {
          n++;
          throw new DailiesError('server', '503', { retryable: true });
        },
        { attempts: 3, baseMs: 1, maxMs: 2 },
      ),
      /503/,
    );
    assert.equal(n, 3);
    n = 0;
    await assert.rejects(
      withRetry(
        async () => {
          n++;
          throw new DailiesError('auth', 'bad key');
        },
        { attempts: 3, baseMs: 1, maxMs: 2 },
      ),
    );
    assert.equal(n, 1);
    const c = new AbortController();
    const p = withRetry(
      async () => {
        throw new DailiesError('server', '503', { retryable: true });
      },
      { attempts: 10, baseMs: 10_000, maxMs: 10_000 },
      { signal: c.signal },
    );
    setTimeout(() => c.abort(), 10);
    await assert.rejects(p, (e: unknown) => e instanceof DailiesError && e.code === 'canceled');
  });
});
