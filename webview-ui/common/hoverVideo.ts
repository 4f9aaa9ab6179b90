// Hover playback for a grid of video takes: ONE <video> for the whole grid, moved into the card under the
// pointer. It plays that take's review proxy muted and looping; moving the pointer across the card
// scrubs it (the pointer's x is the time, playback pauses), as editors' bins do. Leaving the card stops it
// and releases the decoder, so 10,000 cards never hold more than one. The proxy is H.264 without audio,
// which VS Code's webviews play (they play no AAC); the page's CSP must allow `media-src`.

/** Pointer travel (px) that turns hover playback into scrubbing. */
const SCRUB_AFTER_PX = 6;

export interface HoverVideoOptions {
  /** Class of the <video> element (it is positioned by the page's CSS). */
  className?: string;
}

export class HoverVideo {
  readonly element: HTMLVideoElement;
  private host: HTMLElement | undefined;
  private url: string | undefined;
  private startX = 0;
  private scrubbing = false;
  /** A scrub position asked for before the video knew its duration. */
  private pending: number | undefined;

  constructor(options: HoverVideoOptions = {}) {
    const v = document.createElement('video');
    v.className = options.className ?? 'hover-video';
    v.muted = true;
    v.defaultMuted = true;
    v.loop = true;
    v.playsInline = true;
    v.preload = 'auto';
    v.disablePictureInPicture = true;
    v.setAttribute('aria-hidden', 'true');
    v.setAttribute('tabindex', '-1');
    v.addEventListener('loadedmetadata', () => {
      if (this.pending !== undefined) this.seekTo(this.pending);
    });
    // A proxy that cannot play (gone, damaged): the poster underneath stays, nothing else happens.
    v.addEventListener('error', () => this.stop());
    this.element = v;
  }

  /** The element the video plays in, while it plays. */
  get current(): HTMLElement | undefined {
    return this.host;
  }

  get isScrubbing(): boolean {
    return this.scrubbing;
  }

  /** Plays `url` inside `host` (the poster stays visible underneath until the first frame is decoded). */
  enter(host: HTMLElement, url: string, clientX: number): void {
    if (this.host === host && this.url === url) return;
    this.stop();
    this.host = host;
    this.url = url;
    this.startX = clientX;
    this.scrubbing = false;
    this.pending = undefined;
    const v = this.element;
    v.src = url;
    host.append(v);
    host.setAttribute('data-playing', '');
    v.play().catch(() => undefined); // a play interrupted by leaving is not an error
  }

  /** The pointer moved over the host: past a few pixels, its x picks the frame (and playback pauses). */
  move(clientX: number): void {
    const host = this.host;
    if (!host) return;
    if (!this.scrubbing && Math.abs(clientX - this.startX) < SCRUB_AFTER_PX) return;
    if (!this.scrubbing) {
      this.scrubbing = true;
      this.element.pause();
      host.setAttribute('data-scrubbing', '');
    }
    const r = host.getBoundingClientRect();
    this.seekTo(r.width > 0 ? Math.min(1, Math.max(0, (clientX - r.left) / r.width)) : 0);
  }

  /** Stops, unloads (frees the decoder) and takes the video out of the page. */
  stop(): void {
    const v = this.element;
    v.pause();
    if (v.hasAttribute('src')) {
      v.removeAttribute('src');
      v.load();
    }
    this.host?.removeAttribute('data-playing');
    this.host?.removeAttribute('data-scrubbing');
    this.host?.style.removeProperty('--scrub');
    v.remove();
    this.host = undefined;
    this.url = undefined;
    this.pending = undefined;
    this.scrubbing = false;
  }

  private seekTo(fraction: number): void {
    const v = this.element;
    this.host?.style.setProperty('--scrub', `${(fraction * 100).toFixed(2)}%`);
    if (!Number.isFinite(v.duration) || v.duration <= 0) {
      this.pending = fraction;
      return;
    }
    this.pending = undefined;
    // Stay a hair before the end: at `duration` a looping video jumps back to its first frame.
    v.currentTime = Math.min(fraction * v.duration, Math.max(0, v.duration - 0.001));
  }
}
