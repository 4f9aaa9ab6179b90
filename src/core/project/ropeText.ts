// The text of an ASCII project.json as the write-back edits it: the file's bytes in pieces, with our edits
// spliced in as new pieces. A flush on a 20 MB file then costs the same as on a 1 MB one: no copy of the
// whole text, no 20 MB string to decode and later collect. The text as one string is made only when
// something really needs all of it (a full validation, a conflict with a save), and then kept.
import type { TextEdit } from './edit';

/** What the writer needs of a text it only reads locally (a shot, the line around it). */
export interface Sliceable {
  readonly length: number;
  slice(start: number, end: number): string;
}

/** Project text: a string, or (an ASCII file the write-back edited) the pieces of one. */
export type Text = string | RopeText;

export class RopeText implements Sliceable {
  /** Where each part starts (character = byte offsets: every byte is ASCII). */
  private starts: Float64Array;

  private constructor(
    private parts: readonly Buffer[],
    readonly length: number,
    private flat: string | undefined,
  ) {
    this.starts = startsOf(parts);
  }

  /** ASCII bytes (the caller checked), and their latin1 string when it is already made. */
  static of(bytes: Buffer, text?: string): RopeText {
    return new RopeText([bytes], bytes.length, text);
  }

  /** The bytes, in order, without joining them (they are written with one writev). */
  get pieces(): readonly Buffer[] {
    return this.parts;
  }

  slice(start: number, end: number): string {
    const from = Math.max(0, Math.min(start, this.length));
    const to = Math.max(from, Math.min(end, this.length));
    if (this.flat !== undefined) return this.flat.slice(from, to);
    let i = this.partAt(from);
    let at = this.starts[i]!;
    let out = '';
    for (let pos = from; pos < to; i++) {
      const part = this.parts[i]!;
      const end = Math.min(part.length, to - at);
      out += part.toString('latin1', pos - at, end);
      pos = at + end;
      at += part.length;
    }
    return out;
  }

  /** The whole text as one string (made once, then kept: it is what a full check or a diff needs). */
  toString(): string {
    if (this.flat === undefined) {
      const whole = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
      this.flat = whole.toString('latin1');
    }
    return this.flat;
  }

  /** This text with non-overlapping ASCII `edits` applied: the old pieces shared, the edits new pieces. */
  edited(edits: readonly TextEdit[]): RopeText {
    const sorted = [...edits].sort((a, b) => a.offset - b.offset);
    const parts: Buffer[] = [];
    let at = 0;
    let length = this.length;
    for (const e of sorted) {
      if (e.offset < at || e.offset + e.length > this.length) throw new Error('overlapping edits');
      this.copyRange(at, e.offset, parts);
      if (e.content) parts.push(Buffer.from(e.content, 'latin1'));
      at = e.offset + e.length;
      length += e.content.length - e.length;
    }
    this.copyRange(at, this.length, parts);
    return new RopeText(parts, length, undefined);
  }

  /**
   * Replaces the pieces with `bytes`, which the caller read back from what it wrote of this very text:
   * same text, one piece, so a long run of flushes does not pile up thousands of pieces.
   */
  compact(bytes: Buffer): boolean {
    if (bytes.length !== this.length) return false;
    this.parts = [bytes];
    this.starts = startsOf(this.parts);
    return true;
  }

  private copyRange(from: number, to: number, out: Buffer[]): void {
    if (from >= to) return;
    let i = this.partAt(from);
    let at = this.starts[i]!;
    for (let pos = from; pos < to; i++) {
      const part = this.parts[i]!;
      const end = Math.min(part.length, to - at);
      out.push(pos - at === 0 && end === part.length ? part : part.subarray(pos - at, end));
      pos = at + end;
      at += part.length;
    }
  }

  /** Index of the part holding `offset` (binary search over the starts). */
  private partAt(offset: number): number {
    let lo = 0;
    let hi = this.parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function startsOf(parts: readonly Buffer[]): Float64Array {
  const starts = new Float64Array(Math.max(1, parts.length));
  let at = 0;
  parts.forEach((p, i) => {
    starts[i] = at;
    at += p.length;
  });
  return starts;
}

/** The whole text as one string (a rope makes it once). */
export function textOf(text: Text): string {
  return typeof text === 'string' ? text : text.toString();
}

/** Whether two project texts are the same text (the same object is, at no cost). */
export function sameText(a: Text, b: Text): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return textOf(a) === textOf(b);
}

/**
 * The text a shot's edits need: the shot itself when it is written on one line (its edits then look at
 * nothing else), else from the start of the line its `{` is on through the end of the line its `}` is on.
 * Every lookup a property edit makes (the indent of a line, the rest of a line) stays inside it, so edits
 * computed on this window are the edits computed on the whole text, moved by `start`. (Never the whole of
 * a minified one-line file, for every shot edited.)
 */
export function lineWindow(text: Sliceable, offset: number, length: number): { start: number; text: string } {
  const own = text.slice(offset, offset + length);
  if (!own.includes('\n')) return { start: offset, text: own };
  let start = offset;
  for (let step = 256; start > 0; step *= 2) {
    const from = Math.max(0, start - step);
    const nl = text.slice(from, start).lastIndexOf('\n');
    if (nl >= 0) {
      start = from + nl + 1;
      break;
    }
    start = from;
  }
  let end = offset + length;
  for (let step = 256; end < text.length; step *= 2) {
    const chunk = text.slice(end, end + step);
    const m = /[\r\n]/.exec(chunk);
    if (m) {
      end += m.index;
      break;
    }
    end += chunk.length;
  }
  return { start, text: text.slice(start, offset) + own + text.slice(offset + length, end) };
}
