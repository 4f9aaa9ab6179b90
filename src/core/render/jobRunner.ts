// One variation of one shot, from queue to files on disk: result cache → class slot → rate slot →
// provider (with retries, re-attaching to a journaled request) → download → verify + thumbnail →
// content store → renders/. Downloads and image work run outside the model slot, so a slow CDN never
// holds capacity the provider could use.
import * as path from 'node:path';
import type { JobState, LogTag, UserError } from '../../shared/events';
import type { ContentStore } from '../cache/contentStore';
import type { CachedResult, ResultCache } from '../cache/resultCache';
import type { DailiesConfig } from '../config';
import { download } from '../media/download';
import { verifyAndThumbnail } from '../media/image';
import type { MetricsStore } from '../metrics/metricsStore';
import type { ProjectPaths } from '../project/paths';
import type { OutputRecord } from '../project/schema';
import type {
  GenerationResult,
  Provider,
  ProviderContext,
  ProviderId,
  ProviderOutput,
} from '../providers/types';
import { anySignal } from '../util/abort';
import { DailiesError, toDailiesError } from '../util/errors';
import type { Journal, PendingJob } from './journal';
import type { PlannedJob } from './plan';
import { withRetry } from './retry';
import type { Scheduler } from './scheduler';

export interface JobEventSink {
  job(
    job: PlannedJob,
    state: JobState,
    extra?: {
      step?: number;
      steps?: number;
      queuePosition?: number;
      attempt?: number;
      retryInMs?: number;
      message?: string;
      error?: UserError;
      output?: { variation: number; image: string; thumb?: string };
    },
  ): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', tag: LogTag, message: string): void;
}

export interface RefUploader {
  /** Fills `request.refUrls` for every ref, uploading (or re-uploading) whatever is not usable. */
  ensureRefs(provider: Provider, job: PlannedJob, signal: AbortSignal): Promise<void>;
}

export interface JobRunnerDeps {
  config: DailiesConfig;
  paths: ProjectPaths;
  providers: Partial<Record<ProviderId, Provider>>;
  /** Why a provider is not available (e.g. no key), per provider id. */
  unavailable: Partial<Record<ProviderId, string>>;
  scheduler: Scheduler;
  store: ContentStore;
  results: ResultCache;
  journal: Journal;
  metrics: MetricsStore;
  uploader?: RefUploader;
  sink: JobEventSink;
}

export interface VariationOutcome {
  state: 'done' | 'cached' | 'failed' | 'canceled';
  output?: OutputRecord;
  error?: DailiesError;
  costUsd: number;
  queueMs: number;
  /** When it got its slot and when its files were in place (rendered variations only). */
  startedAt?: number;
  finishedAt?: number;
}

export class JobRunner {
  private inflight = new Map<string, Promise<VariationOutcome>>();

  constructor(private readonly deps: JobRunnerDeps) {}

  /** Later jobs read the new config (thumbnails, retry, timeouts, downloads); running ones keep theirs. */
  configure(config: DailiesConfig): void {
    this.deps.config = config;
  }

  setProviders(providers: JobRunnerDeps['providers'], unavailable: JobRunnerDeps['unavailable']): void {
    this.deps.providers = providers;
    this.deps.unavailable = unavailable;
  }

  async run(job: PlannedJob, signal: AbortSignal, force: boolean): Promise<VariationOutcome> {
    const { sink } = this.deps;
    sink.job(job, 'queued');
    try {
      if (!force) {
        const hit = await this.deps.results.get(job.key);
        if (hit) return await this.fromCache(job, hit);
      }
      // Two batches (or a click during a batch) asking for the same inputs share one provider call.
      const shared = this.inflight.get(job.key);
      if (shared) return await shared;
      const running = this.render(job, signal);
      this.inflight.set(job.key, running);
      try {
        return await running;
      } finally {
        this.inflight.delete(job.key);
      }
    } catch (err) {
      const error = toDailiesError(err);
      const state = error.code === 'canceled' ? 'canceled' : 'failed';
      sink.job(job, state, state === 'failed' ? { error: { code: error.code, message: error.message } } : {});
      return { state, error, costUsd: 0, queueMs: 0 };
    }
  }

  private async fromCache(job: PlannedJob, hit: CachedResult): Promise<VariationOutcome> {
    const output = await this.materialize(job, hit);
    this.deps.metrics.record({ provider: hit.provider, model: hit.model, feature: 'render' }, 'cached');
    this.deps.sink.log('debug', 'CACHE', `hit ${job.shotId} v${job.variation} (${job.key.slice(0, 12)})`);
    this.deps.sink.job(job, 'cached', { output });
    return { state: 'cached', output: { ...output, cached: true }, costUsd: 0, queueMs: 0 };
  }

  private async render(job: PlannedJob, signal: AbortSignal): Promise<VariationOutcome> {
    const { deps } = this;
    const { model } = job.request;
    const provider = deps.providers[model.provider];
    if (!provider) {
      throw new DailiesError(
        'auth',
        deps.unavailable[model.provider] ?? `Provider ${model.provider} is not available`,
      );
    }
    const limiter = deps.scheduler.classLimiter(provider.id, model.class);
    const rate = deps.scheduler.rate(provider.id);
    const queuedAt = Date.now();
    await limiter.acquire(signal);
    const startedAt = Date.now();
    let requestId: string | undefined;
    let firstRunningAt: number | undefined;
    let result: GenerationResult;
    const metricKey = { provider: provider.id, model: model.id, feature: 'render' as const };
    try {
      if (provider.needsUploads && deps.uploader) {
        deps.sink.job(job, 'uploading');
        await deps.uploader.ensureRefs(provider, job, signal);
      }
      const timeout = AbortSignal.timeout(deps.config.timeouts.generationMs);
      const jobSignal = anySignal([signal, timeout]);
      const pending = deps.journal.pending(job.key);
      // Only providers that can re-attach bill for work worth journaling (the draft is free).
      const journaled = provider.resume !== undefined;
      const jobInfo = {
        key: job.key,
        shotId: job.shotId,
        variation: job.variation,
        provider: provider.id,
        model: model.id,
      };
      let lastError: DailiesError | undefined;
      result = await withRetry(
        async (attempt) => {
          const ctx = {
            signal: jobSignal,
            onProgress: (p: {
              state: 'queued' | 'running';
              step?: number;
              steps?: number;
              queuePosition?: number;
              message?: string;
            }) => {
              if (p.state === 'running') firstRunningAt ??= Date.now();
              const { state, ...detail } = p;
              deps.sink.job(job, state === 'running' ? 'running' : 'submitted', detail);
            },
            onSubmitted: (id: string) => {
              requestId = id;
              deps.sink.job(job, 'submitted');
              if (journaled) this.journalSafely(() => deps.journal.submitted({ ...jobInfo, requestId: id }));
            },
            log: (message: string) =>
              deps.sink.log('debug', 'RENDER', `${job.shotId} v${job.variation}: ${message}`),
          };
          if (attempt === 0 && pending && provider.resume && pending.provider === provider.id) {
            const attached = await this.reattach(job, provider, pending, ctx);
            if (attached) return attached;
          }
          // Following a submitted job failed (the job is still there): re-attach instead of paying again.
          if (attempt > 0 && requestId && lastError?.details.reattach && provider.resume) {
            deps.sink.log('info', 'RESUME', `${job.shotId} v${job.variation}: re-attaching to ${requestId}`);
            return await provider.resume(requestId, job.request, ctx);
          }
          if (journaled) this.journalSafely(() => deps.journal.intent(jobInfo));
          try {
            return await provider.generate(job.request, ctx);
          } catch (err) {
            if (timeout.aborted && !signal.aborted) {
              throw new DailiesError(
                'timeout',
                `Generation took longer than ${Math.round(deps.config.timeouts.generationMs / 1000)} s`,
              );
            }
            throw err;
          }
        },
        deps.config.retry,
        {
          signal,
          onRetry: ({ attempt, delayMs, error }) => {
            lastError = error;
            if (error.code === 'rate-limit') {
              limiter.onThrottle();
              rate.pauseFor(delayMs);
            }
            deps.sink.log(
              'warn',
              'RENDER',
              `${job.shotId} v${job.variation}: ${error.message}; retry ${attempt}/${deps.config.retry.attempts - 1} in ${(delayMs / 1000).toFixed(1)} s`,
            );
            deps.sink.job(job, 'retrying', { attempt, retryInMs: delayMs, message: error.message });
          },
        },
      );
      limiter.onSuccess();
    } catch (err) {
      const error = toDailiesError(err);
      if (requestId && provider.cancel && (error.code === 'canceled' || error.code === 'timeout')) {
        await provider.cancel(requestId, model).catch(() => undefined);
      }
      if (requestId || deps.journal.pending(job.key))
        this.journalSafely(() => deps.journal.abandon(job.key, error.code));
      if (error.code !== 'canceled') {
        deps.metrics.record(metricKey, 'error', {
          latencyMs: Date.now() - startedAt,
          queueMs: startedAt - queuedAt,
        });
      }
      throw error;
    } finally {
      limiter.release();
    }
    const doneAt = Date.now();
    const queueMs =
      startedAt - queuedAt + (result.queueMs ?? (firstRunningAt ? firstRunningAt - startedAt : 0));
    const runMs = result.runMs ?? (firstRunningAt ? doneAt - firstRunningAt : doneAt - startedAt);
    const cost = model.priceUsd ?? 0;
    const stored = await this.storeOutput(job, provider, result.outputs, signal);
    deps.metrics.record(metricKey, 'success', {
      latencyMs: doneAt - startedAt,
      queueMs,
      runMs,
      costUsd: cost,
    });
    this.journalSafely(() => deps.journal.output(job.key, stored.sha256));
    const output = await this.materialize(job, stored);
    deps.sink.job(job, 'done', { output });
    return { state: 'done', output, costUsd: cost, queueMs, startedAt, finishedAt: Date.now() };
  }

  /**
   * Picks up a job an earlier run left behind: by its request id, or — when the run died while the submit
   * was in flight — by asking the provider whether it received it. Undefined means "submit it now".
   */
  private async reattach(
    job: PlannedJob,
    provider: Provider,
    pending: PendingJob,
    ctx: ProviderContext,
  ): Promise<GenerationResult | undefined> {
    const { sink } = this.deps;
    let id = pending.requestId;
    if (!id && provider.findSubmission) {
      id = await provider.findSubmission(job.request, pending.at, ctx.signal).catch(() => undefined);
    }
    if (!id) {
      sink.log(
        'warn',
        'RESUME',
        `${job.shotId} v${job.variation}: a submit was in flight when Dailies stopped and ${provider.id} cannot be asked about it; submitting again`,
      );
      return undefined;
    }
    sink.log('info', 'RESUME', `${job.shotId} v${job.variation}: re-attaching to ${id}`);
    ctx.onSubmitted(id); // journals the id, so a further crash re-attaches directly
    try {
      return await provider.resume!(id, job.request, ctx);
    } catch (err) {
      const e = toDailiesError(err);
      if (e.code !== 'not-found') throw e;
      sink.log('info', 'RESUME', `${id} is gone at the provider; submitting again`);
      return undefined;
    }
  }

  /** The journal protects money, but a full disk must not turn a finished render into a failed one. */
  private journalSafely(write: () => void): void {
    try {
      write();
    } catch (err) {
      this.deps.sink.log('warn', 'RENDER', `journal not written: ${toDailiesError(err).message}`);
    }
  }

  private async storeOutput(
    job: PlannedJob,
    provider: Provider,
    outputs: ProviderOutput[],
    signal: AbortSignal,
  ): Promise<CachedResult> {
    const { deps } = this;
    const first = outputs[0];
    if (!first) throw new DailiesError('bad-output', 'The provider returned no image');
    deps.sink.job(job, 'downloading');
    const bytes =
      first.kind === 'bytes'
        ? first.data
        : (
            await withRetry(
              () =>
                download(first.url, {
                  maxBytes: deps.config.downloads.maxBytes,
                  timeoutMs: deps.config.timeouts.requestMs,
                  signal,
                  fetch: provider.fetch?.bind(provider),
                }),
              { ...deps.config.retry, baseMs: Math.min(deps.config.retry.baseMs, 500) },
              { signal },
            )
          ).bytes;
    deps.sink.job(job, 'thumbnail');
    const image = await deps.scheduler.media.run(
      () => verifyAndThumbnail(bytes, deps.config.thumbnails),
      signal,
    );
    const sha256 = await deps.store.put(bytes, image.ext);
    const thumbSha256 = await deps.store.put(image.thumbnail, 'webp');
    const entry: CachedResult = {
      key: job.key,
      sha256,
      ext: image.ext,
      width: image.width,
      height: image.height,
      provider: provider.id,
      model: job.request.model.id,
      seed: job.request.seed,
      createdAt: Date.now(),
      thumbSha256,
    };
    await deps.results.put(entry);
    return entry;
  }

  private async materialize(job: PlannedJob, r: CachedResult): Promise<OutputRecord> {
    const { paths, store } = this.deps;
    const base = `renders/${job.shotId}/${job.shotId}_v${job.variation}`;
    const image = `${base}.${r.ext}`;
    await store.materialize(r.sha256, r.ext, path.join(paths.root, image));
    let thumb: string | undefined;
    if (r.thumbSha256) {
      thumb = `${base}.thumb.webp`;
      await store.materialize(r.thumbSha256, 'webp', path.join(paths.root, thumb));
    }
    return {
      variation: job.variation,
      image,
      thumb,
      seed: r.seed,
      sha256: r.sha256,
      width: r.width,
      height: r.height,
    };
  }
}
