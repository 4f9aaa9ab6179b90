import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FLUSH_DELAY_MS, nextFlushDelay } from '../../src/core/render/recorder';

describe('write-back pacing', () => {
  it('waits the configured delay while flushes are cheap', () => {
    assert.equal(nextFlushDelay(400, 0), 400);
    assert.equal(nextFlushDelay(400, 20), 400);
    assert.equal(nextFlushDelay(50, 1), 50);
  });

  it('spaces flushes out when one is expensive, so writing stays a small share of the work', () => {
    assert.equal(nextFlushDelay(400, 200), 1600);
    assert.ok(nextFlushDelay(400, 1000) > 1000 * 4);
  });

  it('never holds a result back longer than the cap (unless configured longer)', () => {
    assert.equal(nextFlushDelay(400, 60_000), MAX_FLUSH_DELAY_MS);
    assert.equal(nextFlushDelay(10_000, 60_000), 10_000);
  });
});
