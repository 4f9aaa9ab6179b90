// Holds back image loads while the grid is flung. Measured in headless Chromium: decoding and
// rasterising the thumbnails of rows that fly past is the whole cost of a fast scroll (with images held
// back, a ¾-viewport-per-frame scroll keeps every frame at 16.7 ms); the DOM work is a few ms.
// Slow scrolling (a wheel, the arrow keys) loads images right after the frame that bound their cards:
// starting a request costs ~0.1 ms an image on the main thread, which the scroll frame itself should
// not pay.

export class ImageGate {
  private readonly pending = new Map<HTMLImageElement, string>();
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
    this.pending.set(img, url);
    // A task queued from inside a frame runs once that frame is painted.
    if (!this.flinging) this.soon ??= setTimeout(() => this.flush(), 0);
  }

  /** The image left the DOM or shows something else: forget it and stop its download. */
  cancel(img: HTMLImageElement): void {
    this.pending.delete(img);
    img.removeAttribute('src');
  }

  private flush(): void {
    clearTimeout(this.soon);
    this.soon = undefined;
    if (this.flinging) return;
    for (const [img, url] of this.pending) img.src = url;
    this.pending.clear();
  }
}
