// One production (one project.json) in the editor: its engine (created on first use, so activation does
// not load sharp or the SDKs), its UI state, and the refresh / render / cancel operations the commands,
// the tree, the status bar and the webviews call.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UploadCache } from '../../core/cache/uploadCache';
import { type DailiesConfig, envLayer, projectLayer, resolveConfig } from '../../core/config';
import { shotLines } from '../../core/project/edit';
import { ProjectLoadError } from '../../core/project/load';
import { ProjectPaths } from '../../core/project/paths';
import { cloudProviders } from '../../core/providers/cloud';
import { createProviders } from '../../core/providers/factory';
import type { ModelRegistry } from '../../core/providers/registry';
import { RenderEngine, type RenderOptions } from '../../core/render/engine';
import type { Estimate } from '../../core/render/estimate';
import type { Scheduler } from '../../core/render/scheduler';
import { ProductionState } from '../../core/state/productionState';
import { teamSettings } from '../../core/team/settings';
import { toDailiesError } from '../../core/util/errors';
import { sha256 } from '../../core/util/hash';
import type { BatchSummary, RenderEvent } from '../../shared/events';
import type { DailiesLog } from '../log';
import type { KeyStore } from '../secrets';
import { readSettings } from '../settings';
import type { ProjectDiagnostics } from './diagnostics';
import { DocumentAwareIO } from './documentIO';

export interface ProductionServices {
  scheduler: Scheduler;
  registry: ModelRegistry;
  keys: KeyStore;
  log: DailiesLog;
  diagnostics: ProjectDiagnostics;
}

export class Production implements vscode.Disposable {
  readonly state = new ProductionState();
  private readonly changed = new vscode.EventEmitter<string[] | undefined>();
  /** Fires with the shot ids that changed, or undefined when everything may have. */
  readonly onDidChange = this.changed.event;
  private readonly events = new vscode.EventEmitter<RenderEvent>();
  /** The engine's raw event stream (for webviews that coalesce it themselves). */
  readonly onEvent = this.events.event;
  private engineInstance: RenderEngine | undefined;
  /** Set on the first call, so callers racing on a fresh production share one engine. */
  private enginePromise: Promise<RenderEngine> | undefined;
  private uploads: UploadCache | undefined;
  private writtenHashes = new Set<string>();
  /** The team backend this production's engine uses, or why it could not be reached. */
  private team: import('../../core/team/artist').ArtistTeam | undefined;
  private teamProblem: Error | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  constructor(
    readonly uri: vscode.Uri,
    private readonly services: ProductionServices,
  ) {}

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
    const config = this.settingsConfig();
    const { providers, unavailable } = await this.providerSet(config);
    this.uploads = new UploadCache(new ProjectPaths(this.file), config);
    const team = await this.openTeam();
    const engine = new RenderEngine({
      projectFile: this.file,
      config,
      providers,
      unavailable,
      registry: this.services.registry,
      scheduler: this.services.scheduler,
      io: new DocumentAwareIO(this.uri),
      uploader: team?.uploader(config) ?? this.uploads,
      uploadPeek: this.uploads.peeker(providers),
      onWritten: (text) => this.writtenHashes.add(sha256(text)),
      team: team?.engine,
    });
    engine.onEvent((e) => this.onEngineEvent(e));
    this.engineInstance = engine;
    return engine;
  }

  /** Is this file change one of our own write-backs? (The watcher must not react to those.) */
  isOwnWrite(text: string): boolean {
    const h = sha256(text);
    if (!this.writtenHashes.has(h)) return false;
    this.writtenHashes.delete(h);
    return true;
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
    const engine = await this.engine();
    try {
      const { doc, shots } = await engine.plan();
      engine.configure(resolveConfig(projectLayer(doc.project), readSettings(this.uri).layer, envLayer()));
      this.state.applyPlan(doc, shots, shotLines(doc.text));
      this.services.diagnostics.set(this.uri, doc.issues);
    } catch (err) {
      const error = toDailiesError(err);
      this.state.setProblem(error.message);
      if (err instanceof ProjectLoadError) this.services.diagnostics.set(this.uri, err.issues);
      this.services.log.write('warn', 'ERROR', `${path.basename(this.root)}: ${error.message}`);
    }
    this.changed.fire(undefined);
  }

  async render(options: RenderOptions = {}): Promise<BatchSummary> {
    const engine = await this.engine();
    const { team } = readSettings(this.uri);
    // A team that is set up but out of reach renders nothing, unless this machine may render alone.
    if (this.teamProblem && team.farmFallback !== 'local') throw this.teamProblem;
    try {
      return await engine.render({ farm: team.farm && this.team !== undefined, ...options });
    } finally {
      void this.refresh();
    }
  }

  async estimate(options: RenderOptions = {}): Promise<Estimate> {
    return (await this.engine()).estimate(options);
  }

  cancelAll(): void {
    this.engineInstance?.cancelAll();
  }

  cancelShot(id: string): boolean {
    return this.engineInstance?.cancelShot(id) ?? false;
  }

  /** Settings or keys changed: rebuild providers and limits for the next jobs. */
  async reconfigure(): Promise<void> {
    if (!this.engineInstance) return;
    const config = this.settingsConfig();
    this.engineInstance.configure(config);
    this.uploads?.configure(config);
    const { providers, unavailable } = await this.providerSet(config);
    this.engineInstance.setProviders(providers, unavailable);
    await this.refresh();
  }

  /** Providers the shots of this plan need but have no key for. */
  missingKeys(): ('fal' | 'replicate')[] {
    const needed = new Set(
      this.state
        .all()
        .filter((s) => s.status !== 'fresh')
        .map((s) => s.provider),
    );
    return (['fal', 'replicate'] as const).filter((p) => needed.has(p) && this.providersMissing.has(p));
  }

  private providersMissing = new Set<string>();

  /** Settings and environment; the project's own layer joins once a plan has read the file. */
  private settingsConfig(): DailiesConfig {
    return resolveConfig(readSettings(this.uri).layer, envLayer());
  }

  private async providerSet(config: DailiesConfig) {
    const set = createProviders(
      config,
      await this.services.keys.keys(),
      cloudProviders,
      {
        fal: { rate: this.services.scheduler.rate('fal') },
        replicate: { rate: this.services.scheduler.rate('replicate') },
      },
      { fal: 'run "Dailies: Set fal.ai Key"', replicate: 'run "Dailies: Set Replicate Key"' },
    );
    this.providersMissing = new Set(Object.keys(set.unavailable));
    return set;
  }

  private onEngineEvent(e: RenderEvent): void {
    if (e.type === 'log') this.services.log.write(e.level, e.tag, e.message);
    const ids = this.state.applyEvent(e);
    this.events.fire(e);
    if (ids.length || e.type === 'batch-start' || e.type === 'batch-end' || e.type === 'prewarm')
      this.changed.fire(ids.length ? ids : undefined);
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
    void this.engineInstance?.dispose().then(() => this.team?.close());
    this.services.diagnostics.delete(this.uri);
    this.changed.dispose();
    this.events.dispose();
  }
}
