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
import type { Project } from '../project/schema';
import { FileProjectIO, type ProjectIO, ProjectWriter, type Text, textOf } from '../project/write';
import { ModelRegistry } from '../providers/registry';
import type { Provider, ProviderId } from '../providers/types';
import { ReviewRecorder } from '../review/recorder';
import { sweepStaleTemps } from '../util/atomicWrite';
import { Emitter } from '../util/emitter';
import { DailiesError, toDailiesError } from '../util/errors';
import { batchVoice, speakBatch } from '../voice/batch';
import type { BatchDeps } from './batchDeps';
import { startBatch } from './batchStart';
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
import { renderAfterStills, splitWaves } from './videoWaves';
import { waveHost } from './waveHost';
import { runWindowed, shotWindow } from './window';

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
  onWritten?: (text: Text) => void;
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
  private readonly batch: BatchDeps;
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
    // Read through `this` at each call: keys and config set between batches apply to the next one.
    this.batch = {
      paths: this.paths,
      controllers: this.shotControllers,
      shot: this.shotDeps,
      plan: (o) => this.plan(o),
      waves: (doc, planned) => splitWaves(doc.project, planned, this.registryFor(doc), this.config),
      voice: (doc, shotIds) =>
        batchVoice(
          doc.project,
          this.registryFor(doc),
          shotIds,
          this.options.providers,
          this.options.unavailable,
          this.batch.log,
        ),
      confirm: (work, estimate, o) =>
        confirmSpend(this.options.confirmSpend, work, this.options.providers, estimate, o),
      estimate: (shots, force) =>
        estimateBatch(shots, {
          results: this.results,
          metrics: this.metrics,
          config: this.config,
          uploads: this.options.uploadPeek,
          force,
        }),
      prewarm: (batchId, work, signal) =>
        runPrewarm(this.options.uploader, this.options.providers, work, signal, (p) =>
          this.fire({ type: 'prewarm', batchId, ...p }),
        ),
      flush: () => this.recorder.flushNow(),
      fire: (event) => this.fire(event),
      log: (level, tag, message) => this.log(level, tag, message),
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
    // Text this IO read or wrote and that the file still holds (one stat) is not read again: the CLI
    // hands in the IO it loaded the project with a moment ago, a 20 MB read and decode on a 20,000-shot run.
    const known = await this.io.known?.();
    const text = known === undefined ? await this.io.read() : textOf(known);
    const doc = documentFromText(this.paths, text, {
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
      return await this.batch.prewarm('prewarm', work, controller.signal);
    } finally {
      await this.persist();
    }
  }

  /** What `render` would do with the same options, without doing it. */
  async estimate(options: Omit<RenderOptions, 'signal'> = {}): Promise<Estimate> {
    const { doc, shots } = await this.plan(options);
    refuseConflicts(shots);
    // Video shots waiting on a still of this batch are priced too (their clips are paid for as well).
    const { first, provisional } = this.batch.waves(doc, shots);
    const voice = this.batch.voice(doc, options.shots);
    return this.batch.estimate([...first, ...provisional, ...voice], options.force);
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
    const force = options.force ?? false;
    const started = Date.now();
    const summary = emptySummary(batchId);
    this.batches.set(batchId, controller);
    try {
      // Planned in a helper: an async function keeps even dead locals alive across an await, and the
      // full plan of every shot must not live as long as the batch.
      const { work, later, voice } = await startBatch(this.batch, batchId, started, options, summary);
      // The farm's workers upload the refs they need; this machine may have no key at all.
      const uploads = await this.batch.prewarm(batchId, options.farm ? [] : work, controller.signal);
      summary.uploads = { new: uploads.new, cached: uploads.cached, revalidated: uploads.revalidated };
      // A farm batch sends both waves to the farm: the second is queued once the first is recorded.
      const farmDeps = runner === this.runner ? undefined : { ...this.shotDeps, runner };
      await runWindowed(
        work.splice(0), // handed over: each shot's plan is dropped once it is done
        (s) => (s.spec ? `${s.spec.model.provider}:${s.spec.model.class}` : ''),
        (group) => (options.farm ? FARM_WINDOW : shotWindow(this.scheduler, group)),
        (s) => renderShot(farmDeps ?? this.shotDeps, batchId, s, controller.signal, force, summary),
      );
      if (later.length)
        await renderAfterStills(
          waveHost(this.batch, batchId, controller.signal, force, summary, farmDeps),
          later,
        );
      if (voice.length)
        await speakBatch(this.runner, voice, batchId, controller.signal, force, summary, this.batch.log);
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
    await this.writer.settled();
    await this.review.idle();
    await this.persist();
    this.journal.close();
    this.emitter.dispose();
  }

  private registryFor(doc: ProjectDocument | undefined): ModelRegistry {
    return this.registry.withProjectModels(doc?.project.models);
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
