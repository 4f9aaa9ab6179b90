import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FLUSH_DELAY_MS, nextFlushDelay } from '../../src/core/render/recorder';

describe('write-back pacing', () => {
  it('waits the configured delay while flushes are cheap', () => {
    assert.equal(nextFlushDelay(400, { ms: 0, bytes: 0 }), 400);
    assert.equal(nextFlushDelay(400, { ms: 10, bytes: 100_000 }), 400);
    assert.equal(nextFlushDelay(50, { ms: 1, bytes: 1000 }), 50);
  });

  it('spaces flushes out when one is expensive, so writing stays a small share of the work', () => {
    assert.equal(nextFlushDelay(400, { ms: 50, bytes: 0 }), 1600);
    assert.ok(
      nextFlushDelay(400, { ms: 100, bytes: 0 }) >= 100 * 30,
      'a flush takes at most ~1/32 of the time',
    );
  });

  it('rewrites a large file less often, so the bytes rewritten per second stay bounded', () => {
    assert.equal(nextFlushDelay(400, { ms: 5, bytes: 2 ** 20 }), 400, '1 MiB: the configured pace');
    assert.equal(nextFlushDelay(400, { ms: 5, bytes: 8 * 2 ** 20 }), 2000, '8 MiB: every 2 s');
    assert.equal(nextFlushDelay(400, { ms: 5, bytes: 20 * 2 ** 20 }), MAX_FLUSH_DELAY_MS, '20 MiB: capped');
  });

  it('never holds a result back longer than the cap (unless configured longer)', () => {
    assert.equal(nextFlushDelay(400, { ms: 60_000, bytes: 0 }), MAX_FLUSH_DELAY_MS);
    assert.equal(nextFlushDelay(10_000, { ms: 60_000, bytes: 0 }), 10_000);
  });
});
