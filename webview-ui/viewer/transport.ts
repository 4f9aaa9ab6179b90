// One play/pause, scrubber and time readout for every video take on the stage: the controls drive the
// stage's VideoSyncGroup, so the takes play, pause, seek and step as one. Hidden while the stage shows
// only stills.
import { el, icon, setText } from '../common/dom';
import type { VideoSyncGroup } from '../common/videoSync';

/** The frame rate when neither the clip nor the production says one. */
export const DEFAULT_FPS = 24;

export class Transport {
  readonly element = el('div', 'transport');
  private readonly button = el('button', 'icon-button play');
  private readonly scrub = el('input', 'scrub');
  private readonly time = el('span', 'time');
  private group: VideoSyncGroup | undefined;
  private unbind: (() => void) | undefined;
  /** The production's rate: for a clip whose own rate is not recorded. */
  private fallbackFps = DEFAULT_FPS;

  constructor() {
    this.element.setAttribute('role', 'group');
    this.element.setAttribute('aria-label', 'Playback');
    this.element.hidden = true;
    this.button.type = 'button';
    this.button.addEventListener('click', () => this.toggle());
    this.scrub.type = 'range';
    this.scrub.min = '0';
    this.scrub.max = '0';
    this.scrub.step = 'any';
    this.scrub.setAttribute('aria-label', 'Time');
    this.scrub.addEventListener('input', () => this.group?.seek(Number(this.scrub.value)));
    this.element.append(this.button, this.scrub, this.time);
    this.draw();
  }

  get active(): boolean {
    return this.group !== undefined;
  }

  /** Follows `group` (undefined: no video on the stage, the controls hide). */
  bind(group: VideoSyncGroup | undefined): void {
    if (group === this.group) return;
    this.unbind?.();
    this.unbind = undefined;
    this.group = group;
    this.element.hidden = !group;
    const clock = group?.clock;
    if (group && clock) {
      const draw = () => this.draw();
      const off = group.onChange(draw);
      // The clock's own events keep the readout moving while it plays and learn its length once known.
      for (const e of ['timeupdate', 'durationchange', 'loadedmetadata'] as const)
        clock.addEventListener(e, draw);
      this.unbind = () => {
        off();
        for (const e of ['timeupdate', 'durationchange', 'loadedmetadata'] as const)
          clock.removeEventListener(e, draw);
      };
    }
    this.draw();
  }

  /** The production's frame rate (a clip's recorded rate wins). */
  setFallbackFps(fps: number | undefined): void {
    this.fallbackFps = fps && Number.isFinite(fps) && fps > 0 ? fps : DEFAULT_FPS;
    this.draw();
  }

  /** The rate frames are counted at: the clock clip's own (every proxy keeps its clip's frames), else the production's. */
  get fps(): number {
    const own = Number(this.group?.clock?.dataset['fps']);
    return Number.isFinite(own) && own > 0 && own <= 240 ? own : this.fallbackFps;
  }

  toggle(): void {
    this.group?.toggle();
  }

  step(frames: number): void {
    this.group?.step(frames, this.fps);
  }

  private draw(): void {
    const g = this.group;
    const playing = g?.isPlaying ?? false;
    const label = playing ? 'Pause (Space)' : 'Play (Space)';
    this.button.title = label;
    this.button.setAttribute('aria-label', label);
    this.button.setAttribute('aria-pressed', String(playing));
    this.button.replaceChildren(icon(playing ? 'debug-pause' : 'play'));
    const duration = g && Number.isFinite(g.duration) ? g.duration : 0;
    const now = g?.currentTime ?? 0;
    this.scrub.max = String(duration);
    // Not while the user drags it: writing the value back would fight the pointer.
    if (document.activeElement !== this.scrub || playing) this.scrub.value = String(now);
    this.element.dataset['fps'] = String(this.fps);
    setText(this.time, `${clock(now, this.fps)} / ${clock(duration, this.fps)}`);
  }
}

/** Seconds as s.ff (frames at the clip's nominal rate, as a timecode counts them). */
function clock(seconds: number, fps: number): string {
  const base = Math.max(1, Math.round(fps));
  const frames = Math.round(seconds * base);
  return `${Math.floor(frames / base)}.${String(frames % base).padStart(2, '0')}`;
}
