// Per provider × model × feature counters, and the last samples of latency, queue wait and run time
// (exact percentiles over a bounded window). Persisted beside the project so a reload keeps history.
import type { MetricFeature, MetricSeries, MetricsSnapshot } from '../../shared/metrics';
import { isRecord, readJsonFile, writeJsonFile } from '../cache/jsonFile';
import { Emitter } from '../util/emitter';
import { latencyStats, Ring } from './percentiles';

const MAX_SAMPLES = 2048;
const MAX_RECENT = 500;

interface SeriesState {
  provider: string;
  model: string;
  feature: MetricFeature;
  count: number;
  success: number;
  error: number;
  cached: number;
  uploadsNew: number;
  uploadsCached: number;
  uploadsRevalidated: number;
  costUsd: number;
  latency: Ring<number>;
  queueWait: Ring<number>;
  runTime: Ring<number>;
  recent: Ring<{ t: number; ms: number; ok: boolean }>;
}

export interface MetricKey {
  provider: string;
  model: string;
  feature: MetricFeature;
}

export interface MetricSample {
  latencyMs?: number;
  queueMs?: number;
  runMs?: number;
  costUsd?: number;
}

export class MetricsStore {
  private series = new Map<string, SeriesState>();
  private since = Date.now();
  private updatedAt = Date.now();
  private dirty = false;
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly file?: string) {}

  record(key: MetricKey, outcome: 'success' | 'error' | 'cached', sample: MetricSample = {}): void {
    const s = this.get(key);
    s.count++;
    s[outcome]++;
    if (sample.costUsd) s.costUsd += sample.costUsd;
    if (outcome !== 'cached' && sample.latencyMs !== undefined) {
      s.latency.push(sample.latencyMs);
      s.recent.push({ t: Date.now(), ms: sample.latencyMs, ok: outcome === 'success' });
    }
    if (sample.queueMs !== undefined) s.queueWait.push(sample.queueMs);
    if (sample.runMs !== undefined) s.runTime.push(sample.runMs);
    this.touch();
  }

  recordUpload(provider: string, kind: 'new' | 'cached' | 'revalidated', latencyMs?: number): void {
    const s = this.get({ provider, model: '*', feature: 'upload' });
    s.count++;
    if (kind === 'new') {
      s.uploadsNew++;
      s.success++;
    } else if (kind === 'cached') {
      s.uploadsCached++;
      s.cached++;
    } else {
      s.uploadsRevalidated++;
      s.cached++;
    }
    if (latencyMs !== undefined) s.latency.push(latencyMs);
    this.touch();
  }

  snapshot(): MetricsSnapshot {
    const series: MetricSeries[] = [...this.series.entries()].map(([key, s]) => ({
      key,
      provider: s.provider,
      model: s.model,
      feature: s.feature,
      count: s.count,
      success: s.success,
      error: s.error,
      cached: s.cached,
      cacheHitRate: s.count ? s.cached / s.count : 0,
      uploadsNew: s.uploadsNew,
      uploadsCached: s.uploadsCached,
      uploadsRevalidated: s.uploadsRevalidated,
      costUsd: round(s.costUsd),
      latency: latencyStats(s.latency.values()),
      queueWait: latencyStats(s.queueWait.values()),
      runTime: latencyStats(s.runTime.values()),
      recent: s.recent.values(),
    }));
    const renders = series.filter((s) => s.feature === 'render');
    const sum = (list: MetricSeries[], f: (s: MetricSeries) => number) => list.reduce((a, s) => a + f(s), 0);
    const requests = sum(renders, (s) => s.count);
    const cached = sum(renders, (s) => s.cached);
    return {
      version: 1,
      since: this.since,
      updatedAt: this.updatedAt,
      totals: {
        requests,
        success: sum(renders, (s) => s.success),
        error: sum(renders, (s) => s.error),
        cached,
        cacheHitRate: requests ? cached / requests : 0,
        uploadsNew: sum(series, (s) => s.uploadsNew),
        uploadsCached: sum(series, (s) => s.uploadsCached),
        uploadsRevalidated: sum(series, (s) => s.uploadsRevalidated),
        costUsd: round(sum(series, (s) => s.costUsd)),
      },
      series,
    };
  }

  reset(): void {
    this.series.clear();
    this.since = Date.now();
    this.touch();
  }

  async load(): Promise<void> {
    if (!this.file) return;
    const data = await readJsonFile(this.file, undefined, isPersisted);
    if (!data) return;
    this.since = data.since;
    for (const p of data.series) {
      this.series.set(keyOf(p), {
        ...p,
        latency: Ring.from(MAX_SAMPLES, p.latency),
        queueWait: Ring.from(MAX_SAMPLES, p.queueWait),
        runTime: Ring.from(MAX_SAMPLES, p.runTime),
        recent: Ring.from(MAX_RECENT, p.recent),
      });
    }
  }

  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    this.dirty = false;
    const series = [...this.series.values()].map((s) => ({
      ...s,
      latency: s.latency.values(),
      queueWait: s.queueWait.values(),
      runTime: s.runTime.values(),
      recent: s.recent.values(),
    }));
    await writeJsonFile(this.file, { version: 1, since: this.since, series });
  }

  dispose(): void {
    this.changed.dispose();
  }

  private get(key: MetricKey): SeriesState {
    const k = keyOf(key);
    let s = this.series.get(k);
    if (!s) {
      s = {
        ...key,
        count: 0,
        success: 0,
        error: 0,
        cached: 0,
        uploadsNew: 0,
        uploadsCached: 0,
        uploadsRevalidated: 0,
        costUsd: 0,
        latency: new Ring(MAX_SAMPLES),
        queueWait: new Ring(MAX_SAMPLES),
        runTime: new Ring(MAX_SAMPLES),
        recent: new Ring(MAX_RECENT),
      };
      this.series.set(k, s);
    }
    return s;
  }

  private touch(): void {
    this.dirty = true;
    this.updatedAt = Date.now();
    this.changed.fire();
  }
}

function keyOf(k: MetricKey): string {
  return `${k.provider}|${k.model}|${k.feature}`;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

interface PersistedSeries extends Omit<SeriesState, 'latency' | 'queueWait' | 'runTime' | 'recent'> {
  latency: number[];
  queueWait: number[];
  runTime: number[];
  recent: { t: number; ms: number; ok: boolean }[];
}

function isPersisted(v: unknown): v is { version: 1; since: number; series: PersistedSeries[] } {
  if (!isRecord(v) || v.version !== 1 || typeof v.since !== 'number' || !Array.isArray(v.series))
    return false;
  return v.series.every(
    (s) =>
      isRecord(s) &&
      typeof s.provider === 'string' &&
      typeof s.model === 'string' &&
      typeof s.feature === 'string' &&
      Array.isArray(s.latency) &&
      Array.isArray(s.queueWait) &&
      Array.isArray(s.runTime) &&
      Array.isArray(s.recent),
  );
}
