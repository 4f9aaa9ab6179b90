// The text of project.json as the write-back edits it: the file's bytes in pieces, with our edits spliced
// in as new pieces. A flush on a 20 MB file then costs the same as on a 1 MB one: no copy of the whole
// text, no 20 MB string to decode and later collect. The text as one string is made only when something
// really needs all of it (a full validation, a conflict with a save), and then kept.
// Offsets are the string's (UTF-16 units), as the JSON parser and the edits give them. In an ASCII piece
// an offset is its byte; in any other, it is found from the piece's file (Root): a table of where each
// 4 KiB block of the file starts in characters, built once per file (ASCII blocks are counted by a
// native check, the rest decoded), then a scan of at most one block.
import { isAscii, isUtf8 } from 'node:buffer';
import { lastAtOrBefore } from '../util/sorted';
import type { TextEdit } from './edit';

/** What the writer needs of a text it only reads locally (a shot, the line around it). */
export interface Sliceable {
  readonly length: number;
  slice(start: number, end: number): string;
}

/** Project text: a string, or (a file the write-back edited) the pieces of one. */
export type Text = string | RopeText;

const BLOCK = 4096;

/** A file's bytes, and where its blocks start in characters (built at the first lookup). */
class Root {
  private blockByte?: Float64Array;
  private blockChar?: Float64Array;

  constructor(readonly bytes: Buffer) {}

  /** The byte where character `char` starts; `split` when it is the second half of a 4-byte character. */
  byteOf(char: number): { byte: number; split: boolean } {
    if (!this.blockByte) this.index();
    const k = lastAtOrBefore(this.blockChar!, char);
    return scan(this.bytes, this.blockByte![k]!, this.blockChar![k]!, char);
  }

  private index(): void {
    const bytes = this.bytes;
    const byteStarts: number[] = [];
    const charStarts: number[] = [];
    let chars = 0;
    for (let b = 0; b < bytes.length; ) {
      let e = Math.min(bytes.length, b + BLOCK);
      while (e < bytes.length && (bytes[e]! & 0xc0) === 0x80) e++; // a block ends between characters
      byteStarts.push(b);
      charStarts.push(chars);
      const block = bytes.subarray(b, e);
      chars += isAscii(block) ? block.length : block.toString('utf8').length;
      b = e;
    }
    if (byteStarts.length === 0) {
      byteStarts.push(0);
      charStarts.push(0);
    }
    this.blockByte = Float64Array.from(byteStarts);
    this.blockChar = Float64Array.from(charStarts);
  }
}

/** From (byte, char) at a character boundary, walks to character `target`. */
function scan(bytes: Buffer, byte: number, char: number, target: number): { byte: number; split: boolean } {
  let b = byte;
  let c = char;
  while (c < target && b < bytes.length) {
    const lead = bytes[b]!;
    const size = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    const units = size === 4 ? 2 : 1;
    if (c + units > target) return { byte: b, split: true };
    c += units;
    b += size;
  }
  return { byte: b, split: false };
}

/** A piece: its bytes, its length in characters, and (when it is a window of a file) where it sits there. */
interface Part {
  bytes: Buffer;
  chars: number;
  ascii: boolean;
  root?: Root;
  rootByte: number;
  rootChar: number;
}

/** The byte in `part` where its character `char` starts (see Root.byteOf). */
function byteIn(part: Part, char: number): { byte: number; split: boolean } {
  if (part.ascii) return { byte: char, split: false };
  if (part.root) {
    const at = part.root.byteOf(part.rootChar + char);
    return { byte: at.byte - part.rootByte, split: at.split };
  }
  return scan(part.bytes, 0, 0, char);
}

/** Characters [from, to) of a part as a string, exactly as String.prototype.slice would cut them. */
function partText(part: Part, from: number, to: number): string {
  if (part.ascii) return part.bytes.toString('latin1', from, to);
  const a = byteIn(part, from);
  const b = byteIn(part, to);
  // Half of a 4-byte character: decode it whole, then cut it as the string would (one surrogate).
  const text = part.bytes.toString('utf8', a.byte, b.split ? b.byte + 4 : b.byte);
  return a.split || b.split ? text.slice(a.split ? 1 : 0, (a.split ? 1 : 0) + (to - from)) : text;
}

/** Characters [from, to) of a part as a part of its own (sharing the bytes); undefined inside a character. */
function subPart(part: Part, from: number, to: number): Part | undefined {
  if (from === 0 && to === part.chars) return part;
  const a = byteIn(part, from);
  const b = byteIn(part, to);
  if (a.split || b.split) return undefined;
  return {
    bytes: part.bytes.subarray(a.byte, b.byte),
    chars: to - from,
    ascii: part.ascii,
    root: part.root,
    rootByte: part.rootByte + a.byte,
    rootChar: part.rootChar + from,
  };
}

export class RopeText implements Sliceable {
  /** Where each part starts, in characters. */
  private starts: Float64Array;

  private constructor(
    private parts: readonly Part[],
    readonly length: number,
    private flat: string | undefined,
  ) {
    this.starts = startsOf(parts);
  }

  /**
   * The bytes of a file (and their string when it is already made), or undefined when they are not
   * UTF-8 (the string then cannot be mapped back onto them; such a file is edited as a string).
   */
  static of(bytes: Buffer, text?: string): RopeText | undefined {
    if (isAscii(bytes)) return new RopeText([wholePart(bytes, bytes.length, true)], bytes.length, text);
    if (!isUtf8(bytes)) return undefined;
    const chars = text?.length ?? bytes.toString('utf8').length;
    return new RopeText([wholePart(bytes, chars, false)], chars, text);
  }

  /** The bytes, in order, without joining them (they are written with one writev). */
  get pieces(): readonly Buffer[] {
    return this.parts.map((p) => p.bytes);
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
      const end = Math.min(part.chars, to - at);
      out += partText(part, pos - at, end);
      pos = at + end;
      at += part.chars;
    }
    return out;
  }

  /** The whole text as one string (made once, then kept: it is what a full check or a diff needs). */
  toString(): string {
    if (this.flat === undefined) {
      const whole =
        this.parts.length === 1
          ? this.parts[0]!.bytes
          : Buffer.concat(this.pieces as Buffer[], byteLength(this.parts));
      this.flat = whole.toString(this.parts.every((p) => p.ascii) ? 'latin1' : 'utf8');
    }
    return this.flat;
  }

  /**
   * This text with non-overlapping `edits` applied: the old pieces shared, the edits new pieces.
   * Undefined when an edit would cut a 4-byte character in two (no JSON edit does).
   */
  edited(edits: readonly TextEdit[]): RopeText | undefined {
    const sorted = [...edits].sort((a, b) => a.offset - b.offset);
    const parts: Part[] = [];
    let at = 0;
    let length = this.length;
    for (const e of sorted) {
      if (e.offset < at || e.offset + e.length > this.length) throw new Error('overlapping edits');
      if (!this.copyRange(at, e.offset, parts)) return undefined;
      if (e.content) parts.push(contentPart(e.content));
      at = e.offset + e.length;
      length += e.content.length - e.length;
    }
    if (!this.copyRange(at, this.length, parts)) return undefined;
    return new RopeText(parts, length, undefined);
  }

  /**
   * Replaces the pieces with `bytes`, which the caller read back from what it wrote of this very text:
   * same text, one piece, so a long run of flushes does not pile up thousands of pieces.
   */
  compact(bytes: Buffer): boolean {
    if (bytes.length !== byteLength(this.parts)) return false;
    this.parts = [
      wholePart(
        bytes,
        this.length,
        this.parts.every((p) => p.ascii),
      ),
    ];
    this.starts = startsOf(this.parts);
    return true;
  }

  private copyRange(from: number, to: number, out: Part[]): boolean {
    if (from >= to) return true;
    let i = this.partAt(from);
    let at = this.starts[i]!;
    for (let pos = from; pos < to; i++) {
      const part = this.parts[i]!;
      const end = Math.min(part.chars, to - at);
      const sub = subPart(part, pos - at, end);
      if (!sub) return false;
      out.push(sub);
      pos = at + end;
      at += part.chars;
    }
    return true;
  }

  /** Index of the part holding `offset` (binary search over the starts). */
  private partAt(offset: number): number {
    return lastAtOrBefore(this.starts, offset);
  }
}

function wholePart(bytes: Buffer, chars: number, ascii: boolean): Part {
  return { bytes, chars, ascii, root: ascii ? undefined : new Root(bytes), rootByte: 0, rootChar: 0 };
}

function contentPart(content: string): Part {
  const bytes = Buffer.from(content, 'utf8');
  return { bytes, chars: content.length, ascii: bytes.length === content.length, rootByte: 0, rootChar: 0 };
}

function byteLength(parts: readonly Part[]): number {
  let n = 0;
  for (const p of parts) n += p.bytes.length;
  return n;
}

function startsOf(parts: readonly Part[]): Float64Array {
  const starts = new Float64Array(Math.max(1, parts.length));
  let at = 0;
  parts.forEach((p, i) => {
    starts[i] = at;
    at += p.chars;
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
