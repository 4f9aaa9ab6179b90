// The render engine of one production: plan → pre-warm → jobs under the shared limits → record results.
// It emits one typed event stream (src/shared/events.ts) that the CLI, the extension and the webviews
// all consume. Per-shot failures are reported and never stop the batch; cancel works for all or one shot.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { type BatchSummary, emptySummary, type LogTag, type RenderEvent } from '../../shared/events';
import { ContentStore } from '../cache/contentStore';
import { RefHasher } from '../cache/refHasher';
import { ResultCache, type ResultStore } from '../cache/resultCache';
import type { DailiesConfig } from '../config';
import { MetricsStore } from '../metrics/metricsStore';
import { documentFromText, type ProjectDocument, parseProjectText } from '../project/load';
import { ProjectPaths } from '../project/paths';
import { refIssues } from '../project/refs';
import type { ModelClass, Project } from '../project/schema';
import { FileProjectIO, type ProjectIO, ProjectWriter } from '../project/write';
import { ModelRegistry } from '../providers/registry';
import type { Provider, ProviderId } from '../providers/types';
import { ReviewRecorder } from '../review/recorder';
import { sweepStaleTemps } from '../util/atomicWrite';
import { Emitter } from '../util/emitter';
import { DailiesError, toDailiesError } from '../util/errors';
import { planVoice } from '../voice/plan';
import { renderVoice } from '../voice/render';
import { type Estimate, estimateBatch, type UploadPeek } from './estimate';
import { JobRunner, type JobRunnerDeps } from './jobRunner';
import { type JobJournal, Journal } from './journal';
import { type PlannedShot, planBatch } from './plan';
import { confirmSpend, refuseConflicts, type SpendRequest } from './preflight';
import { type BatchUploader, type PrewarmStats, runPrewarm } from './prewarm';
import { ResultRecorder } from './recorder';
import { Scheduler } from './scheduler';
import { ShotControllers } from './shotControllers';
import { needsRender, renderShot, type ShotRunDeps } from './shotOutcome';
import { type EngineTeam, FARM_WINDOW, type VariationRunner } from './teamSeam';
import { expectedJobs, renderAfterStills, splitWaves, type WaveHost, type Waves } from './videoWaves';
import { runWindowed } from './window';
import { assertWritable } from './writable';

export interface RenderOptions {
  /** Shot ids to consider; all shots when absent. */
  shots?: string[];
  /** Re-render even fresh shots, bypassing the result cache. */
  force?: boolean;
  signal?: AbortSignal;
  /** Send the paid variations to the team's render farm (EngineOptions.team) instead of rendering here. */
  farm?: boolean;
}

export type { BatchUploader, EngineTeam, PrewarmStats, SpendRequest, VariationRunner };

export interface EngineOptions {
  projectFile: string;
  config: DailiesConfig;
  /** The config for the project as loaded: each plan re-configures the engine with it (project `limits`). */
  configFor?: (project: Project) => DailiesConfig;
  /**
   * Asked once per batch, after planning and before any cloud call, when the batch would render on an
   * available cloud provider; false refuses the batch (`declined`). Baked into the engine, so no caller
   * of `render` can skip it.
   */
  confirmSpend?: (request: SpendRequest) => Promise<boolean>;
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
  /** Versions of every recorded render, and review status back to pending after a re-render. */
  readonly review: ReviewRecorder;
  private readonly hasher: RefHasher;
  private readonly store: ContentStore;
  private readonly results: ResultStore;
  private readonly journal: JobJournal;
  private readonly runner: JobRunner;
  private readonly farm: VariationRunner | undefined;
  private readonly io: ProjectIO;
  private config: DailiesConfig;
  private readonly batches = new Map<string, AbortController>();
  private readonly shotControllers = new ShotControllers();
  private readonly recorder: ResultRecorder;
  private readonly shotDeps: ShotRunDeps;
  private opened: Promise<void> | undefined;

  constructor(private readonly options: EngineOptions) {
    this.config = options.config;
    this.paths = new ProjectPaths(options.projectFile);
    this.registry = options.registry ?? new ModelRegistry();
    this.scheduler = options.scheduler ?? new Scheduler(options.config);
    this.metrics = options.metrics ?? new MetricsStore(this.paths.data('metrics.json'));
    this.hasher = new RefHasher(this.paths);
    this.store = new ContentStore(this.paths.data('store'), (m) => this.log('warn', 'CACHE', m));
    const results = new ResultCache(this.paths.data('results'), this.store, options.config.resultCache);
    this.results = options.team?.results(results, this.store) ?? results;
    this.journal = options.team?.journal ?? new Journal(this.paths.data('journal.jsonl'));
    this.io = options.io ?? new FileProjectIO(this.paths.projectFile);
    this.writer = new ProjectWriter(this.io, {
      validate: (text) => parseProjectText(text, this.paths.projectFile),
      onWritten: options.onWritten,
    });
    this.review = new ReviewRecorder(this.paths, this.writer, (m) => this.log('warn', 'WRITE', m));
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
    this.recorder = new ResultRecorder(
      this.writer,
      (level, tag, message) => this.log(level, tag, message),
      options.flushDelayMs ?? 400,
    );
    this.shotDeps = {
      runner: this.runner,
      config: this.config,
      controllers: this.shotControllers,
      record: (planned, record) => {
        this.review.rendered(planned, record);
        this.recorder.record(planned.shot.id, record);
      },
      fire: (event) => this.fire(event),
    };
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
    const doc = documentFromText(this.paths, await this.io.read(), {
      modelCheck: this.registry.modelCheck,
      modelIds: this.registry.modelIds,
    });
    this.writer.trust(doc.text);
    return doc;
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
    options: Omit<RenderOptions, 'signal'> & { trustOutputs?: boolean } = {},
  ): Promise<{ doc: ProjectDocument; shots: PlannedShot[] }> {
    await this.open();
    const doc = await this.load();
    if (this.options.configFor) this.configure(this.options.configFor(doc.project));
    // Validation and planning share one pass over the refs: a ref the Problems panel flags is the ref
    // that fails its shots here, with the same message.
    const refs = this.hasher.pass();
    doc.issues.push(...(await refIssues(doc.project, doc.text, refs)));
    const shots = await planBatch(
      {
        doc,
        registry: this.registryFor(doc),
        config: this.config,
        hasher: refs,
        providers: this.options.providers,
      },
      { shotIds: options.shots, force: options.force, trustOutputs: options.trustOutputs },
    );
    await this.hasher.save().catch(() => undefined);
    return { doc, shots };
  }

  /** Uploads every ref the stale shots would need (render's first step), rendering nothing. */
  async prewarm(options: RenderOptions = {}): Promise<PrewarmStats> {
    const { shots } = await this.plan(options);
    refuseConflicts(shots);
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
    const { doc, shots } = await this.plan(options);
    refuseConflicts(shots);
    // Video shots waiting on a still of this batch are priced too (their clips are paid for as well).
    const { first, provisional } = this.waves(doc, shots);
    return this.estimateOf([...first, ...provisional, ...this.voicePlan(doc, options.shots)], options.force);
  }

  private estimateOf(shots: PlannedShot[], force: boolean | undefined): Promise<Estimate> {
    return estimateBatch(shots, {
      results: this.results,
      metrics: this.metrics,
      config: this.config,
      uploads: this.options.uploadPeek,
      force,
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
      // Planned in a helper: an async function keeps even dead locals alive across an await, and the
      // full plan of every shot must not live as long as the batch.
      const { work, later, voice } = await this.startBatch(batchId, started, options, summary);
      // The farm's workers upload the refs they need; this machine may have no key at all.
      const uploads = await this.runPrewarm(batchId, options.farm ? [] : work, controller.signal);
      summary.uploads = { new: uploads.new, cached: uploads.cached, revalidated: uploads.revalidated };
      await runWindowed(
        work.splice(0), // handed over: each shot's plan is dropped once it is done
        (s) => (s.spec ? `${s.spec.model.provider}:${s.spec.model.class}` : ''),
        (group) => (options.farm ? FARM_WINDOW : this.shotWindow(group)),
        (s) =>
          renderShot(
            runner === this.runner ? this.shotDeps : { ...this.shotDeps, runner },
            batchId,
            s,
            controller.signal,
            options.force ?? false,
            summary,
          ),
      );
      if (later.length)
        await renderAfterStills(this.waveHost(batchId, controller.signal, options, summary), later);
      if (voice.length) await this.renderVoice(voice, batchId, controller.signal, options, summary);
      await this.recorder.flushNow();
      await this.recorder.reconcile(this.batches.size <= 1);
      await this.review.idle();
    } catch (err) {
      const error = toDailiesError(err);
      const declined = error.code === 'declined';
      this.log(declined ? 'info' : 'error', declined ? 'RENDER' : 'ERROR', error.message);
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.batches.delete(batchId);
      this.shotControllers.dropBatch(batchId);
      summary.wallMs = Date.now() - started;
      await this.persist();
    }
    this.fire({ type: 'batch-end', batchId, summary });
    return summary;
  }

  /**
   * Plans the batch, announces it and settles its fresh and invalid shots; returns what is left to render
   * now, and the video shots that wait for a still of this batch (see videoWaves.ts).
   */
  private async startBatch(
    batchId: string,
    started: number,
    options: RenderOptions,
    summary: BatchSummary,
  ): Promise<{ work: PlannedShot[]; later: PlannedShot[]; voice: PlannedShot[] }> {
    const { doc, shots: planned } = await this.plan(options);
    refuseConflicts(planned);
    const { first: shots, later, provisional } = this.waves(doc, planned);
    const voice = this.voicePlan(doc, options.shots);
    summary.shots.total = planned.length;
    const work = shots.filter(needsRender);
    // One confirmation for both waves: the waiting clips are priced before their stills exist.
    await confirmSpend(
      this.options.confirmSpend,
      [...work, ...provisional, ...voice],
      this.options.providers,
      () => this.estimateOf([...shots, ...provisional, ...voice], options.force),
      options,
    );
    if (work.length || later.length) await assertWritable(this.paths);
    // From here on every shot of the batch can be canceled, even while it waits for its turn.
    this.shotControllers.expect(
      batchId,
      [...work, ...later].map((s) => s.shot.id),
    );
    const waiting = new Set(later);
    this.fire({
      type: 'batch-start',
      batchId,
      projectFile: this.paths.projectFile,
      startedAt: started,
      shots: planned.map((s) => ({
        shotId: s.shot.id,
        variations: s.spec?.variations ?? 1,
        stale: s.freshness !== 'fresh' || waiting.has(s),
      })),
      jobs: shots.reduce((n, s) => n + s.jobs.length, 0) + expectedJobs(doc.project, later),
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
    return { work, later, voice };
  }

  /** The batch's dialogue lines on the project's TTS model (none offline, or without that provider's key). */
  private voicePlan(doc: ProjectDocument, shotIds: string[] | undefined): PlannedShot[] {
    let voice: PlannedShot[];
    try {
      voice = planVoice(doc.project, this.registryFor(doc), shotIds);
    } catch (err) {
      // A bad voice model costs the voice, not the pictures (the validator warns about it too).
      this.log('warn', 'RENDER', `scratch voice: ${toDailiesError(err).message}; lines stay subtitles`);
      return [];
    }
    const provider = voice[0]?.spec?.model.provider;
    if (provider && !this.options.providers[provider]) {
      this.log(
        'info',
        'RENDER',
        `scratch voice: ${this.options.unavailable?.[provider] ?? `${provider} is not available`}; lines stay subtitles`,
      );
      return [];
    }
    return voice;
  }

  private async renderVoice(
    voice: PlannedShot[],
    batchId: string,
    signal: AbortSignal,
    options: RenderOptions,
    summary: BatchSummary,
  ): Promise<void> {
    const runner = this.runner.withSink({ job: () => undefined, log: (l, t, m) => this.log(l, t, m) });
    await renderVoice(runner, voice, batchId, signal, options.force ?? false, summary, (level, message) =>
      this.log(level, level === 'error' ? 'ERROR' : 'RENDER', message),
    );
  }

  /** Cancels every running batch of this production. */
  cancelAll(): void {
    for (const c of this.batches.values()) c.abort();
  }

  /** Cancels one shot (its queued and running variations); the rest of the batch goes on. */
  cancelShot(shotId: string): boolean {
    return this.shotControllers.cancel(shotId);
  }

  /** The config can change while nothing runs (settings edited); limits apply to waiting jobs at once. */
  configure(config: DailiesConfig): void {
    this.config = config;
    this.shotDeps.config = config;
    this.scheduler.configure(config);
    this.runner.configure(config);
  }

  async dispose(): Promise<void> {
    this.cancelAll();
    await this.recorder.flushNow().catch(() => undefined);
    await this.review.idle();
    await this.persist();
    this.journal.close();
    this.emitter.dispose();
  }

  private registryFor(doc: ProjectDocument | undefined): ModelRegistry {
    return this.registry.withProjectModels(doc?.project.models);
  }

  /** Shots of one limiter's group in flight: twice its limit (and a few), so a slot never waits for work. */
  private shotWindow(group: string): number {
    const [provider, cls] = group.split(':') as [ProviderId, ModelClass];
    if (!provider || !cls) return 16;
    return this.scheduler.classLimiter(provider, cls).max * 2 + 4;
  }

  private waves(doc: ProjectDocument, planned: PlannedShot[]): Waves {
    return splitWaves(doc.project, planned, this.registryFor(doc), this.config);
  }

  /** The second wave of a batch: video shots planned again once their stills are recorded. */
  private waveHost(
    batchId: string,
    signal: AbortSignal,
    options: RenderOptions,
    summary: BatchSummary,
  ): WaveHost {
    const force = options.force ?? false;
    const shot = (shotId: string, outcome: 'skipped' | 'canceled') => {
      summary.shots[outcome]++;
      this.fire({ type: 'shot', batchId, shotId, outcome });
    };
    return {
      signal,
      flush: () => this.recorder.flushNow(),
      plan: async (ids) => (await this.plan({ shots: ids, force })).shots,
      skip: (shotId) => shot(shotId, 'skipped'),
      fail: (shotId, error) => this.failShot(summary, batchId, shotId, error),
      cancel: (shotId) => shot(shotId, 'canceled'),
      render: async (work) => {
        const uploads = await this.runPrewarm(batchId, work, signal);
        summary.uploads.new += uploads.new;
        summary.uploads.cached += uploads.cached;
        summary.uploads.revalidated += uploads.revalidated;
        await Promise.all(work.map((s) => renderShot(this.shotDeps, batchId, s, signal, force, summary)));
      },
    };
  }

  private runPrewarm(batchId: string, work: PlannedShot[], signal: AbortSignal): Promise<PrewarmStats> {
    return runPrewarm(this.options.uploader, this.options.providers, work, signal, (p) =>
      this.fire({ type: 'prewarm', batchId, ...p }),
    );
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
