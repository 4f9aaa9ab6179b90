// The storyboard of one production. The page is kept alive while hidden (retainContextWhenHidden: a
// 50,000-shot board is not rebuilt on every tab switch), and the host sends it only deltas against the
// revision it holds: at most ten a second while visible, nothing while hidden, one catch-up on re-show.
// A page asks for its first screen of shots, paints it, then asks for the rest (`more`).
import * as vscode from 'vscode';
import {
  STORYBOARD_COMMANDS,
  type StoryboardCommand,
  type StoryboardEvents,
  type StoryboardHostRequests,
  type StoryboardSnapshot,
} from '../../shared/protocol';
import type { Production } from '../productions/production';
import { Disposable } from '../util/disposable';
import { storyboardReviewHandlers } from './storyboardReview';
import { StoryboardSync } from './storyboardSync';
import { WebviewHost } from './webviewHost';

export const STORYBOARD_VIEW_TYPE = 'dailies.storyboard';
const FLUSH_MS = 100;

export interface StoryboardActions {
  render(production: Production, shotIds: string[], force: boolean): void;
  /** Runs a whole-production render command (it asks before spending, like from the palette). */
  runCommand(production: Production, command: StoryboardCommand): void;
  /** Opens the image in the one preview tab beside the storyboard, leaving focus where it is. */
  openImage(production: Production, shotId: string, variation?: number): Promise<boolean>;
  reveal(production: Production, shotId: string): Promise<boolean>;
  revealInTree(production: Production, shotId: string): Promise<boolean>;
  copyPrompt(production: Production, shotId: string): Promise<boolean>;
  /** The user's selection in this storyboard (empty: none). */
  select(production: Production, shotIds: string[]): void;
}

export class StoryboardPanel extends Disposable {
  readonly host: WebviewHost<StoryboardHostRequests, StoryboardEvents>;
  private readonly sync: StoryboardSync;
  private readonly pending = new Set<string>();
  private everything = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly production: Production,
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    actions: StoryboardActions,
  ) {
    super();
    const { state } = production;
    this.sync = new StoryboardSync({
      shots: () => state.all(),
      shot: (id) => state.get(id),
      header: () => ({
        projectFile: production.file,
        title: production.label,
        aspectRatio: state.aspectRatio,
        scenes: state.scenes,
        ...(state.problem ? { problem: state.problem } : {}),
      }),
      batch: () => state.batch(),
    });
    this.host = this.register(
      new WebviewHost<StoryboardHostRequests, StoryboardEvents>({
        panel,
        extensionUri,
        view: 'storyboard',
        title: `Storyboard · ${production.label}`,
        resourceRoots: [vscode.Uri.joinPath(vscode.Uri.file(production.root), 'renders')],
        handlers: {
          ready: ({ first }) => this.snapshot(typeof first === 'number' ? first : undefined),
          more: () => {
            this.sendRest();
            return {};
          },
          render: ({ shotIds, force }) => {
            actions.render(production, strings(shotIds), force === true);
            return { started: true };
          },
          cancel: ({ shotIds }) => ({
            canceled: strings(shotIds).filter((id) => production.cancelShot(id)).length,
          }),
          runCommand: ({ command }) => {
            // The page is less trusted than the host: it may name one of two commands, nothing else.
            if (!STORYBOARD_COMMANDS.includes(command))
              throw new Error(`command not allowed: ${String(command)}`);
            actions.runCommand(production, command);
            return { started: true };
          },
          openImage: async ({ shotId, variation }) => ({
            opened: await actions.openImage(production, String(shotId), optionalNumber(variation)),
          }),
          revealShot: async ({ shotId }) => ({ revealed: await actions.reveal(production, String(shotId)) }),
          revealInTree: async ({ shotId }) => ({
            revealed: await actions.revealInTree(production, String(shotId)),
          }),
          copyPrompt: async ({ shotId }) => ({
            copied: await actions.copyPrompt(production, String(shotId)),
          }),
          select: ({ shotIds }) => {
            actions.select(production, strings(shotIds));
            return {};
          },
          ...storyboardReviewHandlers(production),
        },
      }),
    );
    this.register(
      production.onDidChange((ids) => {
        if (!ids) this.everything = true;
        else for (const id of ids) this.pending.add(id);
        this.schedule();
      }),
    );
    // Shown again: one delta with everything that changed while hidden, at once.
    this.register(this.host.onDidChangeVisibility((visible) => visible && this.flush()));
    this.register({ dispose: () => clearTimeout(this.timer) });
    // A closed storyboard selects nothing any more.
    this.register({ dispose: () => actions.select(production, []) });
  }

  reveal(): void {
    this.host.reveal();
  }

  /** `first`: the page wants only its first screen of shots now (see StoryboardSync.snapshot). */
  snapshot(first?: number): StoryboardSnapshot {
    this.pending.clear();
    this.everything = false;
    const root = this.host.asWebviewUri(vscode.Uri.file(this.production.root))?.toString() ?? '';
    return this.sync.snapshot(root, first);
  }

  /**
   * The shots the snapshot left out, hidden or not: the page asked. What is pending for the shots it
   * already holds stays pending, for the next flush.
   */
  private sendRest(): void {
    const delta = this.sync.rest();
    if (delta) this.host.emit('delta', delta);
  }

  private schedule(): void {
    if (this.timer || this.host.isClosed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, FLUSH_MS);
  }

  private flush(): void {
    // Hidden: keep collecting; the page is alive and catches up when shown.
    if (!this.host.visible) return;
    // Nothing in `pending` may still mean the batch changed (it started, ended, uploaded): `delta` checks
    // the header and batch too, and answers undefined when nothing at all changed.
    const delta = this.sync.delta(this.everything ? undefined : this.pending);
    this.pending.clear();
    this.everything = false;
    if (delta) this.host.emit('delta', delta);
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function optionalNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}
