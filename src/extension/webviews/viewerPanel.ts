// The take viewer of one production: one shot at a time, every take of it and of its kept versions,
// compared side by side or as an A/B wipe or flip, reviewed from the keyboard. The page asks for shots
// and acts; the host pushes the shot again whenever it changed (at most ten times a second, only while
// visible). Images load from renders/ and, for older versions, from the content store — nothing else.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProjectPaths } from '../../core/project/paths';
import { VersionStore } from '../../core/review/versions';
import { isReviewStatus, type ReviewStatus } from '../../shared/review';
import {
  type ActionResult,
  MAX_REPORTED_VIDEOS,
  type PlaybackReport,
  type ViewerEmpty,
  type ViewerEvents,
  type ViewerHostRequests,
  type ViewerShot,
} from '../../shared/viewerProtocol';
import { readCutSettings } from '../cut/cutSettings';
import type { Production } from '../productions/production';
import { Disposable } from '../util/disposable';
import { buildViewerShot } from './viewerModel';
import { WebviewHost } from './webviewHost';

export const VIEWER_VIEW_TYPE = 'dailies.viewer';

/** What the Take Viewer Snapshot command answers: the shot, and what the page last said it plays. */
export type ViewerSnapshot = (ViewerShot | ViewerEmpty) & {
  /** `seq` counts the page's reports, so a reader can wait for a newer one. */
  playback?: PlaybackReport & { seq: number };
};
const FLUSH_MS = 100;

/** What the viewer's actions do in the workbench (the review commands' own code). */
export interface ViewerActions {
  circle(production: Production, shotId: string, take: number): Promise<ActionResult>;
  review(production: Production, shotId: string, status: ReviewStatus, note?: string): Promise<ActionResult>;
  note(production: Production, shotId: string, note: string): Promise<ActionResult>;
  restore(production: Production, shotId: string, versionId: string): Promise<ActionResult>;
}

export class ViewerPanel extends Disposable {
  readonly host: WebviewHost<ViewerHostRequests, ViewerEvents>;
  private shotId: string | undefined;
  private readonly versions: VersionStore;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private playback: (PlaybackReport & { seq: number }) | undefined;

  constructor(
    readonly production: Production,
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    actions: ViewerActions,
    shotId?: string,
  ) {
    super();
    this.shotId = shotId;
    this.versions = new VersionStore(new ProjectPaths(production.file));
    const root = vscode.Uri.file(production.root);
    const shot = (v: unknown) => String(v);
    this.host = this.register(
      new WebviewHost<ViewerHostRequests, ViewerEvents>({
        panel,
        extensionUri,
        view: 'viewer',
        title: `Takes · ${production.label}`,
        resourceRoots: [vscode.Uri.joinPath(root, 'renders'), vscode.Uri.joinPath(root, '.dailies', 'store')],
        handlers: {
          ready: () => this.current(),
          go: ({ shotId: id, step }) => this.go(typeof id === 'string' ? id : undefined, Number(step) || 0),
          circle: ({ shotId: id, take }) => {
            if (!Number.isInteger(take)) throw new Error('a take is a whole number');
            return actions.circle(production, shot(id), take);
          },
          review: ({ shotId: id, status, note }) => {
            if (!isReviewStatus(status)) throw new Error(`unknown review status ${String(status)}`);
            return actions.review(production, shot(id), status, typeof note === 'string' ? note : undefined);
          },
          note: ({ shotId: id, note }) => actions.note(production, shot(id), String(note)),
          restore: ({ shotId: id, versionId }) => actions.restore(production, shot(id), String(versionId)),
          playback: (report) => {
            this.playback = { ...playbackReport(report), seq: (this.playback?.seq ?? 0) + 1 };
            return null;
          },
        },
      }),
    );
    this.register(
      production.onDidChange((ids) => {
        if (ids === undefined || (this.shotId !== undefined && ids.includes(this.shotId))) {
          this.dirty = true;
          this.schedule();
        }
      }),
    );
    this.register(this.host.onDidChangeVisibility((visible) => visible && this.flush()));
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  get currentShot(): string | undefined {
    return this.shotId;
  }

  /** Shows another shot (the viewer follows the command that opened it). */
  async show(shotId: string | undefined): Promise<void> {
    if (shotId !== undefined) this.shotId = shotId;
    this.host.reveal();
    const snapshot = await this.current();
    if ('shotId' in snapshot) this.host.emit('shot', snapshot);
  }

  /** The current shot as the page shows it (the in-host tests read it too). */
  async current(): Promise<ViewerShot | ViewerEmpty> {
    const { state } = this.production;
    const shot = (this.shotId !== undefined ? state.get(this.shotId) : undefined) ?? state.all()[0];
    if (!shot) return { projectFile: this.production.file, empty: 'This production has no shots yet.' };
    this.shotId = shot.id;
    const versions = await this.versions.list(shot.id).catch(() => []);
    return buildViewerShot(
      {
        projectFile: this.production.file,
        title: this.production.label,
        aspectRatio: state.aspectRatio,
        shots: () => state.all(),
        sceneTitle: (id) => state.scenes.find((s) => s.id === id)?.title,
        // The production's rate (the animatic's): what a clip with no recorded rate steps at.
        fps: readCutSettings(this.production.uri).options.fps,
        uri: (rel) =>
          this.host
            .asWebviewUri(vscode.Uri.file(path.join(this.production.root, ...rel.split('/'))))
            ?.toString(),
      },
      shot,
      versions,
    );
  }

  /**
   * The shot and the page's last playback report (the in-host tests read both); the page is asked for a
   * fresh report, which a later call returns (`seq` tells them apart).
   */
  async snapshot(): Promise<ViewerSnapshot> {
    this.host.emit('reportPlayback', {});
    const shot = await this.current();
    return this.playback ? { ...shot, playback: this.playback } : shot;
  }

  private async go(shotId: string | undefined, step: number): Promise<ViewerShot | ViewerEmpty> {
    const all = this.production.state.all();
    if (shotId !== undefined) {
      if (!this.production.state.get(shotId)) throw new Error(`no shot "${shotId}" in this production`);
      this.shotId = shotId;
    } else if (step && all.length) {
      const at = all.findIndex((s) => s.id === this.shotId);
      const next = all[Math.min(all.length - 1, Math.max(0, Math.max(at, 0) + Math.sign(step)))];
      this.shotId = next?.id;
    }
    return this.current();
  }

  private schedule(): void {
    if (this.timer || this.host.isClosed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, FLUSH_MS);
  }

  private flush(): void {
    if (!this.dirty || !this.host.visible) return;
    this.dirty = false;
    void this.current().then((s) => {
      if ('shotId' in s && !this.host.isClosed) this.host.emit('shot', s);
    });
  }
}

/** A report from the page, checked (it is input from a webview): bounded, finite, typed. */
function playbackReport(r: unknown): PlaybackReport {
  const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const videos = Array.isArray(o['videos']) ? o['videos'].slice(0, MAX_REPORTED_VIDEOS) : [];
  return {
    shotId: String(o['shotId']).slice(0, 200),
    playing: o['playing'] === true,
    fps: num(o['fps']),
    videos: videos.map((v: unknown) => {
      const x = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
      return {
        pane: String(x['pane']).slice(0, 200),
        time: num(x['time']),
        paused: x['paused'] !== false,
        ready: num(x['ready']),
      };
    }),
  };
}
