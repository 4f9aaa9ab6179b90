// The Cut panel of a production: the animatic in a <video> (served through asWebviewUri; the page's CSP
// allows media from the webview origin only), its timeline strip, and the builder's live state. One panel
// per production, restored after a reload. Build state is sent at most every 150 ms; a finished build
// sends a full snapshot (new video URL, new clips).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AnimaticResult } from '../../core/cut/build';
import { animaticOptions, frameSize } from '../../core/cut/options';
import type { CutClip, CutEvents, CutHostRequests, CutSnapshot } from '../../shared/cut';
import type { Animatics } from '../cut/animatics';
import { readCutSettings } from '../cut/cutSettings';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { Disposable } from '../util/disposable';
import { ProductionPanels } from './productionPanels';
import { WebviewHost } from './webviewHost';

export const CUT_VIEW_TYPE = 'dailies.cut';
const FLUSH_MS = 150;

export interface CutActions {
  /** Starts a build as the command does (with its progress notification). */
  build(production: Production): void;
  reveal(production: Production, shotId: string): Promise<boolean>;
}

export class CutPanel extends Disposable {
  readonly host: WebviewHost<CutHostRequests, CutEvents>;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly production: Production,
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly animatics: Animatics,
    actions: CutActions,
  ) {
    super();
    const root = vscode.Uri.file(production.root);
    const out = path.dirname(animaticOptions(readCutSettings(production.uri).options).out);
    this.host = this.register(
      new WebviewHost<CutHostRequests, CutEvents>({
        panel,
        extensionUri,
        view: 'cut',
        title: `Cut · ${production.label}`,
        resourceRoots: [vscode.Uri.joinPath(root, 'renders'), vscode.Uri.joinPath(root, out)],
        handlers: {
          ready: () => this.snapshot(),
          build: () => {
            actions.build(production);
            return { started: true };
          },
          cancel: () => ({ canceled: animatics.cancel(production) }),
          revealShot: async ({ shotId }) => ({ revealed: await actions.reveal(production, shotId) }),
        },
      }),
    );
    animatics.watching.add(production);
    this.register({ dispose: () => animatics.watching.delete(production) });
    this.register(
      animatics.onDidChange((c) => {
        if (c.production !== production || !this.host.visible) return;
        if (c.event.type === 'done' || c.event.type === 'failed') {
          clearTimeout(this.timer);
          this.timer = undefined;
          void this.snapshot().then((s) => this.host.emit('snapshot', s));
        } else this.schedule();
      }),
    );
    this.register(
      this.host.onDidChangeVisibility((visible) => {
        if (visible) void this.snapshot().then((s) => this.host.emit('snapshot', s));
      }),
    );
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  reveal(): void {
    this.host.reveal();
  }

  async snapshot(): Promise<CutSnapshot> {
    const result = await this.animatics.last(this.production);
    const build = this.animatics.state(this.production);
    // Undefined once the panel closed (the host's one closed flag): nothing is sent then anyway.
    const uri = (file: string) => this.host.asWebviewUri(vscode.Uri.file(file))?.toString() ?? '';
    const state = this.production.state;
    if (!result) {
      const { width, height } = frameSize(state.aspectRatio, 1280);
      return {
        projectFile: this.production.file,
        title: this.production.label,
        aspectRatio: state.aspectRatio,
        width,
        height,
        fps: 24,
        durationS: 0,
        clips: [],
        build,
      };
    }
    return {
      projectFile: this.production.file,
      title: this.production.label,
      aspectRatio: state.aspectRatio,
      videoUrl: `${uri(result.file)}?v=${result.builtAt}`,
      width: result.width,
      height: result.height,
      fps: result.fps,
      durationS: result.seconds,
      clips: clips(result, this.production.root, uri),
      builtAt: result.builtAt,
      build,
    };
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.host.visible) this.host.emit('build', this.animatics.state(this.production));
    }, FLUSH_MS);
  }
}

function clips(result: AnimaticResult, root: string, uri: (file: string) => string): CutClip[] {
  return result.clips.map((c) => ({
    shotId: c.shotId,
    index: c.index,
    sceneId: c.sceneId,
    startS: c.startFrame / result.fps,
    durationS: c.frames / result.fps,
    take: c.take,
    thumbUrl: c.thumb ? `${uri(path.join(root, c.thumb))}?v=${result.builtAt}` : undefined,
  }));
}

/** One Cut panel per production: created on demand, revealed if open, restored after a reload. */
export class CutPanels extends ProductionPanels<CutPanel> {
  constructor(
    extensionUri: vscode.Uri,
    registry: ProductionRegistry,
    animatics: Animatics,
    actions: CutActions,
  ) {
    super(
      CUT_VIEW_TYPE,
      registry,
      (production, panel) => new CutPanel(production, panel, extensionUri, animatics, actions),
    );
  }

  open(production: Production): CutPanel {
    const existing = this.get(production);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      CUT_VIEW_TYPE,
      `Cut · ${production.label}`,
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
      },
    );
    return this.adopt(production, panel);
  }
}
