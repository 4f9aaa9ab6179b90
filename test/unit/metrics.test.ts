import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { MetricsStore } from '../../src/core/metrics/metricsStore';
import { latencyStats, Ring } from '../../src/core/metrics/percentiles';
import { tempDir } from '../helpers/tempProject';

describe('metrics', () => {
  it('computes exact nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    const s = latencyStats(values);
    assert.deepEqual([s.min, s.p50, s.p95, s.p99, s.max, s.avg], [1, 50, 95, 99, 100, 50.5]);
    assert.deepEqual(latencyStats([]), { count: 0, min: 0, avg: 0, p50: 0, p95: 0, p99: 0, max: 0 });
    assert.equal(latencyStats([7]).p99, 7);
  });

  it('keeps a bounded window of the newest samples', () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    assert.deepEqual(r.values(), [3, 4, 5]);
  });

  it('counts per provider, model and feature; hit rate and cost; survives a reload', async () => {
    const file = path.join(tempDir(), 'metrics.json');
    const m = new MetricsStore(file);
    const key = { provider: 'fal', model: 'fal-ai/flux/dev', feature: 'render' as const };
    m.record(key, 'success', { latencyMs: 1000, queueMs: 200, runMs: 800, costUsd: 0.025 });
    m.record(key, 'success', { latencyMs: 3000, queueMs: 100, runMs: 2900, costUsd: 0.025 });
    m.record(key, 'error', { latencyMs: 500 });
    m.record(key, 'cached');
    m.recordUpload('fal', 'new', 300);
    m.recordUpload('fal', 'cached');
    m.recordUpload('fal', 'revalidated', 40);
    const snap = m.snapshot();
    const s = snap.series.find((x) => x.feature === 'render')!;
    assert.deepEqual([s.count, s.success, s.error, s.cached], [4, 2, 1, 1]);
    assert.equal(s.cacheHitRate, 0.25);
    assert.equal(s.costUsd, 0.05);
    assert.deepEqual([s.latency.min, s.latency.p50, s.latency.max], [500, 1000, 3000]);
    assert.deepEqual([s.queueWait.p50, s.runTime.p50], [100, 800]);
    assert.deepEqual(
      [snap.totals.uploadsNew, snap.totals.uploadsCached, snap.totals.uploadsRevalidated],
      [1, 1, 1],
    );
    await m.save();
    const again = new MetricsStore(file);
    await again.load();
    assert.deepEqual(again.snapshot().series, snap.series);
    await fs.writeFile(file, '{ torn');
    const corrupt = new MetricsStore(file);
    await corrupt.load();
    assert.equal(corrupt.snapshot().series.length, 0, 'a corrupt file starts fresh instead of failing');
  });
});
