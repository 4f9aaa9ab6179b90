// One animatic builder per production, in the extension host (encoding itself runs in ffmpeg children).
// It rebuilds while shots render when the production already has an animatic (or its Cut panel is open)
// and `dailies.animatic.rebuildOnRender` is on, and tells the Cut panels what it is doing.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { type AnimaticResult, lastAnimatic } from '../../core/cut/build';
import { AnimaticBuilder, type AnimaticEvent } from '../../core/cut/builder';
import { locateFfmpeg } from '../../core/cut/ffmpeg';
import { animaticOptions } from '../../core/cut/options';
import { ProjectPaths } from '../../core/project/paths';
import type { CutBuildState } from '../../shared/cut';
import type { RenderEvent } from '../../shared/events';
import type { DailiesLog } from '../log';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { Disposable } from '../util/disposable';
import { readCutSettings } from './cutSettings';

interface Entry {
  builder: AnimaticBuilder;
  state: CutBuildState;
  subscriptions: vscode.Disposable[];
}

export interface AnimaticChange {
  production: Production;
  event: AnimaticEvent;
  state: CutBuildState;
}

export class Animatics extends Disposable {
  private readonly entries = new Map<Production, Entry>();
  private readonly changed = this.register(new vscode.EventEmitter<AnimaticChange>());
  readonly onDidChange = this.changed.event;
  /** Productions whose Cut panel is open: they follow renders even before their first animatic. */
  readonly watching = new Set<Production>();
  /** Render hooks, one per production; whether a batch is followed is decided at its start. */
  private readonly hooks = new Map<Production, vscode.Disposable>();
  private readonly following = new Set<Production>();
  private readonly status = new Map<Production, { done(): void; report(message: string): void }>();

  constructor(
    registry: ProductionRegistry,
    private readonly log: DailiesLog,
  ) {
    super();
    const sync = () => {
      const alive = new Set(registry.all());
      for (const p of [...this.hooks.keys()]) if (!alive.has(p)) this.drop(p);
      for (const p of alive)
        if (!this.hooks.has(p))
          this.hooks.set(
            p,
            p.onEvent((e) => this.onRenderEvent(p, e)),
          );
    };
    this.register(registry.onDidChangeProductions(sync));
    void registry.whenReady().then(sync);
    this.register({
      dispose: () => {
        for (const p of new Set([...this.entries.keys(), ...this.hooks.keys()])) this.drop(p);
      },
    });
  }

  private onRenderEvent(production: Production, e: RenderEvent): void {
    if (e.type === 'batch-start') {
      if (this.follows(production)) this.following.add(production);
      else this.following.delete(production);
    }
    if (this.following.has(production)) this.entry(production).builder.onRenderEvent(e);
  }

  state(production: Production): CutBuildState {
    return this.entries.get(production)?.state ?? { building: false };
  }

  /** The last successful build (this session, else the one recorded beside the project). */
  async last(production: Production): Promise<AnimaticResult | undefined> {
    return this.entries.get(production)?.builder.last ?? lastAnimatic(new ProjectPaths(production.file));
  }

  build(production: Production, signal?: AbortSignal): Promise<AnimaticResult> {
    return this.entry(production).builder.build('Build Animatic', signal);
  }

  cancel(production: Production): boolean {
    const entry = this.entries.get(production);
    if (!entry?.builder.building) return false;
    entry.builder.cancel();
    return true;
  }

  /** Creates the builder (and its render hook) on first use. */
  entry(production: Production): Entry {
    const existing = this.entries.get(production);
    if (existing) return existing;
    const paths = new ProjectPaths(production.file);
    const builder = new AnimaticBuilder({
      paths,
      load: async () => (await (await production.engine()).load()).project,
      options: () => animaticOptions(readCutSettings(production.uri).options),
      ffmpeg: () => locateFfmpeg({ setting: readCutSettings(production.uri).ffmpegPath }).path,
    });
    const entry: Entry = { builder, state: { building: false }, subscriptions: [] };
    entry.subscriptions.push(toVscode(builder.onEvent((e) => this.onBuilderEvent(production, entry, e))));
    this.entries.set(production, entry);
    return entry;
  }

  /** Whether shots landing in this production rebuild its animatic. */
  private follows(production: Production): boolean {
    if (!readCutSettings(production.uri).rebuildOnRender) return false;
    if (this.watching.has(production)) return true;
    const entry = this.entries.get(production);
    if (entry?.builder.last) return true;
    try {
      const paths = new ProjectPaths(production.file);
      return existsSync(paths.resolveFile(animaticOptions(readCutSettings(production.uri).options).out).abs);
    } catch {
      return false;
    }
  }

  /** Every build, progressive ones included, shows in the status bar while ffmpeg works. */
  private statusBar(production: Production, e: AnimaticEvent): void {
    const open = this.status.get(production);
    if (e.type === 'start' && !open) {
      let done: () => void = () => undefined;
      let report: (message: string) => void = () => undefined;
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `$(device-camera-video) Animatic` },
        (progress) =>
          new Promise<void>((resolve) => {
            done = resolve;
            report = (message) => progress.report({ message });
          }),
      );
      this.status.set(production, { done: () => done(), report: (m) => report(m) });
    } else if (e.type === 'progress' && open) {
      const pct = Math.round((e.framesTotal ? e.framesDone / e.framesTotal : 1) * 100);
      open.report(e.phase === 'joining' ? 'joining…' : `${pct}% · ${e.shotId ?? ''}`);
    } else if ((e.type === 'done' || e.type === 'failed') && open) {
      open.done();
      this.status.delete(production);
    }
  }

  private onBuilderEvent(production: Production, entry: Entry, e: AnimaticEvent): void {
    this.statusBar(production, e);
    const s = entry.state;
    switch (e.type) {
      case 'scheduled':
        entry.state = { ...s, pending: e.shotIds };
        break;
      case 'start':
        entry.state = { building: true, phase: 'encoding', fraction: 0, shotId: e.toEncode[0] };
        this.log.write(
          'info',
          'EXT',
          `animatic: cutting ${e.shots} shots (${e.toEncode.length} to encode; ${e.reason})`,
        );
        break;
      case 'segment':
        if (e.state === 'encoding') entry.state = { ...s, shotId: e.shotId };
        break;
      case 'progress':
        entry.state = {
          ...s,
          building: true,
          phase: e.phase,
          shotId: e.phase === 'joining' ? undefined : (e.shotId ?? s.shotId),
          fraction: e.framesTotal ? e.framesDone / e.framesTotal : 1,
        };
        break;
      case 'done':
        entry.state = { building: false };
        this.log.write(
          'info',
          'EXT',
          `animatic: ${e.result.rel} (${e.result.encoded.length} encoded, ${e.result.reused.length} reused)`,
        );
        break;
      case 'failed':
        entry.state = { building: false, error: e.canceled ? undefined : e.error.message };
        if (!e.canceled) this.log.write('warn', 'ERROR', `animatic not built: ${e.error.message}`);
        break;
      case 'log':
        this.log.write(e.level, 'EXT', `animatic: ${e.message}`);
        break;
    }
    this.changed.fire({ production, event: e, state: entry.state });
  }

  private drop(production: Production): void {
    this.status.get(production)?.done();
    this.status.delete(production);
    this.hooks.get(production)?.dispose();
    this.hooks.delete(production);
    this.following.delete(production);
    const entry = this.entries.get(production);
    if (!entry) return;
    this.entries.delete(production);
    this.watching.delete(production);
    for (const s of entry.subscriptions) s.dispose();
    entry.builder.dispose();
  }
}

function toVscode(d: { dispose(): void }): vscode.Disposable {
  return new vscode.Disposable(() => d.dispose());
}
