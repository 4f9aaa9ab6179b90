// The storyboard of one production. Visible: shot changes are coalesced into at most ten `progress`
// batches a second. Hidden: nothing is sent; on showing again the page gets a complete snapshot.
import * as vscode from 'vscode';
import type { StoryboardEvents, StoryboardHostRequests, StoryboardSnapshot } from '../../shared/protocol';
import type { Production } from '../productions/production';
import { Disposable } from '../util/disposable';
import { toCard } from './cards';
import { WebviewHost } from './webviewHost';

export const STORYBOARD_VIEW_TYPE = 'dailies.storyboard';
const FLUSH_MS = 100;

export interface StoryboardActions {
  render(production: Production, shotIds: string[], force: boolean): void;
  openImage(production: Production, shotId: string, variation?: number): Promise<boolean>;
  reveal(production: Production, shotId: string): Promise<boolean>;
  /** The user's selection in this storyboard (empty: none). */
  select(production: Production, shotIds: string[]): void;
}

export class StoryboardPanel extends Disposable {
  readonly host: WebviewHost<StoryboardHostRequests, StoryboardEvents>;
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stale = false;

  constructor(
    readonly production: Production,
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    actions: StoryboardActions,
  ) {
    super();
    this.host = this.register(
      new WebviewHost<StoryboardHostRequests, StoryboardEvents>({
        panel,
        extensionUri,
        view: 'storyboard',
        title: `Storyboard · ${production.label}`,
        resourceRoots: [vscode.Uri.joinPath(vscode.Uri.file(production.root), 'renders')],
        handlers: {
          ready: () => this.snapshot(),
          render: ({ shotIds, force }) => {
            actions.render(production, shotIds, force);
            return { started: true };
          },
          cancel: ({ shotIds }) => ({ canceled: shotIds.filter((id) => production.cancelShot(id)).length }),
          openImage: async ({ shotId, variation }) => ({
            opened: await actions.openImage(production, shotId, variation),
          }),
          revealShot: async ({ shotId }) => ({ revealed: await actions.reveal(production, shotId) }),
          select: ({ shotIds }) => {
            actions.select(
              production,
              Array.isArray(shotIds) ? shotIds.filter((id) => typeof id === 'string') : [],
            );
            return {};
          },
        },
      }),
    );
    this.register(
      production.onDidChange((ids) => {
        if (!ids) {
          this.stale = true;
          this.schedule();
          return;
        }
        for (const id of ids) this.pending.add(id);
        this.schedule();
      }),
    );
    this.register(
      this.host.onDidChangeVisibility((visible) => {
        if (!visible) return;
        this.pending.clear();
        this.stale = false;
        this.host.emit('snapshot', this.snapshot());
      }),
    );
    this.register({ dispose: () => clearTimeout(this.timer) });
    // A closed storyboard selects nothing any more.
    this.register({ dispose: () => actions.select(production, []) });
  }

  reveal(): void {
    this.host.options.panel.reveal();
  }

  snapshot(): StoryboardSnapshot {
    const { state } = this.production;
    const webview = this.host?.options.panel.webview;
    return {
      projectFile: this.production.file,
      title: this.production.label,
      aspectRatio: state.aspectRatio,
      scenes: state.scenes,
      shots: webview ? state.all().map((s) => toCard(s, this.production.root, webview)) : [],
      batch: state.batch(),
      problem: state.problem,
    };
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, FLUSH_MS);
  }

  private flush(): void {
    // A hidden webview cannot receive messages; it re-hydrates from a snapshot when shown.
    if (!this.host.visible) return;
    if (this.stale) {
      this.stale = false;
      this.pending.clear();
      this.host.emit('snapshot', this.snapshot());
      return;
    }
    if (this.pending.size === 0) return;
    const webview = this.host.options.panel.webview;
    const updates = [...this.pending].flatMap((id) => {
      const shot = this.production.state.get(id);
      return shot ? [toCard(shot, this.production.root, webview)] : [];
    });
    this.pending.clear();
    this.host.emit('progress', { updates, batch: this.production.state.batch() });
  }
}
