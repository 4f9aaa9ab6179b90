// Drawing in page coordinates from the top-left (as the layout is computed), on a pdf-lib page whose
// origin is the bottom-left; text always goes through the font's clean() so nothing is drawn that the
// embedded font cannot show.
import { degrees, drawRectangle, drawText, type PDFName, type PDFOperator, type PDFPage, rgb } from 'pdf-lib';
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

/**
 * Draws into a list of operators pushed to the page once (`flush`): pdf-lib's own draw calls each look
 * the page's resources up again, which adds up over thousands of pages.
 */
export class Painter {
  readonly ops: PDFOperator[] = [];
  private readonly keys: { regular: PDFName; bold: PDFName };

  constructor(
    readonly page: PDFPage,
    readonly fonts: BoardFonts,
    readonly height: number,
  ) {
    this.keys = {
      regular: page.node.newFontDictionary(fonts.regular.pdf.name, fonts.regular.pdf.ref),
      bold: page.node.newFontDictionary(fonts.bold.pdf.name, fonts.bold.pdf.ref),
    };
  }

  fontKey(bold: boolean): PDFName {
    return bold ? this.keys.bold : this.keys.regular;
  }

  flush(): void {
    if (this.ops.length) this.page.pushOperators(...this.ops);
    this.ops.length = 0;
  }
}

const NONE = degrees(0);

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
  if (!t) return;
  p.ops.push(
    ...drawText(font.pdf.encodeText(t), {
      x: x - w,
      y: p.height - top - size * 0.8,
      size,
      font: p.fontKey(o.bold === true),
      color: o.color ?? INK,
      rotate: NONE,
      xSkew: NONE,
      ySkew: NONE,
    }),
  );
}

export function rect(p: Painter, r: Rect, fill: ReturnType<typeof rgb>): void {
  p.ops.push(
    ...drawRectangle({
      x: r.x,
      y: p.height - r.y - r.height,
      width: r.width,
      height: r.height,
      color: fill,
      borderColor: undefined,
      borderWidth: 0,
      rotate: NONE,
      xSkew: NONE,
      ySkew: NONE,
    }),
  );
}

export function fpsLabel(cut: HandoffCut): string {
  return cut.rate.ntsc ? cut.rate.fps.toFixed(3).replace(/0+$/, '') : String(cut.rate.fps);
}
