// Takes side by side, in sync: a group of <video> elements that play, pause, seek and step together, for
// comparing video takes (the take viewer plays each take's proxy in one). The first video is the clock;
// every frame while playing, the others are put back on it when they drift (decoders start and stall at
// their own pace). A take shorter than the clock holds its last frame; at the clock's end the group
// loops or stops. Only the clock may be heard (the proxies carry no audio anyway).

export interface VideoSyncOptions {
  /** Start again at the end (default true). */
  loop?: boolean;
  /** Drift (seconds) tolerated before a follower is re-seeked (default 1/24 s: one frame at 24 fps). */
  tolerance?: number;
}

type Listener = () => void;

export class VideoSyncGroup {
  private videos: HTMLVideoElement[] = [];
  private frame: number | undefined;
  private playing = false;
  private readonly loop: boolean;
  private readonly tolerance: number;
  private readonly listeners = new Set<Listener>();
  private readonly onEnded = () => {
    if (this.loop) {
      this.seek(0);
      if (this.playing) this.playAll();
    } else this.pause();
  };

  constructor(videos: HTMLVideoElement[] = [], options: VideoSyncOptions = {}) {
    this.loop = options.loop ?? true;
    this.tolerance = options.tolerance ?? 1 / 24;
    for (const v of videos) this.add(v);
  }

  /** The video whose time is the group's time. */
  get clock(): HTMLVideoElement | undefined {
    return this.videos[0];
  }

  get members(): readonly HTMLVideoElement[] {
    return this.videos;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  get currentTime(): number {
    return this.clock?.currentTime ?? 0;
  }

  /** The clock's length (NaN until it knows it). */
  get duration(): number {
    return this.clock?.duration ?? Number.NaN;
  }

  add(v: HTMLVideoElement): void {
    if (this.videos.includes(v)) return;
    v.loop = false; // the group loops them all together
    if (this.videos.length > 0) v.muted = true;
    this.videos.push(v);
    if (this.videos.length === 1) v.addEventListener('ended', this.onEnded);
    v.currentTime = this.videos.length > 1 ? this.target(v) : v.currentTime;
    if (this.playing) v.play().catch(() => undefined);
    this.changed();
  }

  remove(v: HTMLVideoElement): void {
    const i = this.videos.indexOf(v);
    if (i < 0) return;
    if (i === 0) v.removeEventListener('ended', this.onEnded);
    this.videos.splice(i, 1);
    if (i === 0 && this.videos[0]) this.videos[0].addEventListener('ended', this.onEnded);
    this.changed();
  }

  play(): void {
    this.playing = true;
    this.align();
    this.playAll();
    this.tick();
    this.changed();
  }

  pause(): void {
    this.playing = false;
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    for (const v of this.videos) v.pause();
    this.align();
    this.changed();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Every take to `seconds` (a shorter one to its last frame). */
  seek(seconds: number): void {
    const clock = this.clock;
    if (!clock) return;
    const end = Number.isFinite(clock.duration) ? clock.duration : seconds;
    clock.currentTime = Math.max(0, Math.min(seconds, end));
    this.align(true);
    this.changed();
  }

  /** Frame by frame (negative: back), paused. */
  step(frames: number, fps = 24): void {
    if (this.playing) this.pause();
    this.seek(this.currentTime + frames / fps);
  }

  /** Called on play, pause, seek and membership changes (for a play button, a time readout). */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.pause();
    this.clock?.removeEventListener('ended', this.onEnded);
    this.videos = [];
    this.listeners.clear();
  }

  private playAll(): void {
    for (const v of this.videos) {
      // A follower already at its end holds its last frame: playing it would only fire `ended`.
      if (v !== this.clock && Number.isFinite(v.duration) && v.currentTime >= v.duration - 0.001) continue;
      v.play().catch(() => undefined);
    }
  }

  /** Where `v` should be: the clock's time, or its own last frame when it is shorter. */
  private target(v: HTMLVideoElement): number {
    const t = this.currentTime;
    return Number.isFinite(v.duration) ? Math.min(t, Math.max(0, v.duration - 0.001)) : t;
  }

  private align(force = false): void {
    for (const v of this.videos.slice(1)) {
      const want = this.target(v);
      if (force || Math.abs(v.currentTime - want) > this.tolerance) v.currentTime = want;
      if (this.playing && v.paused && want < (v.duration || Number.POSITIVE_INFINITY) - 0.001) {
        v.play().catch(() => undefined);
      }
    }
  }

  private tick(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      if (!this.playing) return;
      this.align();
      this.tick();
    });
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
