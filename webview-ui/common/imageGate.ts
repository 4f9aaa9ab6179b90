// Paces image loads while the grid scrolls. Measured in headless Chromium: decoding and rasterising the
// thumbnails of rows that fly past is the whole cost of a fast scroll (with images held back, a
// ¾-viewport-per-frame scroll keeps every frame at 16.7 ms); the DOM work is a few ms. So a fling holds
// every load until the scroll settles.
// A slower scroll (a wheel, the arrow keys) starts images a few per frame, those in view first, in a task
// after the frame is painted and only while that frame has time left: each costs the main thread a
// request and, frames later, its response and decode bookkeeping (about half a millisecond in all, four
// times that under 4× CPU throttling). Started a row at a time, those costs landed together and made the
// long frames of a wheel scroll. On a slow machine the frame's own work leaves no time and images wait
// until the grid is still; once it is, whatever waits starts at once.
// A cancelled image keeps its src until the grid has been quiet for a while: removing an <img>'s src
// turns it into alt-text fallback content (a user-agent shadow tree, a new layout object) and setting one
// turns it back, which cost more per scroll frame than everything else a row's binding does. The card
// hides an image that shows another shot's frame (see ShotCardElement).

export class ImageGate {
  private readonly pending = new Map<HTMLImageElement, string>();
  /** Cancelled images still holding a src, dropped once the grid is quiet. */
  private readonly idle = new Set<HTMLImageElement>();
  private quiet: ReturnType<typeof setTimeout> | undefined;
  private lastTop = 0;
  private settle: ReturnType<typeof setTimeout> | undefined;
  private soon: ReturnType<typeof setTimeout> | undefined;
  /** A drain is queued (after the next frame, or as a task). */
  private draining = false;
  /** Pending while the grid moves: it runs out once `settleMs` pass without a scroll event. */
  private moving: ReturnType<typeof setTimeout> | undefined;
  private lastScrollAt = Number.NEGATIVE_INFINITY;
  /** When the current frame began (its scroll event, or its animation frame callback). */
  private frameStart = Number.NEGATIVE_INFINITY;

  /**
   * @param fastPx a scroll of more than this between two scroll events (about one frame) counts as a fling
   * @param settleMs how long the scroll must stay slow before held images load
   */
  constructor(
    private readonly fastPx: () => number,
    private readonly settleMs = 120,
    /** Told when a fling starts (true) and when the scroll has settled (false). */
    private readonly onFling: (flinging: boolean) => void = () => undefined,
    /** Images started per frame at most while the grid moves. */
    private readonly perFrame = 3,
    /** No image starts once this much of a frame is spent (its own rendering included). */
    private readonly frameBudgetMs = 8,
  ) {}

  get flinging(): boolean {
    return this.settle !== undefined;
  }

  /** Called on every scroll event of the grid. */
  scrolled(top: number): void {
    const delta = Math.abs(top - this.lastTop);
    this.lastTop = top;
    this.lastScrollAt = this.frameStart = performance.now();
    if (this.moving === undefined) this.stillAfter(this.settleMs);
    if (this.quiet !== undefined) this.whenQuiet();
    if (delta <= this.fastPx()) return;
    if (this.settle === undefined) this.onFling(true);
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.onFling(false);
      this.flush();
    }, this.settleMs);
  }

  load(img: HTMLImageElement, url: string): void {
    this.idle.delete(img);
    this.pending.set(img, url);
    this.queueDrain(false);
  }

  /**
   * The image left the window or shows something else: forget its pending load; its src (and the
   * download) goes once the grid has been quiet for `settleMs`, unless a new load replaces it first.
   */
  cancel(img: HTMLImageElement): void {
    this.pending.delete(img);
    if (!img.hasAttribute('src')) return;
    this.idle.add(img);
    this.whenQuiet();
  }

  /** The image shows what it already holds again (a card re-bound to the same shot): keep its src. */
  keep(img: HTMLImageElement): void {
    this.idle.delete(img);
  }

  /** (Re)starts the quiet timer: every scroll event pushes it back. */
  private whenQuiet(): void {
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => {
      this.quiet = undefined;
      for (const img of this.idle) img.removeAttribute('src');
      this.idle.clear();
    }, this.settleMs);
  }

  /** Arms the moving timer; each time it runs out early (the grid scrolled since), it waits the rest. */
  private stillAfter(ms: number): void {
    this.moving = setTimeout(() => {
      const left = this.lastScrollAt + this.settleMs - performance.now();
      if (left > 0) return this.stillAfter(left);
      this.moving = undefined;
      this.queueDrain(false);
    }, ms);
  }

  /** `nextFrame`: wait for the next frame first (the grid moves: this frame has had its share). */
  private queueDrain(nextFrame: boolean): void {
    if (this.flinging || this.draining || this.pending.size === 0) return;
    this.draining = true;
    // A task queued from inside a frame runs once that frame is painted.
    const queue = () => {
      this.soon = setTimeout(() => this.drain(), 0);
    };
    if (nextFrame)
      requestAnimationFrame((t) => {
        this.frameStart = Math.max(this.frameStart, t);
        queue();
      });
    else queue();
  }

  private drain(): void {
    this.draining = false;
    this.soon = undefined;
    if (this.flinging) return;
    if (this.moving === undefined) {
      this.flush();
      return;
    }
    for (const [img, url] of this.nextBatch()) {
      if (performance.now() - this.frameStart > this.frameBudgetMs) break;
      this.pending.delete(img);
      img.src = url;
    }
    this.queueDrain(true);
  }

  /** Up to `perFrame` pending images, those in the viewport first (layout is clean after a frame). */
  private nextBatch(): [HTMLImageElement, string][] {
    const batch: [HTMLImageElement, string][] = [];
    const rest: [HTMLImageElement, string][] = [];
    const bottom = window.innerHeight;
    let looked = 0;
    for (const entry of this.pending) {
      // What waits is a few rows' worth; after a relayout it can be more, and any will do.
      if (++looked > 40) break;
      const r = entry[0].getBoundingClientRect();
      if (r.bottom > 0 && r.top < bottom) batch.push(entry);
      else if (rest.length < this.perFrame) rest.push(entry);
      if (batch.length >= this.perFrame) break;
    }
    return [...batch, ...rest].slice(0, this.perFrame);
  }

  private flush(): void {
    clearTimeout(this.soon);
    this.soon = undefined;
    this.draining = false;
    if (this.flinging) return;
    for (const [img, url] of this.pending) img.src = url;
    this.pending.clear();
  }
}
