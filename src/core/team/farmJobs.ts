// What travels through the farm's queues: one BullMQ job per variation, in the queue of its provider and
// model class (`fal-heavy`, `replicate-light`…), named by its input hash so two artists asking for the same
// render at once share one job. Job data is written by any machine that can reach Redis and read by
// workers that hold the studio's keys, so it is checked field by field and bounded before use.
import type { JobState, LogTag } from '../../shared/events';
import type { CachedResult } from '../cache/resultCache';
import type { ModelClass, ProviderId } from '../project/schema';
import type { GenerationRequest, ModelInfo, Provider, RefInput } from '../providers/types';
import type { PlannedJob } from '../render/plan';
import { providerExtras, variationKey } from '../render/stale';
import { DailiesError } from '../util/errors';
import { parseResult } from './sharedResults';

export const CLASSES: readonly ModelClass[] = ['light', 'heavy', 'video'];
export const PAID_PROVIDERS: readonly ProviderId[] = ['fal', 'replicate'];
const MAX_DATA_BYTES = 256 * 1024;

export function queueName(provider: ProviderId, cls: ModelClass): string {
  return `${provider}-${cls}`;
}

export type WireRequest = Omit<GenerationRequest, 'refUrls' | 'refs'> & { refs: Omit<RefInput, 'abs'>[] };

export interface FarmJobData {
  v: 1;
  key: string;
  shotId: string;
  variation: number;
  request: WireRequest;
  force: boolean;
  /** When the request began (a forced job adopts only results made after it). */
  since: number;
  /** The artist process that queued it first (it alone counts the cost). */
  requester: string;
  /** A label for `farm status` (the project's folder name), never a path. */
  project: string;
}

export interface FarmJobResult {
  result: CachedResult;
  state: 'done' | 'cached';
  costUsd: number;
  queueMs: number;
  startedAt?: number;
  finishedAt?: number;
  worker: string;
  /** Who queued the render (FarmJobData.requester): that artist alone counts its cost. */
  requester: string;
}

/** Live state of a job on a worker, as BullMQ progress: mapped to the same events as a local render. */
export interface FarmProgress {
  state?: Exclude<JobState, 'done' | 'cached' | 'failed' | 'canceled'>;
  step?: number;
  steps?: number;
  queuePosition?: number;
  attempt?: number;
  retryInMs?: number;
  message?: string;
  log?: { level: 'debug' | 'info' | 'warn' | 'error'; tag: LogTag; message: string };
}

export function toJobData(
  job: PlannedJob,
  o: { force: boolean; since: number; requester: string; project: string },
): FarmJobData {
  const { refUrls: _urls, refs, ...request } = job.request;
  return {
    v: 1,
    key: job.key,
    shotId: job.shotId,
    variation: job.variation,
    request: { ...request, refs: refs.map(({ abs: _abs, ...ref }) => ref) },
    ...o,
  };
}

/** A worker's check of what it was handed; anything off is refused, never rendered with the studio's key. */
export function fromJobData(data: unknown): { planned: PlannedJob; data: FarmJobData } {
  const bad = (what: string) => new DailiesError('validation', `Refused a farm job: ${what}`);
  if (JSON.stringify(data ?? null).length > MAX_DATA_BYTES) throw bad('its data is too large');
  const d = (data ?? {}) as Partial<FarmJobData>;
  if (d.v !== 1) throw bad('unknown format');
  if (typeof d.key !== 'string' || !/^[0-9a-f]{64}$/.test(d.key)) throw bad('no input hash');
  if (typeof d.shotId !== 'string' || d.shotId.length > 200) throw bad('bad shot id');
  if (!isInt(d.variation, 1, 64)) throw bad('bad variation');
  const r = d.request as Partial<WireRequest> | undefined;
  if (!r || typeof r.prompt !== 'string' || !isInt(r.seed, -(2 ** 53), 2 ** 53)) throw bad('bad request');
  if (!isModel(r.model)) throw bad('bad model');
  if (!Array.isArray(r.refs) || r.refs.length > 64 || !r.refs.every(isRef)) throw bad('bad refs');
  const request: GenerationRequest = {
    shotId: d.shotId,
    variation: d.variation as number,
    variations: isInt(r.variations, 1, 64) ? (r.variations as number) : 1,
    model: r.model,
    prompt: r.prompt,
    negativePrompt: typeof r.negativePrompt === 'string' ? r.negativePrompt : undefined,
    seed: r.seed as number,
    steps: isInt(r.steps, 1, 1000) ? (r.steps as number) : 28,
    width: isInt(r.width, 1, 16384) ? (r.width as number) : 1024,
    height: isInt(r.height, 1, 16384) ? (r.height as number) : 1024,
    aspectRatio: typeof r.aspectRatio === 'string' ? r.aspectRatio : '1:1',
    params: isPlain(r.params) ? r.params : {},
    refs: r.refs.map((ref) => ({ ...ref })),
    labels: {
      scene: r.labels?.scene,
      cast: Array.isArray(r.labels?.cast) ? r.labels.cast.filter((c) => typeof c === 'string') : [],
    },
    refUrls: new Map(),
    // A video job's clip length (its start/end frames are refs): without it the worker would send, and
    // hash, another request than the artist planned.
    ...(isPlain(r.video) && isInt(r.video.seconds, 1, 600) ? { video: { seconds: r.video.seconds } } : {}),
  };
  const checked: FarmJobData = {
    v: 1,
    key: d.key,
    shotId: d.shotId,
    variation: d.variation as number,
    request: { ...request, refs: request.refs },
    force: d.force === true,
    since: typeof d.since === 'number' ? d.since : 0,
    requester: typeof d.requester === 'string' ? d.requester.slice(0, 100) : '',
    project: typeof d.project === 'string' ? d.project.slice(0, 100) : '',
  };
  return {
    planned: { shotId: d.shotId, variation: d.variation as number, key: d.key, request },
    data: checked,
  };
}

/**
 * The input hash a job claims is only a name chosen by whoever queued it. The worker computes it again
 * from the very request it would send (as plan.ts does) and refuses a job whose name differs: otherwise a
 * job could adopt another shot's cached result cheaply, or get one request paid for and its output stored
 * under another shot's hash in the team's result index.
 */
export function checkJobKey(planned: PlannedJob, provider: Provider | undefined): void {
  const actual = variationKey(planned.request, providerExtras(provider, planned.request));
  if (actual !== planned.key)
    throw new DailiesError(
      'validation',
      `Refused a farm job for ${planned.shotId} v${planned.variation}: its input hash ${planned.key.slice(0, 12)}… does not match its request (${actual.slice(0, 12)}…); nothing was rendered or stored`,
    );
}

export function parseJobResult(value: unknown): FarmJobResult | undefined {
  const v = value as Partial<FarmJobResult> | null;
  if (!v || typeof v !== 'object') return undefined;
  const result = parseResult(JSON.stringify(v.result ?? null));
  if (!result || (v.state !== 'done' && v.state !== 'cached')) return undefined;
  return {
    result,
    state: v.state,
    costUsd: typeof v.costUsd === 'number' ? v.costUsd : 0,
    queueMs: typeof v.queueMs === 'number' ? v.queueMs : 0,
    startedAt: typeof v.startedAt === 'number' ? v.startedAt : undefined,
    finishedAt: typeof v.finishedAt === 'number' ? v.finishedAt : undefined,
    worker: typeof v.worker === 'string' ? v.worker : '',
    requester: typeof v.requester === 'string' ? v.requester : '',
  };
}

function isInt(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isModel(v: unknown): v is ModelInfo {
  const m = v as Partial<ModelInfo> | undefined;
  return (
    !!m &&
    typeof m.id === 'string' &&
    (PAID_PROVIDERS as readonly string[]).includes(m.provider ?? '') &&
    typeof m.endpoint === 'string' &&
    m.endpoint.length <= 200 &&
    // A path on the provider's own host (`owner/app[/sub]`, Replicate's `owner/name:version`), never a URL.
    /^[\w.-]+(\/[\w.-]+)*(:[\w.-]+)?$/.test(m.endpoint) &&
    (CLASSES as readonly string[]).includes(m.class ?? '') &&
    typeof m.maxRefs === 'number' &&
    isPlain(m.params)
  );
}

function isRef(v: unknown): v is Omit<RefInput, 'abs'> {
  const r = v as Partial<RefInput> | undefined;
  return (
    !!r &&
    typeof r.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(r.sha256) &&
    (r.url === undefined || (typeof r.url === 'string' && /^https?:\/\//.test(r.url))) &&
    (r.role === 'cast' ||
      r.role === 'decor' ||
      r.role === 'shot' ||
      r.role === 'start' ||
      r.role === 'end') &&
    !('abs' in r)
  );
}
