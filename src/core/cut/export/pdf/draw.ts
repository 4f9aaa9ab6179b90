// Drawing in page coordinates from the top-left (as the layout is computed), on a pdf-lib page whose
// origin is the bottom-left; text always goes through the font's clean() so nothing is drawn that the
// embedded font cannot show.
import { type PDFPage, rgb } from 'pdf-lib';
import type { HandoffCut } from '../handoff';
import type { BoardFonts } from './fonts';
import type { Rect } from './layout';

export const INK = rgb(0.1, 0.1, 0.12);
export const GREY = rgb(0.42, 0.42, 0.45);
export const STATUS_COLOR = {
  approved: rgb(0.1, 0.5, 0.2),
  'changes-requested': rgb(0.75, 0.3, 0),
  pending: GREY,
} as const;

export interface Painter {
  page: PDFPage;
  fonts: BoardFonts;
  height: number;
}

/** Text with its top at `top` (page coordinates from the top-left). */
export function text(
  p: Painter,
  s: string,
  x: number,
  top: number,
  size: number,
  o: { bold?: boolean; color?: ReturnType<typeof rgb>; maxWidth?: number; align?: 'right' } = {},
): void {
  const font = o.bold ? p.fonts.bold : p.fonts.regular;
  let t = font.clean(s);
  if (o.maxWidth) t = font.fit(t, size, o.maxWidth);
  const w = o.align === 'right' ? font.width(t, size) : 0;
  p.page.drawText(t, {
    x: x - w,
    y: p.height - top - size * 0.8,
    size,
    font: font.pdf,
    color: o.color ?? INK,
  });
}

export function rect(p: Painter, r: Rect, fill: ReturnType<typeof rgb>): void {
  p.page.drawRectangle({
    x: r.x,
    y: p.height - r.y - r.height,
    width: r.width,
    height: r.height,
    color: fill,
  });
}

export function fpsLabel(cut: HandoffCut): string {
  return cut.rate.ntsc ? cut.rate.fps.toFixed(3).replace(/0+$/, '') : String(cut.rate.fps);
}
