// Drawing in page coordinates from the top-left (as the layout is computed), on a pdf-lib page whose
// origin is the bottom-left; text always goes through the font's clean() so nothing is drawn that the
// embedded font cannot show.
import { deflateSync } from 'node:zlib';
import { PDFName, type PDFPage, PDFRawStream, type PDFRef, rgb } from 'pdf-lib';
import type { HandoffCut } from '../handoff';
import type { BoardFonts } from './fonts';
import type { Rect } from './layout';

type Color = ReturnType<typeof rgb>;

export const INK = rgb(0.1, 0.1, 0.12);
export const GREY = rgb(0.42, 0.42, 0.45);
export const STATUS_COLOR = {
  approved: rgb(0.1, 0.5, 0.2),
  'changes-requested': rgb(0.75, 0.3, 0),
  pending: GREY,
} as const;

/** A number as a content stream writes it: at most 2 decimals, no trailing zeros. */
const n = (v: number) => String(Math.round(v * 100) / 100);
const fill = (c: Color) => `${n(c.red)} ${n(c.green)} ${n(c.blue)} rg`;

/**
 * Writes a page's content stream as text, compressed once by node's zlib when the page is done
 * (`flush`): pdf-lib's operator objects and its JavaScript deflate were most of the main thread's work
 * and garbage on a 10,000-shot board.
 */
export class Painter {
  private readonly parts: string[] = [];
  private readonly keys: { regular: string; bold: string };

  constructor(
    readonly page: PDFPage,
    readonly fonts: BoardFonts,
    readonly height: number,
  ) {
    this.keys = {
      regular: page.node.newFontDictionary(fonts.regular.pdf.name, fonts.regular.pdf.ref).toString(),
      bold: page.node.newFontDictionary(fonts.bold.pdf.name, fonts.bold.pdf.ref).toString(),
    };
  }

  fontKey(bold: boolean): string {
    return bold ? this.keys.bold : this.keys.regular;
  }

  /** Raw content stream operators (already formatted). */
  push(ops: string): void {
    this.parts.push(ops);
  }

  /** Draws an image XObject into a box given in PDF coordinates (origin bottom-left). */
  image(ref: PDFRef, x: number, y: number, width: number, height: number): void {
    const name: PDFName = this.page.node.newXObject('Im', ref);
    this.parts.push(`q ${n(width)} 0 0 ${n(height)} ${n(x)} ${n(y)} cm ${name.toString()} Do Q`);
  }

  /** Sets the page's content stream to what was drawn. No drawing after this. */
  flush(): void {
    if (!this.parts.length) return;
    const context = this.page.doc.context;
    const bytes = deflateSync(Buffer.from(this.parts.join('\n'), 'latin1'));
    const stream = PDFRawStream.of(context.obj({ Filter: 'FlateDecode', Length: bytes.length }), bytes);
    this.page.node.set(PDFName.of('Contents'), context.register(stream));
    this.parts.length = 0;
  }
}

/** Text with its top at `top` (page coordinates from the top-left). */
export function text(
  p: Painter,
  s: string,
  x: number,
  top: number,
  size: number,
  o: { bold?: boolean; color?: Color; maxWidth?: number; align?: 'right' } = {},
): void {
  const font = o.bold ? p.fonts.bold : p.fonts.regular;
  let t = font.clean(s);
  if (o.maxWidth) t = font.fit(t, size, o.maxWidth);
  if (!t) return;
  const w = o.align === 'right' ? font.width(t, size) : 0;
  // encodeText also records the glyphs for the font's subset.
  const hex = font.pdf.encodeText(t).toString();
  p.push(
    `BT ${fill(o.color ?? INK)} ${p.fontKey(o.bold === true)} ${n(size)} Tf 1 0 0 1 ${n(x - w)} ${n(p.height - top - size * 0.8)} Tm ${hex} Tj ET`,
  );
}

export function rect(p: Painter, r: Rect, color: Color): void {
  p.push(`${fill(color)} ${n(r.x)} ${n(p.height - r.y - r.height)} ${n(r.width)} ${n(r.height)} re f`);
}

export function fpsLabel(cut: HandoffCut): string {
  return cut.rate.ntsc ? cut.rate.fps.toFixed(3).replace(/0+$/, '') : String(cut.rate.fps);
}
