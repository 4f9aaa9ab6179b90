// One variation of one shot, from queue to files on disk: result cache → claim across processes →
// class slot → (uploads) → journal intent + submit, or re-attach to a job already out there → follow →
// on a cancel, ask the provider what became of the job → download → verify + thumbnail → content store →
// renders/. Each stage has its own file: jobClaim, jobSubmit, jobCancel, jobOutput. Downloads and image
// work run outside the model slot, so a slow CDN never holds capacity the provider could use.
import { rm } from 'node:fs/promises';
import type { CachedResult } from '../cache/resultCache';
import type { DailiesConfig } from '../config';
import { type DownloadedFile, downloadToFile } from '../media/download';
import { verifyAndThumbnail } from '../media/image';
import type { OutputRecord } from '../project/schema';
import type { GenerationResult, Provider, ProviderOutput } from '../providers/types';
import { DailiesError, toDailiesError } from '../util/errors';
import { type Claim, type ClaimStore, Claims } from './claims';
import { audioRecord, storeAudioOutput } from './jobAudio';
import { afterFailure } from './jobCancel';
import { claimJob } from './jobClaim';
import { finishJob, type OutputFiles } from './jobOutput';
import { newSubmitState, submitAndFollow } from './jobSubmit';
import type { JobRunnerDeps, VariationOutcome } from './jobTypes';
import { materializeVideo, storeVideoOutput } from './jobVideo';
import type { PlannedJob } from './plan';
import { withRetry } from './retry';

export type { JobEventSink, JobRunnerDeps, RefUploader, VariationOutcome } from './jobTypes';

export class JobRunner {
  private inflight = new Map<string, Promise<VariationOutcome>>();
  private readonly claims: ClaimStore;
  private readonly files: OutputFiles;

  constructor(private readonly deps: JobRunnerDeps) {
    this.claims = deps.claims ?? new Claims(deps.paths.data('claims'));
    this.files = {
      storeOutput: (job, provider, outputs, signal) => this.storeOutput(job, provider, outputs, signal),
      materialize: deps.materialize ?? ((job, r) => this.materialize(job, r)),
    };
  }

  /** The same stages and claims with other listeners (the scratch voice's jobs are not shot variations). */
  withSink(sink: JobRunnerDeps['sink']): JobRunner {
    return new JobRunner({ ...this.deps, sink, claims: this.claims });
  }

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
    const since = Date.now();
    sink.job(job, 'queued');
    try {
      if (!force) {
        const hit = await this.deps.results.get(job.key);
        if (hit) return await this.fromCache(job, hit);
      }
      // Two batches (or a click during a batch) asking for the same inputs share one provider call.
      const shared = this.inflight.get(job.key);
      if (shared) return await shared;
      const running = this.claimAndRender(job, signal, force, since);
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
    const output = await this.files.materialize(job, hit);
    this.deps.metrics.record({ provider: hit.provider, model: hit.model, feature: 'render' }, 'cached');
    this.deps.sink.log('debug', 'CACHE', `hit ${job.shotId} v${job.variation} (${job.key.slice(0, 12)})`);
    this.deps.sink.job(job, 'cached', { output });
    return { state: 'cached', output: { ...output, cached: true }, costUsd: 0, queueMs: 0 };
  }

  private async claimAndRender(
    job: PlannedJob,
    signal: AbortSignal,
    force: boolean,
    since: number,
  ): Promise<VariationOutcome> {
    const { deps } = this;
    const provider = deps.providers[job.request.model.provider];
    if (!provider) {
      throw new DailiesError(
        'auth',
        deps.unavailable[job.request.model.provider] ??
          `Provider ${job.request.model.provider} is not available`,
      );
    }
    // Only providers that can re-attach bill for work worth claiming and journaling (the draft is free).
    if (!provider.resume) return this.render(job, provider, signal);
    const claimed = await claimJob(deps, this.claims, job, signal, force, since);
    if ('adopted' in claimed) return this.fromCache(job, claimed.adopted);
    try {
      return await this.render(job, provider, signal, claimed.claim);
    } finally {
      await claimed.claim.release();
    }
  }

  private async render(
    job: PlannedJob,
    provider: Provider,
    signal: AbortSignal,
    claim?: Claim,
  ): Promise<VariationOutcome> {
    const { deps } = this;
    const { model } = job.request;
    const limiter = deps.scheduler.classLimiter(provider.id, model.class);
    const queuedAt = Date.now();
    await limiter.acquire(signal);
    const startedAt = Date.now();
    const journaled = claim !== undefined;
    const state = newSubmitState(journaled, claim);
    let result: GenerationResult | undefined;
    let error: DailiesError | undefined;
    try {
      if (provider.needsUploads && deps.uploader) {
        deps.sink.job(job, 'uploading');
        await deps.uploader.ensureRefs(provider, job, signal);
      }
      result = await submitAndFollow(deps, job, provider, limiter, signal, state);
      limiter.onSuccess();
    } catch (err) {
      error = toDailiesError(err);
    } finally {
      limiter.release();
    }
    if (error) {
      // Outside the slot: asking the provider after a cancel must not hold up the jobs still to run.
      result = await afterFailure(deps, job, provider, error, state);
      if (!result) {
        if (error.code !== 'canceled') {
          deps.metrics.record({ provider: provider.id, model: model.id, feature: 'render' }, 'error', {
            latencyMs: Date.now() - startedAt,
            queueMs: startedAt - queuedAt,
          });
        }
        throw error;
      }
    }
    if (!result) throw new DailiesError('internal', 'The job ended without a result');
    const times = { queuedAt, startedAt, firstRunningAt: state.firstRunningAt, doneAt: Date.now() };
    return finishJob(deps, this.files, job, provider, result, times, {
      journaled,
      alreadyCharged: state.charged,
    });
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
    if (job.request.model.tts) {
      const download = (url: string) => this.downloadOutput(provider, url, signal);
      return storeAudioOutput(deps, job, provider, first, download, signal);
    }
    if (job.request.model.video) {
      const download = (url: string) => this.downloadOutput(provider, url, signal);
      return storeVideoOutput(deps, job, provider, first, download, signal);
    }
    deps.sink.job(job, 'downloading');
    const fetched = first.kind === 'url' ? await this.downloadOutput(provider, first.url, signal) : undefined;
    let image: Awaited<ReturnType<typeof verifyAndThumbnail>>;
    let sha256: string;
    try {
      deps.sink.job(job, 'thumbnail');
      const input = first.kind === 'bytes' ? first.data : fetched!.file;
      image = await deps.scheduler.media.run(() => verifyAndThumbnail(input, deps.config.thumbnails), signal);
      sha256 =
        first.kind === 'bytes'
          ? await deps.store.put(first.data, image.ext)
          : await deps.store.adopt(fetched!.file, fetched!.sha256, image.ext);
    } finally {
      if (fetched) await rm(fetched.file, { force: true });
    }
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

  /**
   * Streams an output to a temp file inside .dailies/ (hashed on the way), a few at a time across batches,
   * through the provider's fetch only (time, bytes and hosts bounded there).
   */
  private downloadOutput(provider: Provider, url: string, signal: AbortSignal): Promise<DownloadedFile> {
    const { deps } = this;
    const fetch = provider.fetch?.bind(provider);
    if (!fetch) throw new DailiesError('internal', `${provider.id} cannot download its output`);
    const options = { maxBytes: deps.config.downloads.maxBytes, signal, fetch };
    return withRetry(
      () => deps.scheduler.downloads.run(() => downloadToFile(url, deps.paths.data('tmp'), options), signal),
      { ...deps.config.retry, baseMs: Math.min(deps.config.retry.baseMs, 500) },
      { signal },
    );
  }

  /** Places a stored result in the project's renders/ (also used by the farm client). */
  async materialize(job: PlannedJob, r: CachedResult): Promise<OutputRecord> {
    const { paths, store } = this.deps;
    if (r.audio) return audioRecord(job, r);
    const base = `renders/${job.shotId}/${job.shotId}_v${job.variation}`;
    const image = `${base}.${r.ext}`;
    // `destination` refuses a renders/ (or shot folder) that links outside the project; the store links
    // or reflinks the verified object there rather than copying it.
    await store.materialize(r.sha256, r.ext, await paths.destination(image));
    let thumb: string | undefined;
    if (r.thumbSha256) {
      thumb = `${base}.thumb.webp`;
      let thumbSha = r.thumbSha256;
      // A damaged thumbnail is made again from the (verified) image: never a reason to pay.
      if (!(await store.verify(thumbSha, 'webp'))) {
        const bytes = await store.read(r.sha256, r.ext);
        if (!bytes) throw new DailiesError('bad-output', `The stored image of ${job.shotId} is damaged`);
        thumbSha = await store.put(
          (await verifyAndThumbnail(bytes, this.deps.config.thumbnails)).thumbnail,
          'webp',
        );
      }
      await store.materialize(thumbSha, 'webp', await paths.destination(thumb));
    }
    return {
      variation: job.variation,
      image,
      thumb,
      seed: r.seed,
      sha256: r.sha256,
      width: r.width,
      height: r.height,
      ...(r.video ? await materializeVideo(this.deps, base, r.video) : {}),
    };
  }
}
