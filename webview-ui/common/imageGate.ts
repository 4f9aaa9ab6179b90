// Holds back image loads while the grid is flung. Measured in headless Chromium: decoding and
// rasterising the thumbnails of rows that fly past is the whole cost of a fast scroll (with images held
// back, a ¾-viewport-per-frame scroll keeps every frame at 16.7 ms); the DOM work is a few ms.
// Slow scrolling (a wheel, the arrow keys) loads images right after the frame that bound their cards:
// starting a request costs ~0.1 ms an image on the main thread, which the scroll frame itself should
// not pay.
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

  /**
   * @param fastPx a scroll of more than this between two scroll events (about one frame) counts as a fling
   * @param settleMs how long the scroll must stay slow before held images load
   */
  constructor(
    private readonly fastPx: () => number,
    private readonly settleMs = 120,
    /** Told when a fling starts (true) and when the scroll has settled (false). */
    private readonly onFling: (flinging: boolean) => void = () => undefined,
  ) {}

  get flinging(): boolean {
    return this.settle !== undefined;
  }

  /** Called on every scroll event of the grid. */
  scrolled(top: number): void {
    const delta = Math.abs(top - this.lastTop);
    this.lastTop = top;
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
    // A task queued from inside a frame runs once that frame is painted.
    if (!this.flinging) this.soon ??= setTimeout(() => this.flush(), 0);
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

  private flush(): void {
    clearTimeout(this.soon);
    this.soon = undefined;
    if (this.flinging) return;
    for (const [img, url] of this.pending) img.src = url;
    this.pending.clear();
  }
}
