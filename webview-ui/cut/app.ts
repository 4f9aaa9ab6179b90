// The Cut view: the animatic in a <video>, the timeline strip under it (the playing shot highlighted,
// click to seek, double-click to reveal in project.json), and the builder's live state ("Rebuilding
// s02-030…"). It asks for a snapshot on load; a finished build sends a new one (new file, new clips).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import {
  CUT_STATE_VERSION,
  type CutBuildState,
  type CutEvents,
  type CutHostRequests,
  type CutSnapshot,
  type CutState,
} from '../../src/shared/cut';
import type { WebviewChannel } from '../common/channel';
import { el, icon, setText } from '../common/dom';
import { errorMessage, isRecord, numberOr } from '../common/guards';
import { randomId } from '../common/randomId';
import { StatusPane } from '../common/statusPane';
import { Toasts } from '../common/toasts';
import type { VsCodeApi } from '../common/vscodeApi';
import { Strip } from './strip';
import { clipAt, formatTime, seekTime } from './timeline';

export type CutChannel = WebviewChannel<CutHostRequests, CutEvents>;

export class CutApp {
  private snapshot: CutSnapshot | undefined;
  private readonly video = el('video', 'player');
  private readonly stage = el('div', 'stage');
  private readonly strip: Strip;
  private readonly status = el('div', 'build-status');
  private readonly statusText = el('span', 'build-text');
  private readonly meter = el('div', 'build-meter');
  private readonly info = el('span', 'cut-info');
  private readonly buildButton = button('Build', 'device-camera-video', false);
  private readonly cancelButton = button('Cancel', 'debug-stop', true);
  private readonly pane = new StatusPane();
  private readonly toasts = new Toasts();
  private frame = 0;
  private restoreTime: number | undefined;

  constructor(
    root: HTMLElement,
    private readonly rpc: CutChannel,
    private readonly api: VsCodeApi,
  ) {
    const saved = api.getState();
    if (isRecord(saved) && saved['v'] === CUT_STATE_VERSION) this.restoreTime = numberOr(saved['time'], 0);

    this.video.controls = true;
    this.video.preload = 'metadata';
    this.video.setAttribute('aria-label', 'Animatic');
    this.video.addEventListener('timeupdate', () => this.sync(false));
    this.video.addEventListener('seeked', () => this.sync(true));
    this.video.addEventListener('play', () => this.tick());
    this.video.addEventListener('pause', () => this.save());
    this.video.addEventListener('loadedmetadata', () => this.onLoaded());
    this.video.addEventListener('error', () => {
      if (this.snapshot?.videoUrl)
        this.toasts.show('error', 'The animatic could not be played. Build it again?');
    });

    this.strip = new Strip({ seek: (i) => this.seek(i), reveal: (i) => void this.reveal(i) });
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    this.status.append(icon('sync', 'build-icon'), this.statusText, this.meter);
    this.status.hidden = true;
    this.buildButton.addEventListener('click', () => void this.request('build'));
    this.cancelButton.addEventListener('click', () => void this.request('cancel'));
    this.cancelButton.hidden = true;

    const toolbar = el('div', 'cut-toolbar');
    toolbar.append(this.info, this.status, el('span', 'spacer'), this.cancelButton, this.buildButton);
    this.stage.append(this.video, this.pane.element);
    root.append(toolbar, this.stage, this.strip.element, this.toasts.element);
  }

  start(): void {
    this.rpc.on('snapshot', (s) => this.apply(s));
    this.rpc.on('build', (b) => this.applyBuild(b));
    void this.connect();
  }

  private async connect(): Promise<void> {
    this.pane.loading('Loading the cut…');
    try {
      this.apply(await this.rpc.request('ready', { clientId: randomId() }));
    } catch (err) {
      this.pane.error(`The cut did not load: ${errorMessage(err)}`, {
        label: 'Retry',
        run: () => void this.connect(),
      });
    }
  }

  private apply(s: CutSnapshot): void {
    const previous = this.snapshot;
    this.snapshot = s;
    const duration = `${formatTime(s.durationS)} · ${s.clips.length} shots · ${s.width}×${s.height} · ${s.fps} fps`;
    setText(this.info, s.videoUrl ? duration : s.title);
    this.stage.style.aspectRatio = `${s.width} / ${s.height}`;
    if (!s.videoUrl) {
      this.video.removeAttribute('src');
      this.pane.empty(
        'device-camera-video',
        'No animatic yet. Build one: every shot in order, held for its duration, slates for shots not rendered.',
        {
          label: 'Build Animatic',
          run: () => void this.request('build'),
        },
      );
    } else {
      this.pane.hide();
      if (previous?.videoUrl !== s.videoUrl) {
        // A rebuilt file: keep the playhead where it was (it is the same cut, with a shot or two changed).
        const at = previous?.videoUrl ? this.video.currentTime : this.restoreTime;
        const playing = !this.video.paused;
        this.restoreTime = at;
        this.video.src = s.videoUrl;
        if (playing) void this.video.play().catch(() => undefined);
      }
    }
    this.strip.setClips(s.clips);
    this.sync(false);
    this.applyBuild(s.build);
  }

  private applyBuild(b: CutBuildState): void {
    if (!this.snapshot) return;
    this.snapshot = { ...this.snapshot, build: b };
    this.status.dataset['state'] = b.building
      ? 'building'
      : b.error
        ? 'error'
        : b.pending?.length
          ? 'pending'
          : 'idle';
    const text = b.building
      ? b.phase === 'joining'
        ? 'Joining segments…'
        : b.shotId
          ? `Rebuilding ${b.shotId}…`
          : 'Rebuilding…'
      : b.error
        ? `Not rebuilt: ${b.error}`
        : b.pending?.length
          ? `${b.pending.length} new shot${b.pending.length > 1 ? 's' : ''} to cut in…`
          : '';
    setText(this.statusText, text);
    this.status.hidden = text === '';
    this.status.title = text;
    this.meter.style.width = `${Math.round((b.building ? (b.fraction ?? 0) : 0) * 100)}%`;
    this.meter.hidden = !b.building;
    this.cancelButton.hidden = !b.building;
    this.buildButton.disabled = b.building;
  }

  private onLoaded(): void {
    if (this.restoreTime !== undefined && this.restoreTime > 0) {
      this.video.currentTime = Math.min(this.restoreTime, Math.max(0, this.video.duration - 0.01));
    }
    this.restoreTime = undefined;
    this.sync(true);
  }

  private seek(index: number): void {
    const clip = this.snapshot?.clips[index];
    if (!clip || !this.snapshot) return;
    this.video.currentTime = seekTime(clip, this.snapshot.fps);
    this.strip.highlight(index, true);
    this.save();
  }

  private async reveal(index: number): Promise<void> {
    const clip = this.snapshot?.clips[index];
    if (!clip) return;
    try {
      const { revealed } = await this.rpc.request('revealShot', { shotId: clip.shotId });
      if (!revealed) this.toasts.show('info', `${clip.shotId} is no longer in project.json.`);
    } catch (err) {
      this.toasts.show('error', `Could not reveal ${clip.shotId}: ${errorMessage(err)}`);
    }
  }

  private async request(method: 'build' | 'cancel'): Promise<void> {
    try {
      await this.rpc.request(method, {});
    } catch (err) {
      this.toasts.show('error', `${method === 'build' ? 'Build' : 'Cancel'} failed: ${errorMessage(err)}`);
    }
  }

  /** Follows playback once per animation frame (timeupdate alone fires only ~4 times a second). */
  private tick(): void {
    cancelAnimationFrame(this.frame);
    const step = () => {
      this.sync(true);
      if (!this.video.paused && !this.video.ended) this.frame = requestAnimationFrame(step);
      else this.save();
    };
    this.frame = requestAnimationFrame(step);
  }

  private sync(follow: boolean): void {
    const clips = this.snapshot?.clips ?? [];
    const index = clipAt(clips, this.video.currentTime || 0);
    if (index >= 0) this.strip.highlight(index, follow);
  }

  private save(): void {
    const state: CutState & { projectFile?: string } = {
      v: CUT_STATE_VERSION,
      time: this.video.currentTime || 0,
      builtAt: this.snapshot?.builtAt,
      projectFile: this.snapshot?.projectFile,
    };
    this.api.setState(state);
  }
}

function button(label: string, iconName: string, secondary: boolean): VscodeButton {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  b.setAttribute('icon', iconName);
  if (secondary) b.setAttribute('secondary', '');
  return b;
}
