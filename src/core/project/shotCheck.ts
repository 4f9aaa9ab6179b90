// Proves a flush's edits left project.json valid without re-validating 20,000 shots: the edits stay inside
// the shots they touch, so checking those shots alone (same object, same id, only our keys changed, shot
// schema still met) is enough. Anything it cannot show sends the writer to validate the whole text.
import { type ParseError, parse as parseJsonc } from 'jsonc-parser';
import type { TextEdit } from './edit';
import type { Sliceable } from './ropeText';
import type { ShotIndex, ShotSpan } from './shotIndex';
import { shotSchemaError } from './validate';

/** A shot edited by one flush: where it was, what it gets, and the edits that do it. */
export interface Touched {
  span: ShotSpan;
  changes: [string, unknown][];
  edits: TextEdit[];
}

/** Strictly inside the shot's braces: the text around every shot stays byte for byte. */
export function insideShot(e: TextEdit, span: ShotSpan): boolean {
  return e.offset > span.offset && e.offset + e.length < span.offset + span.length;
}

const JSONC = { allowTrailingComma: true, disallowComments: false } as const;

/** One shot object's value, or undefined when its text is not exactly one JSON(C) object. */
export function parseShot(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const errors: ParseError[] = [];
    value = parseJsonc(text, errors, JSONC);
    if (errors.length) return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Why the edited text would not be valid, checking only the shots we edited: each must still be one
 * object with the same id and the same everything but the keys we changed, hold exactly the values we
 * meant, and pass the shot schema. The rest of the file is unchanged by construction (edits stay inside
 * shots).
 */
export function editedShotsProblem(
  before: Sliceable,
  after: Sliceable,
  index: ShotIndex,
  touched: readonly Touched[],
): string | undefined {
  for (const { span, changes } of touched) {
    const now = index.get(span.id);
    const was = parseShot(before.slice(span.offset, span.offset + span.length));
    const shot = now && parseShot(after.slice(now.offset, now.offset + now.length));
    if (!was || !shot || shot.id !== span.id) return `shot ${span.id} no longer parses as itself`;
    const cleared: Record<string, undefined> = {};
    for (const [key, value] of changes) {
      if (JSON.stringify(shot[key]) !== JSON.stringify(value)) return `shot ${span.id}: ${key} not as meant`;
      cleared[key] = undefined;
    }
    if (JSON.stringify({ ...shot, ...cleared }) !== JSON.stringify({ ...was, ...cleared }))
      return `shot ${span.id}: a field we did not change changed`;
    const schema = shotSchemaError(shot);
    if (schema) return `shots[${span.id}].${schema}`;
  }
  return undefined;
}
