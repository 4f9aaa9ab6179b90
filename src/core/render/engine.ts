// The render engine of one production: plan → pre-warm → jobs under the shared limits → record results.
// It emits one typed event stream (src/shared/events.ts) that the CLI, the extension and the webviews
// all consume. Per-shot failures are reported and never stop the batch; cancel works for all or one shot.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { promises as fs } from 'node:fs';
import {
  type BatchSummary,
  emptySummary,
  type LogTag,
  type RenderEvent,
  type ShotOutcome,
} from '../../shared/events';
import { ContentStore } from '../cache/contentStore';
import { RefHasher } from '../cache/refHasher';
import { ResultCache, type ResultStore } from '../cache/resultCache';
import type { DailiesConfig } from '../config';
import { MetricsStore } from '../metrics/metricsStore';
import { documentFromText, type ProjectDocument, parseProjectText } from '../project/load';
import { ProjectPaths } from '../project/paths';
import type { OutputRecord, RenderRecord } from '../project/schema';
import { FileProjectIO, type ProjectIO, ProjectWriter } from '../project/write';
import { ModelRegistry } from '../providers/registry';
import type { Provider, ProviderId } from '../providers/types';
import { sweepStaleTemps } from '../util/atomicWrite';
import { Emitter } from '../util/emitter';
import { DailiesError, toDailiesError } from '../util/errors';
import type { ClaimStore } from './claims';
import { type Estimate, estimateBatch, type UploadPeek } from './estimate';
import { JobRunner, type JobRunnerDeps, type RefUploader, type VariationOutcome } from './jobRunner';
import { type JobJournal, Journal } from './journal';
import { type PlannedJob, type PlannedShot, planBatch } from './plan';
import { Scheduler } from './scheduler';

export interface RenderOptions {
  /** Shot ids to consider; all shots when absent. */
  shots?: string[];
  /** Re-render even fresh shots, bypassing the result cache. */
  force?: boolean;
  signal?: AbortSignal;
  /** Send the paid variations to the team's render farm (EngineOptions.team) instead of rendering here. */
  farm?: boolean;
}

/** Runs one variation of a batch: the JobRunner here, or a farm client (src/core/team). */
export interface VariationRunner {
  run(job: PlannedJob, signal: AbortSignal, force: boolean): Promise<VariationOutcome>;
}

/**
 * A studio's team backend (src/core/team): claims, journal and result index shared through Redis, and
 * a render farm that takes whole batches. Without it the engine works on this machine alone.
 */
export interface EngineTeam {
  claims: ClaimStore;
  journal: JobJournal;
  /** The shared result index layered over this project's own cache and store. */
  results(local: ResultCache, store: ContentStore): ResultStore;
  farm?(deps: JobRunnerDeps, local: JobRunner): VariationRunner;
}

export interface PrewarmStats {
  new: number;
  cached: number;
  revalidated: number;
  failed: number;
}

/** Pre-warms every ref a batch needs before its first job; implemented by the upload cache. */
export interface BatchUploader extends RefUploader {
  /** Gives the uploader the engine's log and metrics. */
  attach?(deps: {
    log: (level: 'debug' | 'info' | 'warn' | 'error', tag: LogTag, message: string) => void;
    metrics: MetricsStore;
  }): void;
  prewarm(
    jobs: { provider: Provider; shots: PlannedShot[] }[],
    signal: AbortSignal,
    onProgress: (p: {
      done: number;
      total: number;
      uploaded: number;
      cached: number;
      revalidated: number;
    }) => void,
  ): Promise<PrewarmStats>;
}

export interface EngineOptions {
  projectFile: string;
  config: DailiesConfig;
  providers: Partial<Record<ProviderId, Provider>>;
  unavailable?: Partial<Record<ProviderId, string>>;
  registry?: ModelRegistry;
  scheduler?: Scheduler;
  io?: ProjectIO;
  uploader?: BatchUploader;
  uploadPeek?: UploadPeek;
  metrics?: MetricsStore;
  team?: EngineTeam;
  /** How long finished shots wait to be written together (default 400 ms). */
  flushDelayMs?: number;
  onWritten?: (text: string) => void;
}

export class RenderEngine {
  private readonly emitter = new Emitter<RenderEvent>();
  /** Every event of every batch of this production. */
  readonly onEvent = this.emitter.event;
  readonly paths: ProjectPaths;
  readonly registry: ModelRegistry;
  readonly scheduler: Scheduler;
  readonly metrics: MetricsStore;
  readonly writer: ProjectWriter;
  private readonly hasher: RefHasher;
  private readonly store: ContentStore;
  private readonly results: ResultStore;
  private readonly journal: JobJournal;
  private readonly runner: JobRunner;
  private readonly farm: VariationRunner | undefined;
  private readonly io: ProjectIO;
  private config: DailiesConfig;
  private readonly batches = new Map<string, AbortController>();
  private readonly shotControllers = new Map<string, Set<AbortController>>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** Records written by this engine, checked at batch end against what the file really holds. */
  private readonly recorded = new Map<string, RenderRecord>();
  private opened: Promise<void> | undefined;

  constructor(private readonly options: EngineOptions) {
    this.config = options.config;
    this.paths = new ProjectPaths(options.projectFile);
    this.registry = options.registry ?? new ModelRegistry();
    this.scheduler = options.scheduler ?? new Scheduler(options.config);
    this.metrics = options.metrics ?? new MetricsStore(this.paths.data('metrics.json'));
    this.hasher = new RefHasher(this.paths);
    this.store = new ContentStore(this.paths.data('store'));
    const results = new ResultCache(this.paths.data('results'), this.store, options.config.resultCache);
    this.results = options.team?.results(results, this.store) ?? results;
    this.journal = options.team?.journal ?? new Journal(this.paths.data('journal.jsonl'));
    this.io = options.io ?? new FileProjectIO(this.paths.projectFile);
    this.writer = new ProjectWriter(this.io, {
      validate: (text) => parseProjectText(text, this.paths.projectFile),
      onWritten: options.onWritten,
    });
    options.uploader?.attach?.({
      log: (level, tag, message) => this.log(level, tag, message),
      metrics: this.metrics,
    });
    const deps: JobRunnerDeps = {
      config: this.config,
      paths: this.paths,
      providers: options.providers,
      unavailable: options.unavailable ?? {},
      scheduler: this.scheduler,
      store: this.store,
      results: this.results,
      journal: this.journal,
      metrics: this.metrics,
      uploader: options.uploader,
      sink: {
        job: (job, state, extra) =>
          this.fire({
            type: 'job',
            batchId: job.batchId ?? '',
            shotId: job.shotId,
            variation: job.variation,
            variations: job.request.variations,
            state,
            ...extra,
          }),
        log: (level, tag, message) => this.log(level, tag, message),
      },
      claims: options.team?.claims,
    };
    this.runner = new JobRunner(deps);
    this.farm = options.team?.farm?.(deps, this.runner);
  }

  get projectFile(): string {
    return this.paths.projectFile;
  }

  get isRendering(): boolean {
    return this.batches.size > 0;
  }

  /** Loads the caches, metrics and journal once (cheap, lazy). */
  open(): Promise<void> {
    this.opened ??= (async () => {
      await Promise.all([this.hasher.load(), this.metrics.load(), this.journal.load()]);
      await sweepStaleTemps(this.paths.root).catch(() => 0);
    })();
    return this.opened;
  }

  /** Reads through the engine's IO: in VS Code that is an open editor's unsaved text when there is one. */
  async load(): Promise<ProjectDocument> {
    return documentFromText(this.paths, await this.io.read(), { modelCheck: this.registry.modelCheck });
  }

  /** Keys were set or cleared: later jobs use the new providers (running ones finish on the old). */
  setProviders(
    providers: Partial<Record<ProviderId, Provider>>,
    unavailable: Partial<Record<ProviderId, string>>,
  ): void {
    this.options.providers = providers;
    this.options.unavailable = unavailable;
    this.runner.setProviders(providers, unavailable);
  }

  /** The staleness of every (or the selected) shot, without rendering anything. */
  async plan(
    options: Omit<RenderOptions, 'signal'> = {},
  ): Promise<{ doc: ProjectDocument; shots: PlannedShot[] }> {
    await this.open();
    const doc = await this.load();
    const shots = await planBatch(
      {
        doc,
        registry: this.registryFor(doc),
        config: this.config,
        hasher: this.hasher,
        providers: this.options.providers,
      },
      { shotIds: options.shots, force: options.force },
    );
    await this.hasher.save().catch(() => undefined);
    return { doc, shots };
  }

  /** Never pay for a render that could not be saved: check the project folder takes writes first. */
  private async assertWritable(): Promise<void> {
    const probe = this.paths.data(`.probe-${process.pid}-${Date.now().toString(36)}`);
    try {
      await fs.mkdir(this.paths.dataDir, { recursive: true });
      await fs.writeFile(probe, '');
      await fs.rm(probe, { force: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      const why =
        code === 'ENOSPC'
          ? 'the disk is full'
          : code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'ENOENT'
            ? 'it is read-only'
            : code;
      throw new DailiesError('disk', `Cannot render into ${this.paths.root}: ${why}. Nothing was rendered.`);
    }
  }

  /** Uploads every ref the stale shots would need (render's first step), rendering nothing. */
  async prewarm(options: RenderOptions = {}): Promise<PrewarmStats> {
    const { shots } = await this.plan(options);
    const work = shots.filter(needsRender);
    const controller = new AbortController();
    options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    try {
      return await this.runPrewarm('prewarm', work, controller.signal);
    } finally {
      await this.persist();
    }
  }

  /** What `render` would do with the same options, without doing it. */
  async estimate(options: Omit<RenderOptions, 'signal'> = {}): Promise<Estimate> {
    const { shots } = await this.plan(options);
    return estimateBatch(shots, {
      results: this.results,
      metrics: this.metrics,
      config: this.config,
      uploads: this.options.uploadPeek,
      force: options.force,
    });
  }

  async render(options: RenderOptions = {}): Promise<BatchSummary> {
    if (options.farm && !this.farm)
      throw new DailiesError(
        'validation',
        'No render farm is set up (dailies.team.redisUrl / DAILIES_REDIS_URL)',
      );
    const runner = options.farm ? this.farm! : this.runner;
    const batchId = randomBytes(6).toString('hex');
    const controller = new AbortController();
    // Every waiting job listens on the batch signal; hundreds of listeners are expected, not a leak.
    setMaxListeners(0, controller.signal);
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort();
    const started = Date.now();
    const summary = emptySummary(batchId);
    this.batches.set(batchId, controller);
    try {
      const { shots } = await this.plan(options);
      summary.shots.total = shots.length;
      const work = shots.filter(needsRender);
      if (work.length) await this.assertWritable();
      this.fire({
        type: 'batch-start',
        batchId,
        projectFile: this.paths.projectFile,
        startedAt: started,
        shots: shots.map((s) => ({
          shotId: s.shot.id,
          variations: s.spec?.variations ?? 1,
          stale: s.freshness !== 'fresh',
        })),
        jobs: shots.reduce((n, s) => n + s.jobs.length, 0),
      });
      for (const s of shots) {
        if (s.freshness === 'fresh') {
          summary.shots.skipped++;
          this.fire({ type: 'shot', batchId, shotId: s.shot.id, outcome: 'skipped' });
        } else if (s.freshness === 'invalid') {
          this.failShot(summary, batchId, s.shot.id, s.error ?? new DailiesError('internal', s.reason));
        }
      }
      if (work.length > 0) {
        this.log(
          'info',
          'RENDER',
          `${work.length} of ${shots.length} shots to render (${work.reduce((n, s) => n + s.jobs.length, 0)} variations)`,
        );
      } else {
        this.log('info', 'RENDER', `all ${shots.length} shots are up to date`);
      }
      // The farm's workers upload the refs they need; this machine may have no key at all.
      const uploads = await this.runPrewarm(batchId, options.farm ? [] : work, controller.signal);
      summary.uploads = { new: uploads.new, cached: uploads.cached, revalidated: uploads.revalidated };
      await Promise.all(
        work.map((s) =>
          this.renderShot(batchId, s, controller.signal, options.force ?? false, summary, runner),
        ),
      );
      await this.flushNow();
      await this.reconcileRecords();
    } catch (err) {
      const error = toDailiesError(err);
      this.log('error', 'ERROR', error.message);
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.batches.delete(batchId);
      for (const [shotId, set] of this.shotControllers) {
        for (const c of set)
          if ((c as AbortController & { batchId?: string }).batchId === batchId) set.delete(c);
        if (set.size === 0) this.shotControllers.delete(shotId);
      }
      summary.wallMs = Date.now() - started;
      await this.persist();
    }
    this.fire({ type: 'batch-end', batchId, summary });
    return summary;
  }

  /** Cancels every running batch of this production. */
  cancelAll(): void {
    for (const c of this.batches.values()) c.abort();
  }

  /** Cancels one shot (its queued and running variations); the rest of the batch goes on. */
  cancelShot(shotId: string): boolean {
    const set = this.shotControllers.get(shotId);
    if (!set || set.size === 0) return false;
    for (const c of set) c.abort();
    return true;
  }

  /** The config can change while nothing runs (settings edited); limits apply to waiting jobs at once. */
  configure(config: DailiesConfig): void {
    this.config = config;
    this.scheduler.configure(config);
  }

  async dispose(): Promise<void> {
    this.cancelAll();
    await this.flushNow().catch(() => undefined);
    await this.persist();
    this.journal.close();
    this.emitter.dispose();
  }

  private registryFor(doc: ProjectDocument | undefined): ModelRegistry {
    return this.registry.withProjectModels(doc?.project.models);
  }

  private async runPrewarm(batchId: string, work: PlannedShot[], signal: AbortSignal): Promise<PrewarmStats> {
    const none: PrewarmStats = { new: 0, cached: 0, revalidated: 0, failed: 0 };
    const uploader = this.options.uploader;
    if (!uploader) return none;
    const byProvider = new Map<Provider, PlannedShot[]>();
    for (const s of work) {
      const provider = s.spec ? this.options.providers[s.spec.model.provider] : undefined;
      if (!provider?.needsUploads || s.refs.every((r) => r.url)) continue;
      byProvider.set(provider, [...(byProvider.get(provider) ?? []), s]);
    }
    if (byProvider.size === 0) return none;
    return uploader.prewarm(
      [...byProvider].map(([provider, shots]) => ({ provider, shots })),
      signal,
      (p) => this.fire({ type: 'prewarm', batchId, ...p }),
    );
  }

  private async renderShot(
    batchId: string,
    planned: PlannedShot,
    batchSignal: AbortSignal,
    force: boolean,
    summary: BatchSummary,
    runner: VariationRunner = this.runner,
  ): Promise<void> {
    const shotId = planned.shot.id;
    const controller = this.shotController(shotId, batchId, batchSignal);
    const started = Date.now();
    const run = (job: (typeof planned.jobs)[number]) =>
      runner.run({ ...job, batchId }, controller.signal, force);
    let outcomes: VariationOutcome[];
    if (this.config.parallelVariations) {
      outcomes = await Promise.all(planned.jobs.map(run));
    } else {
      outcomes = [];
      for (const job of planned.jobs) outcomes.push(await run(job));
    }
    this.shotControllers.get(shotId)?.delete(controller);
    const outputs = outcomes.map((o) => o.output).filter((o): o is OutputRecord => o !== undefined);
    const failed = outcomes.filter((o) => o.state === 'failed');
    const canceled = outcomes.filter((o) => o.state === 'canceled');
    const cost = outcomes.reduce((n, o) => n + o.costUsd, 0);
    summary.costUsd += cost;
    summary.variations.rendered += outcomes.filter((o) => o.state === 'done').length;
    summary.variations.cached += outcomes.filter((o) => o.state === 'cached').length;
    summary.variations.failed += failed.length;
    summary.variations.canceled += canceled.length;
    outcomes.forEach((o, i) => {
      if (o.state !== 'failed') return;
      const variation = planned.jobs[i]?.variation;
      summary.errors.push({
        shotId,
        variation,
        code: o.error?.code ?? 'internal',
        message: o.error?.message ?? 'failed',
      });
    });
    let outcome: ShotOutcome;
    if (failed.length === 0 && canceled.length === 0) {
      outcome = outcomes.every((o) => o.state === 'cached') ? 'cached' : 'rendered';
    } else if (outputs.length === 0) {
      outcome = failed.length > 0 ? 'failed' : 'canceled';
    } else {
      outcome = failed.length > 0 ? 'partial' : 'canceled';
    }
    if (outcome === 'rendered') summary.shots.rendered++;
    else if (outcome === 'cached') summary.shots.cached++;
    else if (outcome === 'canceled') summary.shots.canceled++;
    else summary.shots.failed++;

    // Paid-for outputs are always recorded, even when a sibling variation failed or was canceled.
    if (outputs.length > 0 && planned.inputHash && planned.spec) {
      const firstError =
        failed[0]?.error?.message ?? (canceled.length ? 'some variations were canceled' : undefined);
      const record: RenderRecord = {
        status: outputs.length === planned.spec.variations ? 'done' : 'partial',
        inputHash: planned.inputHash,
        provider: planned.spec.model.provider,
        model: planned.spec.model.id,
        seed: planned.spec.baseSeed,
        outputs: outputs.sort((a, b) => a.variation - b.variation),
        renderedAt: new Date().toISOString(),
        durationMs: renderDuration(outcomes),
        queueMs: Math.round(Math.max(0, ...outcomes.map((o) => o.queueMs))),
        costUsd: cost ? Math.round(cost * 1e6) / 1e6 : undefined,
        error: outputs.length === planned.spec.variations ? undefined : firstError,
      };
      this.writer.set(shotId, record);
      this.recorded.set(shotId, record);
      this.scheduleFlush();
    }
    const error = failed[0]?.error;
    this.fire({
      type: 'shot',
      batchId,
      shotId,
      outcome,
      outputs: outputs.map((o) => ({
        variation: o.variation,
        image: o.image,
        thumb: o.thumb,
        sha256: o.sha256,
      })),
      error: error ? { code: error.code, message: error.message } : undefined,
      durationMs: renderDuration(outcomes) ?? Date.now() - started,
    });
  }

  private failShot(summary: BatchSummary, batchId: string, shotId: string, error: DailiesError): void {
    summary.shots.failed++;
    summary.errors.push({ shotId, code: error.code, message: error.message });
    this.log('error', 'ERROR', `${shotId}: ${error.message}`);
    this.fire({
      type: 'shot',
      batchId,
      shotId,
      outcome: 'failed',
      error: { code: error.code, message: error.message },
    });
  }

  private shotController(shotId: string, batchId: string, parent: AbortSignal): AbortController {
    const controller = Object.assign(new AbortController(), { batchId });
    setMaxListeners(0, controller.signal);
    if (parent.aborted) controller.abort();
    else parent.addEventListener('abort', () => controller.abort(), { once: true });
    let set = this.shotControllers.get(shotId);
    if (!set) {
      set = new Set();
      this.shotControllers.set(shotId, set);
    }
    set.add(controller);
    return controller;
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flushNow();
    }, this.options.flushDelayMs ?? 400);
  }

  private async flushNow(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    const report = await this.writer.flush();
    if (report.written.length)
      this.log('debug', 'WRITE', `recorded ${report.written.length} shot(s) in project.json`);
    if (report.missing.length) {
      this.log(
        'warn',
        'WRITE',
        `shot(s) ${report.missing.join(', ')} are no longer in project.json; their renders stay in the cache`,
      );
    }
    if (report.blocked) this.log('warn', 'WRITE', report.blocked);
  }

  private async reconcileRecords(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      const requeued = await this.writer.reconcile(this.recorded);
      if (requeued === 0) break;
      this.log(
        'warn',
        'WRITE',
        `${requeued} result(s) were overwritten by another save of project.json; recording them again`,
      );
      await this.flushNow();
    }
    if (this.batches.size <= 1) this.recorded.clear();
  }

  private async persist(): Promise<void> {
    await Promise.all([
      this.hasher.save().catch(() => undefined),
      this.metrics
        .save()
        .catch((err) => this.log('warn', 'WRITE', `metrics not saved: ${toDailiesError(err).message}`)),
    ]);
    if (this.batches.size === 0) await this.journal.compact().catch(() => undefined);
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', tag: LogTag, message: string): void {
    this.fire({ type: 'log', level, tag, message });
  }

  private fire(event: RenderEvent): void {
    this.emitter.fire(event);
  }
}

/** Wall time from the first variation's start to the last one's end; undefined when nothing rendered. */
function renderDuration(outcomes: VariationOutcome[]): number | undefined {
  const starts = outcomes.map((o) => o.startedAt).filter((t): t is number => t !== undefined);
  const ends = outcomes.map((o) => o.finishedAt).filter((t): t is number => t !== undefined);
  if (!starts.length || !ends.length) return undefined;
  return Math.max(...ends) - Math.min(...starts);
}

/** Stale or never rendered, and renderable: fresh shots are skipped and invalid ones fail without a call. */
function needsRender(s: PlannedShot): boolean {
  return s.freshness !== 'fresh' && s.freshness !== 'invalid';
}
