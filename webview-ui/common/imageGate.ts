// Holds back image loads while the grid is flung. Measured in headless Chromium: decoding and
// rasterising the thumbnails of rows that fly past is the whole cost of a fast scroll (with images held
// back, a ¾-viewport-per-frame scroll keeps every frame at 16.7 ms); the DOM work is a few ms.
// Slow scrolling (a wheel, the arrow keys) loads images at once.

export class ImageGate {
  private readonly pending = new Map<HTMLImageElement, string>();
  private lastTop = 0;
  private settle: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param fastPx a scroll of more than this between two scroll events (about one frame) counts as a fling
   * @param settleMs how long the scroll must stay slow before held images load
   */
  constructor(
    private readonly fastPx: () => number,
    private readonly settleMs = 120,
  ) {}

  get flinging(): boolean {
    return this.settle !== undefined;
  }

  /** Called on every scroll event of the grid. */
  scrolled(top: number): void {
    const delta = Math.abs(top - this.lastTop);
    this.lastTop = top;
    if (delta <= this.fastPx()) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.flush();
    }, this.settleMs);
  }

  load(img: HTMLImageElement, url: string): void {
    if (this.flinging) {
      this.pending.set(img, url);
      return;
    }
    this.pending.delete(img);
    img.src = url;
  }

  /** The image left the DOM or shows something else: forget it and stop its download. */
  cancel(img: HTMLImageElement): void {
    this.pending.delete(img);
    img.removeAttribute('src');
  }

  private flush(): void {
    for (const [img, url] of this.pending) img.src = url;
    this.pending.clear();
  }
}
