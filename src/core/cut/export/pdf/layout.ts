// Where things go on a board page: paper in points (landscape), margins, a header and footer band, and a
// grid of panels, each a picture at the project's aspect ratio above its text. Pure numbers, so the
// tests can check that panels never overlap or leave the page, for any grid and any aspect ratio.
import { DailiesError } from '../../../util/errors';

export type Paper = 'a4' | 'letter';

export const PAPER_SIZES: Record<Paper, { width: number; height: number }> = {
  a4: { width: 841.89, height: 595.28 },
  letter: { width: 792, height: 612 },
};

export interface Grid {
  rows: number;
  cols: number;
}

export const GRID_LIMIT = 6;

/** `2x3` (rows × columns; `3x2`, `1x1`…), checked. */
export function parseGrid(text: string): Grid {
  const m = /^\s*(\d+)\s*[x\u00d7*]\s*(\d+)\s*$/i.exec(text); // \u00d7 is ×: the bundles stay ASCII
  const rows = Number(m?.[1]);
  const cols = Number(m?.[2]);
  if (!m || rows < 1 || cols < 1 || rows > GRID_LIMIT || cols > GRID_LIMIT) {
    throw new DailiesError(
      'validation',
      `panels are given as rows×columns from 1x1 to ${GRID_LIMIT}x${GRID_LIMIT}, e.g. 2x3 (got "${text}")`,
    );
  }
  return { rows, cols };
}

export interface Rect {
  /** From the page's top-left corner, in points (the drawing code flips y). */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PanelBox {
  panel: Rect;
  picture: Rect;
  /** The text block under the picture. */
  text: Rect;
}

export interface PageLayout {
  width: number;
  height: number;
  margin: number;
  header: Rect;
  footer: Rect;
  panels: PanelBox[];
}

/** Text under each picture: id line, scene, timecodes, take and status, then prompt lines. */
export const TEXT_LINES_MIN = 6;
export const TEXT_LEADING = 9.5;

export function pageLayout(paper: Paper, grid: Grid, aspect: number): PageLayout {
  const { width, height } = PAPER_SIZES[paper];
  const margin = 28;
  const band = 18;
  const gutter = 12;
  const header = { x: margin, y: margin, width: width - 2 * margin, height: band };
  const footer = { x: margin, y: height - margin - band, width: width - 2 * margin, height: band };
  const areaTop = header.y + header.height + 6;
  const areaHeight = footer.y - 6 - areaTop;
  const cellW = (header.width - gutter * (grid.cols - 1)) / grid.cols;
  const cellH = (areaHeight - gutter * (grid.rows - 1)) / grid.rows;
  const ratio = Number.isFinite(aspect) && aspect > 0 ? aspect : 16 / 9;
  const minText = TEXT_LINES_MIN * TEXT_LEADING;
  // The picture is as wide as the cell unless that leaves too little room for the text.
  let picW = cellW;
  let picH = picW / ratio;
  if (picH > cellH - minText) {
    picH = Math.max(cellH * 0.3, cellH - minText);
    picW = Math.min(cellW, picH * ratio);
    picH = picW / ratio;
  }
  const panels: PanelBox[] = [];
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const panel = {
        x: margin + c * (cellW + gutter),
        y: areaTop + r * (cellH + gutter),
        width: cellW,
        height: cellH,
      };
      const picture = { x: panel.x + (cellW - picW) / 2, y: panel.y, width: picW, height: picH };
      const textTop = picture.y + picH + 4;
      panels.push({
        panel,
        picture,
        text: { x: panel.x, y: textTop, width: cellW, height: panel.y + cellH - textTop },
      });
    }
  }
  return { width, height, margin, header, footer, panels };
}

/** `16:9` → 1.777…, `2.39:1` → 2.39. */
export function aspectOf(ratio: string): number {
  const [w, h] = ratio.split(':').map(Number);
  return w && h ? w / h : 16 / 9;
}
