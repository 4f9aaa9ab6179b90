// A hand-written windowed grid: one tall canvas, absolutely positioned row elements for the visible
// rows plus a little overscan. A row that leaves the window stays in the DOM, parked out of sight, and is
// re-bound where the next row is needed: detaching and re-attaching rows (and their cards) made the
// browser restyle whole subtrees on every scroll frame. Libraries were measured slower at 10,000
// thumbnails than these few lines (see dependencies.md §1).
import { el } from './dom';
import type { GridLayout, GridRow } from './gridLayout';
import { visibleRows } from './gridLayout';

export interface RowRenderer {
  /** Fill `row` (a fresh or recycled element) for layout row `index`. Must be idempotent. */
  bind(row: HTMLElement, layoutRow: GridRow, index: number): void;
  /** `row` leaves the window (it stays in the DOM, out of sight): cancel its image loads here. */
  release(row: HTMLElement): void;
}

/** Where a parked row waits: far above the canvas (negative overflow never grows the scroll range). */
const PARKED = 'translateY(-100000px)';

export interface VirtualGridOptions {
  label: string;
  overscanRows: number;
  renderer: RowRenderer;
  /** Builds the layout for a viewport width; called on resize and on relayout(). */
  layout: (width: number) => GridLayout;
  onRender?: (layout: GridLayout) => void;
  /** Runs before the rows of the new position are bound. */
  onScroll?: (scrollTop: number) => void;
}

export class VirtualGrid {
  readonly element = el('div', 'vgrid');
  private readonly canvas = el('div', 'vgrid-canvas');
  private readonly live = new Map<number, HTMLElement>();
  /** Rows out of the window, still attached, waiting to be re-bound. */
  private readonly parked: HTMLElement[] = [];
  private current: GridLayout | undefined;
  private width = 0;

  constructor(private readonly opts: VirtualGridOptions) {
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', opts.label);
    this.canvas.setAttribute('role', 'none');
    this.element.append(this.canvas);
    // Scroll events already arrive once per frame, just before rAF callbacks: rendering here adds no lag.
    this.element.addEventListener(
      'scroll',
      () => {
        opts.onScroll?.(this.element.scrollTop);
        this.render(false);
      },
      { passive: true },
    );
    new ResizeObserver(() => {
      const width = this.element.clientWidth;
      if (width !== this.width) this.relayout();
      else this.render(false);
    }).observe(this.element);
  }

  get layout(): GridLayout | undefined {
    return this.current;
  }

  get scrollTop(): number {
    return this.element.scrollTop;
  }

  set scrollTop(top: number) {
    this.element.scrollTop = top;
    this.render(false);
  }

  /** Rows in the visible window (plus overscan) for a viewport height, for page-wise key movement. */
  get rowsPerPage(): number {
    const g = this.current?.geometry;
    return g ? Math.max(1, Math.floor(this.element.clientHeight / (g.cellHeight + g.gap))) : 1;
  }

  /**
   * Recompute the layout (data, filter, zoom or width changed) and re-bind every visible row. `scrollTo`
   * places the viewport in the new layout first, so rows are bound once, where they will be seen.
   */
  relayout(scrollTo?: (layout: GridLayout) => number): void {
    this.width = this.element.clientWidth;
    const layout = this.opts.layout(this.width);
    this.current = layout;
    const g = layout.geometry;
    const s = this.canvas.style;
    s.height = `${layout.height}px`;
    s.setProperty('--cols', String(g.columns));
    s.setProperty('--cell-w', `${g.cellWidth}px`);
    s.setProperty('--cell-h', `${g.cellHeight}px`);
    s.setProperty('--gap', `${g.gap}px`);
    s.setProperty('--pad', `${g.padding}px`);
    this.element.setAttribute('aria-rowcount', String(layout.rows.length));
    this.element.setAttribute('aria-colcount', String(g.columns));
    if (scrollTo) this.element.scrollTop = scrollTo(layout);
    this.render(true);
  }

  /** Scrolls the least distance that shows the whole row. */
  revealRow(index: number): void {
    const row = this.current?.rows[index];
    if (!row) return;
    const pad = this.current?.geometry.padding ?? 0;
    const top = this.element.scrollTop;
    const height = this.element.clientHeight;
    if (row.top - pad < top) this.scrollTop = Math.max(0, row.top - pad);
    else if (row.top + row.height + pad > top + height) this.scrollTop = row.top + row.height + pad - height;
  }

  private render(rebindAll: boolean): void {
    const layout = this.current;
    if (!layout) return;
    const { start, end } = visibleRows(
      layout,
      this.element.scrollTop,
      this.element.clientHeight,
      this.opts.overscanRows,
    );
    for (const [index, row] of this.live) {
      if (index >= start && index < end) continue;
      this.live.delete(index);
      this.opts.renderer.release(row);
      row.style.transform = PARKED;
      row.setAttribute('aria-hidden', 'true');
      this.parked.push(row);
    }
    for (let index = start; index < end; index++) {
      const layoutRow = layout.rows[index]!;
      let row = this.live.get(index);
      const fresh = !row;
      if (!row) {
        row = this.parked.pop();
        if (row) row.removeAttribute('aria-hidden');
        else {
          row = this.createRow();
          this.canvas.append(row);
        }
        this.live.set(index, row);
      }
      if (fresh || rebindAll) {
        row.style.transform = `translateY(${layoutRow.top}px)`;
        // A cell row's box takes the gap below it too: the cards sit half a gap down and must not be
        // clipped by the row's paint containment.
        const height = layoutRow.height + (layoutRow.kind === 'cells' ? layout.geometry.gap : 0);
        row.style.height = `${height}px`;
        row.setAttribute('aria-rowindex', String(index + 1));
        this.opts.renderer.bind(row, layoutRow, index);
      }
    }
    this.opts.onRender?.(layout);
  }

  private createRow(): HTMLElement {
    const row = el('div', 'vgrid-row');
    row.setAttribute('role', 'row');
    return row;
  }
}
