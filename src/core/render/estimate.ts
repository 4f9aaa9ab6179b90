// What a render would do, before paying for it: fan-out multiplied, cache hits subtracted, uploads
// counted by content, time from this project's own latency history where it has one.
import type { ResultStore } from '../cache/resultCache';
import type { DailiesConfig } from '../config';
import type { MetricsStore } from '../metrics/metricsStore';
import type { ModelClass } from '../project/schema';
import { jobCostUsd } from '../providers/videoModels';
import type { PlannedShot } from './plan';

export interface Estimate {
  shots: { total: number; fresh: number; toRender: number; cached: number; invalid: number };
  variations: { toRender: number; cached: number };
  uploads: { needed: number; cached: number };
  estSeconds: number;
  estCostUsd: number;
  /** Models without a known price (their cost is not in estCostUsd). */
  unpriced: string[];
  byModel: {
    model: string;
    provider: string;
    class: ModelClass;
    /** Shots with at least one variation of this model to render. */
    shots: number;
    variations: number;
    costUsd: number;
    secondsEach: number;
    /** Video models: seconds of video the variations make (their price is per second of it). */
    videoSeconds?: number;
  }[];
  invalid: { shotId: string; message: string }[];
}

export interface UploadPeek {
  /** Distinct ref contents a provider would need, and how many already have a usable cached URL. */
  count(shots: PlannedShot[]): Promise<{ needed: number; cached: number }>;
}

export async function estimateBatch(
  shots: PlannedShot[],
  deps: {
    results: ResultStore;
    metrics: MetricsStore;
    config: DailiesConfig;
    uploads?: UploadPeek;
    force?: boolean;
  },
): Promise<Estimate> {
  const est: Estimate = {
    shots: { total: shots.length, fresh: 0, toRender: 0, cached: 0, invalid: 0 },
    variations: { toRender: 0, cached: 0 },
    uploads: { needed: 0, cached: 0 },
    estSeconds: 0,
    estCostUsd: 0,
    unpriced: [],
    byModel: [],
    invalid: [],
  };
  const history = new Map(
    deps.metrics
      .snapshot()
      .series.filter((s) => s.feature === 'render')
      .map((s) => [s.model, s.latency]),
  );
  const byModel = new Map<string, Estimate['byModel'][number]>();
  const pending: PlannedShot[] = [];
  for (const s of shots) {
    if (s.freshness === 'invalid') {
      est.shots.invalid++;
      est.invalid.push({ shotId: s.shot.id, message: s.reason });
      continue;
    }
    if (s.freshness === 'fresh') {
      est.shots.fresh++;
      continue;
    }
    let toRender = 0;
    let cost = 0;
    let videoSeconds = 0;
    for (const job of s.jobs) {
      if (!deps.force && (await deps.results.peek(job.key))) est.variations.cached++;
      else {
        toRender++;
        // Per image, or per second of output for a video model (its clip length is the job's own).
        cost += jobCostUsd(job.request) ?? 0;
        videoSeconds += job.request.video?.seconds ?? 0;
      }
    }
    if (toRender === 0) {
      est.shots.cached++;
      continue;
    }
    est.shots.toRender++;
    est.variations.toRender += toRender;
    pending.push(s);
    const model = s.spec!.model;
    const p50 = history.get(model.id)?.p50;
    const row = byModel.get(model.id) ?? {
      model: model.id,
      provider: model.provider,
      class: model.class,
      shots: 0,
      variations: 0,
      costUsd: 0,
      secondsEach: p50
        ? p50 / 1000
        : model.provider === 'draft'
          ? Math.max(0.2, deps.config.draft.latencyMs / 1000)
          : model.typicalSeconds,
    };
    row.shots++;
    row.variations += toRender;
    if (videoSeconds) row.videoSeconds = (row.videoSeconds ?? 0) + videoSeconds;
    if (jobCostUsd(s.jobs[0]!.request) === undefined) {
      if (!est.unpriced.includes(model.id)) est.unpriced.push(model.id);
    } else row.costUsd += cost;
    byModel.set(model.id, row);
  }
  est.byModel = [...byModel.values()];
  est.estCostUsd = Math.round(est.byModel.reduce((n, r) => n + r.costUsd, 0) * 1e4) / 1e4;
  // Classes run side by side; within a class, ceil(n / limit) waves of the typical duration.
  const perLane = new Map<string, number>();
  for (const r of est.byModel) {
    const lane = `${r.provider}:${r.class}`;
    const waves = Math.ceil(r.variations / deps.config.limits[r.class]);
    perLane.set(lane, (perLane.get(lane) ?? 0) + waves * r.secondsEach);
  }
  est.estSeconds = Math.round(Math.max(0, ...perLane.values()) * 10) / 10;
  if (deps.uploads) est.uploads = await deps.uploads.count(pending);
  return est;
}
