// Deterministic snapshots for the browser tests and the bench: a storyboard of N shots across 12
// scenes (mostly rendered, some failed / cached / stale / never rendered), encoded by the host's own
// StoryboardSync exactly as the extension sends it, and a metrics snapshot with several series of recent
// latency samples.
import type { ShotView } from '../../src/core/state/productionState';
import { StoryboardSync } from '../../src/extension/webviews/storyboardSync';
import type { MetricFeature, MetricSeries, MetricsSnapshot } from '../../src/shared/metrics';
import type {
  BatchInfo,
  MetricsViewSnapshot,
  SceneInfo,
  ShotRow,
  ShotStatus,
  StoryboardDelta,
  StoryboardHeader,
  StoryboardSnapshot,
} from '../../src/shared/protocol';

export interface ImageOrigin {
  origin: string;
}

export const SCENE_TITLES = [
  'Platform at midnight',
  'The ticket inspector',
  'Café car',
  'Sleeper corridor',
  'Tunnel',
  'Luggage van',
  'Border crossing',
  'Dining car argument',
  'Roof chase',
  'Signal box',
  'Dawn over the coast',
  'Terminus',
] as const;

const SUBJECTS = [
  'Mara',
  'Ilya',
  'Odile',
  'the conductor',
  'a porter',
  'the stranger',
  'a child',
  'the driver',
];
const ACTIONS = [
  'raises a hooded lantern',
  'checks a pocket watch',
  'sings into a ribbon microphone',
  'stares through the rain-streaked window',
  'opens a battered briefcase',
  'runs along the carriage roof',
  'lights a cigarette',
  'reads a ticket that does not exist',
];
const SETTINGS = [
  'in a fog-bound station',
  'in a brass-lit café car',
  'in a narrow sleeper corridor',
  'as the train enters a tunnel',
  'under sodium lamps',
  'at the blue hour',
];
const MODELS = [
  { provider: 'fal', model: 'fal-ai/flux/dev' },
  { provider: 'fal', model: 'fal-ai/flux-pro/v1.1' },
  { provider: 'replicate', model: 'black-forest-labs/flux-schnell' },
  { provider: 'draft', model: 'draft/storyboard' },
];

export function shotId(i: number): string {
  return `S${String(i + 1).padStart(5, '0')}`;
}

/** Which status shot i has; the tests count these to know what the filters must show. */
export function statusOf(i: number): ShotStatus {
  if (i % 50 === 7) return 'failed';
  if (i % 97 === 3) return 'not-rendered';
  if (i % 23 === 5) return 'stale';
  if (i % 11 === 0 && i > 0) return 'cached';
  return 'done';
}

export function sceneOf(i: number, shots: number): number {
  return Math.floor((i * SCENE_TITLES.length) / shots);
}

/** The folder URI the storyboard pages resolve image paths against (the harness serves it). */
export function rootOf(o: ImageOrigin): string {
  return `${o.origin}/p/`;
}

export function thumbPath(i: number): string {
  // Every 37th rendered shot lost its thumbnail: the card must fall back to the original image.
  return i % 37 === 0 && i > 0
    ? `renders/${shotId(i)}/missing.thumb.webp`
    : `renders/${shotId(i)}/${shotId(i)}_v1.thumb.webp`;
}

export function imagePath(i: number): string {
  return `renders/${shotId(i)}/${shotId(i)}_v1.png`;
}

/** Content hash of shot i's image (its first 8 digits version the URLs). */
export function shaOf(i: number): string {
  return ((i * 2654435761) >>> 0).toString(16).padStart(8, '0').repeat(8);
}

export function shotViews(shots: number): ShotView[] {
  const scenes = sceneInfos();
  return Array.from({ length: shots }, (_, i) => {
    const status = statusOf(i);
    const m = MODELS[i % MODELS.length]!;
    const view: ShotView = {
      id: shotId(i),
      index: i,
      sceneId: scenes[sceneOf(i, shots)]!.id,
      prompt: `${SUBJECTS[i % SUBJECTS.length]} ${ACTIONS[(i >> 1) % ACTIONS.length]} ${SETTINGS[(i >> 2) % SETTINGS.length]}, 35mm, anamorphic, film grain, shot ${i + 1}`,
      model: m.model,
      provider: m.provider,
      variations: 1 + (i % 4),
      status,
      outputs: [],
      line: -1,
    };
    if (status === 'failed')
      view.reason = 'Provider error 422: the prompt was rejected by the safety checker';
    if (status === 'stale') view.reason = 'inputs changed since the last render (prompt)';
    if (status === 'cached') view.cached = true;
    if (status !== 'not-rendered' && status !== 'failed') {
      view.outputs = [{ variation: 1, image: imagePath(i), thumb: thumbPath(i), sha256: shaOf(i) }];
      view.durationS = 3 + (i % 9);
    }
    return view;
  });
}

function sceneInfos(): SceneInfo[] {
  return SCENE_TITLES.map((title, s) => ({ id: `sc${s + 1}`, title }));
}

/**
 * A production's shots behind the host's StoryboardSync: what `ready` answers and the deltas a change
 * produces, so tests exercise the real encoding. One board per page (each `ready` starts a session).
 */
export class FixtureBoard {
  readonly views: ShotView[];
  readonly byId: Map<string, ShotView>;
  header: StoryboardHeader = {
    projectFile: '/work/productions/night-train/project.json',
    title: 'Night Train',
    aspectRatio: '2.39:1',
    scenes: sceneInfos(),
  };
  batch: BatchInfo | undefined = { running: false, shotsDone: 0, shotsTotal: 0, jobsDone: 0, jobsTotal: 0 };
  private readonly sync: StoryboardSync;

  constructor(
    shotsOrViews: number | ShotView[],
    private readonly origin: ImageOrigin,
  ) {
    this.views = typeof shotsOrViews === 'number' ? shotViews(shotsOrViews) : shotsOrViews;
    this.byId = new Map(this.views.map((v) => [v.id, v]));
    this.sync = new StoryboardSync({
      shots: () => this.views,
      shot: (id) => this.byId.get(id),
      header: () => this.header,
      batch: () => this.batch,
    });
  }

  /** `first`: only that many shots now, as the page asks with `ready` (see rest()); undefined: all. */
  snapshot(first?: number): StoryboardSnapshot {
    return this.sync.snapshot(rootOf(this.origin), first);
  }

  /** Answers the page's `ready` params (its `first`), as the extension's panel does. */
  snapshotFor(params: unknown): StoryboardSnapshot {
    const first = (params as { first?: unknown } | undefined)?.first;
    return this.snapshot(typeof first === 'number' ? first : undefined);
  }

  /** The delta with the shots the snapshot left out (what `more` sends), or undefined when none were. */
  rest(): StoryboardDelta | undefined {
    return this.sync.rest();
  }

  /** Changes shot `id` (as the host model would) and returns nothing: call delta() to send it. */
  update(id: string, patch: Partial<ShotView>): void {
    const view = this.byId.get(id);
    if (!view) throw new Error(`no shot ${id}`);
    Object.assign(view, patch);
  }

  /** Replaces the shot list (shots added, removed or moved). */
  replace(views: ShotView[]): void {
    this.views.splice(0, this.views.length, ...views);
    this.byId.clear();
    for (const v of this.views) this.byId.set(v.id, v);
  }

  /** The delta for `ids` (undefined: anything may have changed), or throws when nothing did. */
  delta(ids?: string[]): StoryboardDelta {
    const d = this.sync.delta(ids);
    if (!d) throw new Error('nothing changed');
    return d;
  }
}

/** The rows a snapshot or delta carries (they travel as JSON text). */
export function rowsOf(text: string | undefined): ShotRow[] {
  return text === undefined ? [] : (JSON.parse(text) as ShotRow[]);
}

export function storyboardSnapshot(shots: number, origin: ImageOrigin): StoryboardSnapshot {
  return new FixtureBoard(shots, origin).snapshot();
}

/** Small PRNG so the metrics fixture is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SeriesSpec {
  provider: string;
  model: string;
  feature: MetricFeature;
  count: number;
  medianMs: number;
  errorRate: number;
  cacheRate: number;
  priceUsd: number;
}

export const SERIES: readonly SeriesSpec[] = [
  {
    provider: 'fal',
    model: 'fal-ai/flux/dev',
    feature: 'render',
    count: 412,
    medianMs: 4200,
    errorRate: 0.03,
    cacheRate: 0.22,
    priceUsd: 0.025,
  },
  {
    provider: 'replicate',
    model: 'black-forest-labs/flux-schnell',
    feature: 'render',
    count: 188,
    medianMs: 1900,
    errorRate: 0.06,
    cacheRate: 0.1,
    priceUsd: 0.003,
  },
  {
    provider: 'draft',
    model: 'draft/storyboard',
    feature: 'render',
    count: 96,
    medianMs: 140,
    errorRate: 0,
    cacheRate: 0.4,
    priceUsd: 0,
  },
  {
    provider: 'fal',
    model: 'storage',
    feature: 'upload',
    count: 64,
    medianMs: 380,
    errorRate: 0.02,
    cacheRate: 0.7,
    priceUsd: 0,
  },
  {
    provider: 'fal',
    model: 'fal-ai/flux/dev',
    feature: 'download',
    count: 330,
    medianMs: 260,
    errorRate: 0.01,
    cacheRate: 0,
    priceUsd: 0,
  },
  {
    provider: 'local',
    model: 'sharp',
    feature: 'thumbnail',
    count: 600,
    medianMs: 38,
    errorRate: 0,
    cacheRate: 0,
    priceUsd: 0,
  },
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    min: sorted[0] ?? 0,
    avg: sorted.length ? sum / sorted.length : 0,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

export function metricsSeries(spec: SeriesSpec, seed: number, now: number, scale = 1): MetricSeries {
  const rand = mulberry32(seed);
  const count = Math.round(spec.count * scale);
  const samples = Array.from({ length: count }, (_, i) => {
    // Log-normal-ish latencies with a slow drift, so the chart has a shape worth looking at.
    const drift = 1 + 0.25 * Math.sin(i / 17);
    const ms = Math.round(spec.medianMs * drift * Math.exp((rand() - 0.5) * 0.9 + (rand() < 0.04 ? 1.2 : 0)));
    const ok = rand() >= spec.errorRate;
    const queue = Math.round(spec.medianMs * 0.3 * rand() * (rand() < 0.1 ? 4 : 1));
    return { t: now - (count - i) * 4000, ms, ok, queue };
  });
  const errors = samples.filter((s) => !s.ok).length;
  const cached = Math.round(count * spec.cacheRate);
  return {
    key: `${spec.provider}|${spec.model}|${spec.feature}`,
    provider: spec.provider,
    model: spec.model,
    feature: spec.feature,
    count,
    success: count - errors,
    error: errors,
    cached,
    cacheHitRate: count ? cached / count : 0,
    uploadsNew: spec.feature === 'upload' ? count - cached : 0,
    uploadsCached: spec.feature === 'upload' ? cached : 0,
    uploadsRevalidated: spec.feature === 'upload' ? Math.round(cached / 4) : 0,
    costUsd: (count - cached - errors) * spec.priceUsd,
    latency: stats(samples.map((s) => s.ms)),
    queueWait: stats(samples.map((s) => s.queue)),
    runTime: stats(samples.map((s) => Math.max(0, s.ms - s.queue))),
    recent: samples.slice(-240).map(({ t, ms, ok }) => ({ t, ms, ok })),
  };
}

export function metricsSnapshot(
  now: number,
  scale = 1,
  specs: readonly SeriesSpec[] = SERIES,
): MetricsViewSnapshot {
  const series = specs.map((spec, i) => metricsSeries(spec, 101 + i, now, scale));
  const sum = (f: (s: MetricSeries) => number) => series.reduce((a, s) => a + f(s), 0);
  const requests = sum((s) => s.count);
  const cached = sum((s) => s.cached);
  const metrics: MetricsSnapshot = {
    version: 1,
    since: now - 3 * 3600_000,
    updatedAt: now,
    totals: {
      requests,
      success: sum((s) => s.success),
      error: sum((s) => s.error),
      cached,
      cacheHitRate: requests ? cached / requests : 0,
      uploadsNew: sum((s) => s.uploadsNew),
      uploadsCached: sum((s) => s.uploadsCached),
      uploadsRevalidated: sum((s) => s.uploadsRevalidated),
      costUsd: sum((s) => s.costUsd),
    },
    series,
  };
  return { projectFile: '/work/productions/night-train/project.json', title: 'Night Train', metrics };
}

export function emptyMetricsSnapshot(now: number): MetricsViewSnapshot {
  return metricsSnapshot(now, 1, []);
}
