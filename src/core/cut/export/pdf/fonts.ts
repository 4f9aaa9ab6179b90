// The boards' type: DejaVu Sans regular and bold, shipped in media/fonts (licence beside them), embedded
// as subsets. They cover Latin with its accents (é, ü, ß, ñ), Greek and Cyrillic; a character neither
// has (CJK, emoji) is drawn as "?" rather than as an invisible .notdef, so no text vanishes silently.
// Text is laid out one glyph per character (no shaping: boards need neither ligatures nor kerning), with
// glyphs and widths cached per character: pdf-lib would run fontkit's full OpenType shaping for every
// string drawn and measured, most of the CPU of a 10,000-shot board.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';
import { bundledFontsDir } from '../../../media/fonts';
import { DailiesError } from '../../../util/errors';

interface Glyph {
  id: number;
  advanceWidth: number;
}

interface GlyphSource {
  hasGlyphForCodePoint(cp: number): boolean;
  glyphForCodePoint(cp: number): Glyph;
  layout: (text: string) => { glyphs: Glyph[] };
}

/** The fontkit font pdf-lib's embedder holds (its subset is built from the glyphs this font returns). */
function embedderFont(font: PDFFont): GlyphSource {
  const f = (font as unknown as { embedder?: { font?: GlyphSource } }).embedder?.font;
  if (!f || typeof f.glyphForCodePoint !== 'function')
    throw new DailiesError('internal', 'pdf-lib no longer exposes its font embedder (was it upgraded?)');
  return f;
}

/** Replaces shaping with a cached glyph per character, for encoding and measuring alike. */
function simpleLayout(f: GlyphSource): void {
  const cache = new Map<number, Glyph>();
  f.layout = (text: string) => ({
    glyphs: Array.from(text, (ch) => {
      const cp = ch.codePointAt(0)!;
      let g = cache.get(cp);
      if (!g) {
        g = f.glyphForCodePoint(cp);
        cache.set(cp, g);
      }
      return g;
    }),
  });
}

export class BoardFont {
  private readonly widths = new Map<string, number>();

  constructor(
    readonly pdf: PDFFont,
    private readonly glyphs: GlyphSource,
  ) {}

  /** The text as it can be drawn: line breaks and control characters as spaces, unknown glyphs as "?". */
  clean(text: string): string {
    let out = '';
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
    for (const ch of text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')) {
      out += this.glyphs.hasGlyphForCodePoint(ch.codePointAt(0)!) ? ch : '?';
    }
    return out;
  }

  /** Width in points of already cleaned text. */
  width(text: string, size: number): number {
    let w = 0;
    for (const ch of text) {
      let cw = this.widths.get(ch);
      if (cw === undefined) {
        cw = this.pdf.widthOfTextAtSize(ch, 1);
        this.widths.set(ch, cw);
      }
      w += cw;
    }
    return w * size;
  }

  /** Cut to `max` points, with an ellipsis when anything was cut. */
  fit(text: string, size: number, max: number): string {
    if (this.width(text, size) <= max) return text;
    const chars = [...text];
    while (chars.length && this.width(`${chars.join('')}…`, size) > max) chars.pop();
    return `${chars.join('').trimEnd()}…`;
  }

  /** Greedy word wrap into at most `lines` lines of `max` points; the last one ends in … when cut. */
  wrap(text: string, size: number, max: number, lines: number): string[] {
    const words = text.split(/\s+/).filter(Boolean);
    const out: string[] = [];
    if (lines <= 0) return out;
    let line = '';
    for (let i = 0; i < words.length; i++) {
      const next = line ? `${line} ${words[i]}` : words[i]!;
      if (this.width(next, size) <= max) {
        line = next;
        continue;
      }
      if (line)
        i--; // this word starts the next line
      else line = this.fit(words[i]!, size, max); // a word wider than the line
      out.push(line);
      line = '';
      if (out.length === lines) {
        const rest = words.slice(i + 1).join(' ');
        if (rest) out[lines - 1] = this.fit(`${out[lines - 1]} ${rest}`, size, max);
        return out;
      }
    }
    if (line) out.push(line);
    return out;
  }
}

export interface BoardFonts {
  regular: BoardFont;
  bold: BoardFont;
}

export async function embedBoardFonts(doc: PDFDocument, dir = bundledFontsDir()): Promise<BoardFonts> {
  if (!dir)
    throw new DailiesError('not-found', 'the bundled fonts (media/fonts) are missing from this install');
  doc.registerFontkit(fontkit);
  const load = async (file: string) => {
    const bytes = await fs.readFile(path.join(dir, file));
    const pdf = await doc.embedFont(bytes, { subset: true });
    const glyphs = embedderFont(pdf);
    simpleLayout(glyphs);
    return new BoardFont(pdf, glyphs);
  };
  return { regular: await load('DejaVuSans.ttf'), bold: await load('DejaVuSans-Bold.ttf') };
}
