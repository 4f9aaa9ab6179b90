// The metrics snapshot shared by the engine, the CLI's `metrics --json` and the metrics webview.

export type MetricFeature = 'render' | 'upload' | 'download' | 'thumbnail' | 'validate';

export interface LatencyStats {
  count: number;
  min: number;
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface MetricSeries {
  key: string;
  provider: string;
  model: string;
  feature: MetricFeature;
  count: number;
  success: number;
  error: number;
  cached: number;
  /** cached / (count), as a fraction. */
  cacheHitRate: number;
  uploadsNew: number;
  uploadsCached: number;
  uploadsRevalidated: number;
  costUsd: number;
  latency: LatencyStats;
  queueWait: LatencyStats;
  runTime: LatencyStats;
  /** Recent (time, latency) points for the chart, oldest first. */
  recent: { t: number; ms: number; ok: boolean }[];
}

export interface MetricsSnapshot {
  version: 1;
  since: number;
  updatedAt: number;
  totals: {
    requests: number;
    success: number;
    error: number;
    cached: number;
    cacheHitRate: number;
    uploadsNew: number;
    uploadsCached: number;
    uploadsRevalidated: number;
    costUsd: number;
  };
  series: MetricSeries[];
}
