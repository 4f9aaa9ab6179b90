// One production (one project.json) in the editor: its engine (created on first use, so activation does
// not load sharp or the SDKs), its UI state, and the refresh / render / cancel operations the commands,
// the tree, the status bar and the webviews call.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UploadCache } from '../../core/cache/uploadCache';
import { configFor, type DailiesConfig, envLayer } from '../../core/config';
import { ProjectLoadError } from '../../core/project/load';
import { ProjectPaths } from '../../core/project/paths';
import type { Project } from '../../core/project/schema';
import { cloudProviders } from '../../core/providers/cloud';
import { createProviders } from '../../core/providers/factory';
import type { ModelRegistry } from '../../core/providers/registry';
import { RenderEngine, type RenderOptions } from '../../core/render/engine';
import type { Estimate } from '../../core/render/estimate';
import { Scheduler, type SharedLimits } from '../../core/render/scheduler';
import { ProductionState } from '../../core/state/productionState';
import { teamSettings } from '../../core/team/settings';
import { toDailiesError } from '../../core/util/errors';
import type { BatchSummary, RenderEvent } from '../../shared/events';
import type { ShotState } from '../../shared/shotState';
import { spendGate } from '../commands/spendGate';
import type { DailiesLog } from '../log';
import type { KeyStore } from '../secrets';
import { readSettings } from '../settings';
import type { ProjectDiagnostics } from './diagnostics';
import { DocumentAwareIO, openDocument } from './documentIO';
import { OwnWrites } from './ownWrites';

/** How long the first look stands before the plan that stats every output runs. */
const VERIFY_AFTER_MS = 1000;
/** Write-backs remembered for the watcher: it debounces, so it sees at most the last of a burst. */

export interface ProductionServices {
  /** The window's request rates and image work, shared by every production (one account, one machine). */
  shared: SharedLimits;
  registry: ModelRegistry;
  keys: KeyStore;
  log: DailiesLog;
  diagnostics: ProjectDiagnostics;
}

export class Production implements vscode.Disposable {
  readonly state = new ProductionState();
  private readonly changed = new vscode.EventEmitter<string[] | undefined>();
  /** Fires with the shot ids that changed (none: only the counts did), or undefined when everything may have. */
  readonly onDidChange = this.changed.event;
  private readonly events = new vscode.EventEmitter<RenderEvent>();
  /** The engine's raw event stream (for webviews that coalesce it themselves). */
  readonly onEvent = this.events.event;
  private engineInstance: RenderEngine | undefined;
  /** Set on the first call, so callers racing on a fresh production share one engine. */
  private enginePromise: Promise<RenderEngine> | undefined;
  private uploads: UploadCache | undefined;
  /** Our write-backs, told from the user's changes by the registry's watchers. */
  readonly ownWrites: OwnWrites;
  /** Re-plans from the text so far (for the test API). */
  plans = 0;
  /** The team backend this production's engine uses, or why it could not be reached. */
  private team: import('../../core/team/artist').ArtistTeam | undefined;
  private teamProblem: Error | undefined;
  /** The dailies.team.* values the engine was built with: a change means another backend, not a tweak. */
  private teamBuiltWith: string | undefined;
  /** Team settings changed during a batch: the engine is rebuilt once it ends. */
  private teamChangedDuringBatch = false;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private planned = false;
  private verifyTimer: NodeJS.Timeout | undefined;
  /** The project as last planned: its `limits` are part of this production's config. */
  private project: Project | undefined;
  /** A reconfigure in flight (settings or keys just changed): work waits for the new providers. */
  private reconfiguring: Promise<void> = Promise.resolve();

  constructor(
    readonly uri: vscode.Uri,
    private readonly services: ProductionServices,
  ) {
    this.ownWrites = new OwnWrites(uri.fsPath);
  }

  get file(): string {
    return this.uri.fsPath;
  }

  get root(): string {
    return path.dirname(this.uri.fsPath);
  }

  get label(): string {
    return this.state.title || path.basename(this.root);
  }

  get isRendering(): boolean {
    return this.state.running;
  }

  /** The engine, created on first use with the current settings and keys. */
  engine(): Promise<RenderEngine> {
    this.enginePromise ??= this.createEngine().catch((err: unknown) => {
      this.enginePromise = undefined; // let the next call try again (e.g. the key store was busy)
      throw err;
    });
    return this.enginePromise;
  }

  private async createEngine(): Promise<RenderEngine> {
    const config = this.config();
    const scheduler = new Scheduler(config, this.services.shared);
    const { providers, unavailable } = await this.providerSet(config, scheduler);
    this.uploads = new UploadCache(new ProjectPaths(this.file), config);
    this.teamBuiltWith = teamKey(this.uri);
    const team = await this.openTeam();
    const engine = new RenderEngine({
      projectFile: this.file,
      config,
      // Every plan re-reads the project; its `limits` join the config then (as in the CLI).
      configFor: (project) => {
        this.project = project;
        return this.config();
      },
      // Baked in: no caller of this engine's render can skip the confirmation of a cloud spend.
      confirmSpend: spendGate(this, this.services.log),
      providers,
      unavailable,
      registry: this.services.registry,
      scheduler,
      io: new DocumentAwareIO(this.uri),
      uploader: team?.uploader(config) ?? this.uploads,
      uploadPeek: this.uploads.peeker(providers),
      onWritten: (text) => this.ownWrites.wrote(text, openDocument(this.uri)),
      team: team?.engine,
    });
    engine.onEvent((e) => this.onEngineEvent(e));
    this.engineInstance = engine;
    this.services.log.info(`${vscode.workspace.asRelativePath(this.uri)}: engine created`);
    return engine;
  }

  /** Re-plans from the current text (buffer if unsaved, else disk); coalesces bursts of changes. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.refreshOnce();
      } while (this.refreshAgain);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    const started = Date.now();
    this.plans++;
    const engine = await this.engine();
    // Views redraw what changed: the shots whose view did, or everything (undefined) on a structural
    // change — never everything on every keystroke of a 10,000-shot file.
    let changed: string[] | undefined;
    try {
      // The first look trusts the recorded outputs (the status bar and tree appear without a stat per
      // image); a verifying plan follows once the views have had their turn, and corrects any shot whose
      // image is gone. Any later refresh verifies.
      const first = !this.planned;
      clearTimeout(this.verifyTimer);
      const { doc, shots } = await engine.plan({ trustOutputs: first });
      if (first) {
        this.planned = true;
        this.verifyTimer = setTimeout(() => void this.refresh(), VERIFY_AFTER_MS);
        this.services.log.info(
          `${path.basename(this.root)}: ${shots.length} shots planned in ${Date.now() - started} ms`,
        );
      }
      const change = this.state.applyPlan(
        doc,
        shots,
        await engine.review.versions.counts().catch(() => undefined),
      );
      changed = change.structural ? undefined : change.ids;
      this.services.diagnostics.set(this.uri, doc.issues);
    } catch (err) {
      const error = toDailiesError(err);
      changed = this.state.setProblem(error.message) ? undefined : [];
      // Every load error has its issue at a line (syntax, schema, a file that lost its "shots").
      this.services.diagnostics.set(this.uri, err instanceof ProjectLoadError ? err.issues : []);
      this.services.log.write('warn', 'ERROR', `${path.basename(this.root)}: ${error.message}`);
    }
    if (changed === undefined || changed.length > 0) this.changed.fire(changed);
  }

  async render(options: RenderOptions = {}): Promise<BatchSummary> {
    await this.reconfiguring;
    const engine = await this.engine();
    const { team } = readSettings(this.uri);
    // A team that is set up but out of reach renders nothing, unless this machine may render alone.
    if (this.teamProblem && team.farmFallback !== 'local') throw this.teamProblem;
    try {
      return await engine.render({ farm: team.farm && this.team !== undefined, ...options });
    } finally {
      if (this.teamChangedDuringBatch) void this.reconfigure();
      else void this.refresh();
    }
  }

  async estimate(options: RenderOptions = {}): Promise<Estimate> {
    await this.reconfiguring;
    return (await this.engine()).estimate(options);
  }

  cancelAll(): void {
    this.engineInstance?.cancelAll();
  }

  cancelShot(id: string): boolean {
    return this.engineInstance?.cancelShot(id) ?? false;
  }

  /**
   * Settings, keys or trust changed: rebuild providers and limits for the next jobs. A render or estimate
   * asked for meanwhile waits for it, so it never starts on the providers of the old settings.
   */
  reconfigure(): Promise<void> {
    const run = this.reconfiguring.then(async () => {
      const engine = this.engineInstance;
      if (!engine) return;
      if (teamKey(this.uri) !== this.teamBuiltWith) {
        // Another Redis or store is another backend: the engine is rebuilt on it (the next call makes it),
        // never switched under a running batch.
        if (this.state.running) {
          this.teamChangedDuringBatch = true;
          this.services.log.info('Team settings changed: they apply when the current batch ends');
          return;
        }
        await this.dropEngine();
        return;
      }
      const config = this.config();
      engine.configure(config);
      this.uploads?.configure(config);
      const { providers, unavailable } = await this.providerSet(config, engine.scheduler);
      engine.setProviders(providers, unavailable);
    });
    this.reconfiguring = run.catch(() => undefined);
    return run.then(() => this.refresh());
  }

  /**
   * Cloud providers the given shots (all not-fresh ones by default) need but have no key for. Empty in
   * Restricted Mode: nothing there may ask for a key.
   */
  missingKeys(shotIds?: string[], force = false): ('fal' | 'replicate')[] {
    if (!vscode.workspace.isTrusted) return [];
    // Renders on the team's farm use the workers' keys: this machine needs none.
    if (this.team && readSettings(this.uri).team.farm) return [];
    const wanted = shotIds ? new Set(shotIds) : undefined;
    const needed = new Set(
      this.state
        .all()
        .filter((s) => (wanted ? wanted.has(s.id) : true) && (force || !isUpToDate(s.status)))
        .map((s) => s.provider),
    );
    return (['fal', 'replicate'] as const).filter((p) => needed.has(p) && this.providersMissing.has(p));
  }

  private providersMissing = new Set<string>();

  /** The one config of this production: `configFor` with the last planned project and what the user set. */
  config(): DailiesConfig {
    return configFor({
      project: this.project,
      host: readSettings(this.uri).layer,
      hostKind: 'settings',
      env: envLayer(),
    });
  }

  /**
   * Restricted Mode (an untrusted workspace) builds no cloud provider at all: its shots fail without a
   * call, with a message that says why. The lowest place a cloud call could start.
   */
  private async providerSet(config: DailiesConfig, scheduler: Scheduler) {
    const trusted = vscode.workspace.isTrusted;
    const set = createProviders(
      config,
      trusted ? await this.services.keys.keys() : {},
      trusted ? cloudProviders : {},
      { fal: { rate: scheduler.rate('fal') }, replicate: { rate: scheduler.rate('replicate') } },
      { fal: 'run "Dailies: Set fal.ai Key"', replicate: 'run "Dailies: Set Replicate Key"' },
    );
    if (!trusted) {
      for (const [id, label] of [
        ['fal', 'fal.ai'],
        ['replicate', 'Replicate'],
      ] as const)
        set.unavailable[id] =
          `Restricted Mode: this workspace is not trusted, so Dailies renders with the offline draft provider only. Trust the workspace to render with ${label}.`;
    }
    this.providersMissing = new Set(trusted ? Object.keys(set.unavailable) : []);
    return set;
  }

  private onEngineEvent(e: RenderEvent): void {
    if (e.type === 'log') this.services.log.write(e.level, e.tag, e.message);
    const ids = this.state.applyEvent(e);
    this.events.fire(e);
    // Batch-level events change the counts, not any row: an empty list, never "everything" (which
    // would rebuild the whole tree at every batch start, end and upload).
    if (ids.length || e.type === 'batch-start' || e.type === 'batch-end' || e.type === 'prewarm')
      this.changed.fire(ids);
  }

  /** Lets the engine and its team backend go; the next engine() builds them from the current settings. */
  private async dropEngine(): Promise<void> {
    const engine = this.engineInstance;
    const team = this.team;
    this.engineInstance = undefined;
    this.enginePromise = undefined;
    this.team = undefined;
    this.teamProblem = undefined;
    this.teamChangedDuringBatch = false;
    await engine?.dispose();
    await team?.close();
    this.services.log.info(
      `${vscode.workspace.asRelativePath(this.uri)}: team settings changed, engine rebuilt`,
    );
  }

  /** The team backend (src/core/team), loaded only when dailies.team.* is set. */
  private async openTeam() {
    const { team } = readSettings(this.uri);
    try {
      const settings = teamSettings(team);
      if (!settings) return undefined;
      const { openArtistTeam } = require('../../core/team/artist') as typeof import('../../core/team/artist');
      const opened = await openArtistTeam(settings, {
        projectRoot: this.root,
        fallback: team.farmFallback,
        log: (message) => this.services.log.write('warn', 'RENDER', message),
      });
      this.team = opened;
      this.teamProblem = undefined;
      return opened;
    } catch (err) {
      this.teamProblem = toDailiesError(err);
      this.services.log.write('error', 'ERROR', `Team backend: ${this.teamProblem.message}`);
      return undefined;
    }
  }

  dispose(): void {
    clearTimeout(this.verifyTimer);
    void this.engineInstance?.dispose().then(() => this.team?.close());
    this.services.diagnostics.delete(this.uri);
    this.changed.dispose();
    this.events.dispose();
  }
}

/** What identifies the team backend a production's engine is built on. */
function teamKey(uri: vscode.Uri): string {
  const { team } = readSettings(uri);
  return JSON.stringify([team.redisUrl ?? '', team.store ?? '']);
}

/** Rendered and current: the only states a render (without force) leaves alone. */
function isUpToDate(state: ShotState): boolean {
  return state === 'done' || state === 'cached';
}
