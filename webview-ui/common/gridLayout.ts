// Pure geometry of a sectioned grid: each section is a header row followed by rows of `columns` cells.
// Row tops are precomputed so the visible window is a binary search, whatever the item count.

export interface GridGeometry {
  columns: number;
  cellWidth: number;
  cellHeight: number;
  gap: number;
  padding: number;
  headerHeight: number;
}

export interface HeaderRow {
  kind: 'header';
  top: number;
  height: number;
  section: number;
}

export interface CellRow {
  kind: 'cells';
  top: number;
  height: number;
  section: number;
  /** Flat index (across all sections) of the row's first item. */
  first: number;
  count: number;
}

export type GridRow = HeaderRow | CellRow;

export interface GridLayout {
  geometry: GridGeometry;
  rows: GridRow[];
  height: number;
  itemCount: number;
  /** Flat item index → index of the row holding it. */
  rowOfItem: Int32Array;
}

export interface GeometryInput {
  width: number;
  minCellWidth: number;
  gap: number;
  padding: number;
  headerHeight: number;
  /** Cell height for a given cell width (the thumbnail keeps the project's aspect ratio). */
  cellHeight: (cellWidth: number) => number;
}

export function geometryFor(i: GeometryInput): GridGeometry {
  const inner = Math.max(1, i.width - 2 * i.padding);
  const columns = Math.max(1, Math.floor((inner + i.gap) / (i.minCellWidth + i.gap)));
  const cellWidth = Math.max(1, Math.floor((inner - i.gap * (columns - 1)) / columns));
  return {
    columns,
    cellWidth,
    cellHeight: Math.ceil(i.cellHeight(cellWidth)),
    gap: i.gap,
    padding: i.padding,
    headerHeight: i.headerHeight,
  };
}

export function layoutSections(sizes: readonly number[], g: GridGeometry): GridLayout {
  const rows: GridRow[] = [];
  const itemCount = sizes.reduce((a, b) => a + b, 0);
  const rowOfItem = new Int32Array(itemCount);
  let top = g.padding;
  let first = 0;
  sizes.forEach((size, section) => {
    rows.push({ kind: 'header', top, height: g.headerHeight, section });
    top += g.headerHeight;
    for (let start = 0; start < size; start += g.columns) {
      const count = Math.min(g.columns, size - start);
      rowOfItem.fill(rows.length, first, first + count);
      rows.push({ kind: 'cells', top, height: g.cellHeight, section, first, count });
      top += g.cellHeight + g.gap;
      first += count;
    }
  });
  return { geometry: g, rows, height: top + g.padding, itemCount, rowOfItem };
}

/** Index of the last row whose top is at or above `y` (0 when `y` is above everything). */
export function rowAt(layout: GridLayout, y: number): number {
  const { rows } = layout;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rows[mid]!.top <= y) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

/** Rows intersecting [top, top + height), widened by `overscan` rows on each side; end is exclusive. */
export function visibleRows(
  layout: GridLayout,
  top: number,
  height: number,
  overscan: number,
): { start: number; end: number } {
  if (layout.rows.length === 0) return { start: 0, end: 0 };
  const first = rowAt(layout, top);
  const last = rowAt(layout, top + Math.max(0, height - 1));
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(layout.rows.length, last + 1 + overscan),
  };
}
