// One linear pass over project.json's text, before any parser: the nesting depth (recursive parsers
// overflow the stack on a hostile file's thousands of brackets) and where each shot's object starts (so
// the tree can reveal a shot, and the cursor can name one, without a second parse of a 10 MB file).
import { MAX_NESTING } from './depth';

export interface TextScan {
  /** Offset where the nesting first exceeds the limit, or -1. */
  tooDeepAt: number;
  /** Offset of the `{` of `shots[i]`, by index (only object elements are recorded). */
  shotStarts: number[];
}

const SPACE = 32;
const QUOTE = 34;
const SLASH = 47;
const STAR = 42;
const BACKSLASH = 92;
const NEWLINE = 10;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;
const COLON = 58;

export function scanProject(text: string, max = MAX_NESTING): TextScan {
  const shotStarts: number[] = [];
  let depth = 0;
  /** Depth of the top-level "shots" array while inside it, else -1. */
  let shotsDepth = -1;
  /** The last string seen directly inside the root object, while it may still be a key. */
  let rootKey: string | undefined;
  let keyPending = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Indentation and line breaks are most of what lies outside strings: one comparison, not eight.
    if (c <= SPACE) continue;
    if (c === QUOTE) {
      const start = i + 1;
      // Prompts make up most of the text: jump from quote to quote instead of walking every character.
      let from = start;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) {
          i = text.length;
          break;
        }
        let b = q - 1;
        while (b >= start && text.charCodeAt(b) === BACKSLASH) b--;
        if ((q - 1 - b) % 2 === 0) {
          i = q;
          break;
        }
        from = q + 1;
      }
      if (depth === 1) {
        // Keys of the root object are few; only those are ever sliced out.
        rootKey = text.slice(start, i);
        keyPending = true;
      }
    } else if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      while (i < text.length && text.charCodeAt(i) !== NEWLINE) i++;
    } else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > max) return { tooDeepAt: i, shotStarts };
      if (depth === 2 && c === OPEN_BRACKET && rootKey === 'shots' && !keyPending) shotsDepth = 2;
      else if (depth === 3 && shotsDepth === 2 && c === OPEN_BRACE) shotStarts.push(i);
      if (depth === 2) rootKey = undefined;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      if (depth === shotsDepth) shotsDepth = -1;
      depth--;
    } else if (c === COLON && depth === 1) {
      keyPending = false;
    }
  }
  return { tooDeepAt: -1, shotStarts };
}

/** 0-based line of each (ascending) offset, in one pass. */
export function linesOf(text: string, offsets: readonly number[]): number[] {
  const out: number[] = [];
  let line = 0;
  let at = 0;
  for (const offset of offsets) {
    for (;;) {
      const nl = text.indexOf('\n', at);
      if (nl < 0 || nl >= offset) break;
      line++;
      at = nl + 1;
    }
    out.push(line);
  }
  return out;
}
