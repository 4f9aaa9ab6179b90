// Text arithmetic for carrying an editor's save across our own write: the one region a save changed,
// moved past the edits we made meanwhile (or refused when the two overlap).
import { applyEdits, type TextEdit } from './edit';
import { type Text, textOf } from './ropeText';

/** The one region where `b` differs from `a` (common prefix and suffix stripped), as an edit of `a`. */
export function diffRegion(a: string, b: string): TextEdit | undefined {
  if (a === b) return undefined;
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)) end++;
  return { offset: start, length: a.length - start - end, content: b.slice(start, b.length - end) };
}

/**
 * Re-expresses `change` (an edit of text A) as an edit of text B, where B = A with `edits` applied; none
 * when they overlap (then there is no telling which one should win).
 */
export function mapThrough(change: TextEdit, edits: TextEdit | TextEdit[] | undefined): TextEdit | undefined {
  let shift = 0;
  for (const e of edits === undefined ? [] : Array.isArray(edits) ? edits : [edits]) {
    if (
      e.offset + e.length <= change.offset &&
      !(e.length === 0 && e.offset === change.offset && change.length > 0)
    ) {
      shift += e.content.length - e.length;
    } else if (
      e.offset >= change.offset + change.length &&
      !(change.length === 0 && e.offset === change.offset)
    ) {
      // after the change: no effect on its position
    } else return undefined;
  }
  return { ...change, offset: change.offset + shift };
}

/** A write that went through: what it expected, the text its edits applied to, those edits, the result. */
export interface Written {
  expected: Text;
  base: Text;
  edits: TextEdit[];
  after: Text;
}

/** Where a flush goes on from: the text to edit, the text the file should hold, a change still owed. */
export interface Resume {
  base: Text;
  expected: Text;
  owed: TextEdit | undefined;
}

/**
 * After a save was lost in the file `w` replaced: their change carried past our edits onto our text (and
 * owed from then on), or, when it cannot be carried, their whole text with the batch applied again.
 */
export function onTopOf(w: Written, lost: string): Resume {
  const theirs = diffRegion(textOf(w.expected), lost);
  const mapped = theirs && w.expected === w.base ? mapThrough(theirs, w.edits) : undefined;
  return { owed: mapped, base: mapped ? applyEdits(textOf(w.after), [mapped]) : lost, expected: w.after };
}
