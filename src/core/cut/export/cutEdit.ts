// The edit import-cut makes to project.json: new `duration` values and, on request, the shots in a new
// order, as one change. It follows the project writer's rules with its public parts: under the project
// lock, computed against exactly the text read, each shot's object moved as written (comments inside it,
// its formatting, its number spellings stay), checked to still validate, then one conditional atomic write
// (or one WorkspaceEdit of the open editor) that is redone on top of a save that lands meanwhile.
import { findNodeAtLocation, type Node as JsonNode } from 'jsonc-parser';
import { applyEdits, detectFormat, indexShots, setPropertyEdits, type TextEdit } from '../../project/edit';
import { parseProjectText } from '../../project/load';
import { diffRegion, type ProjectIO } from '../../project/write';
import { DailiesError } from '../../util/errors';

export interface CutEdit {
  durations: Map<string, number>;
  order?: string[];
}

/** The text with the edit applied; throws a clear error when it cannot be applied to this text. */
export function applyCutEdit(text: string, edit: CutEdit, file: string): string {
  const before = parseProjectText(text, file);
  if (!before.ok) {
    throw new DailiesError(
      'validation',
      `project.json is not valid right now, nothing changed: ${before.error.message}`,
    );
  }
  let index = indexShots(text);
  if (!index) throw new DailiesError('validation', 'project.json could not be parsed, nothing changed');
  const fmt = detectFormat(text);
  const edits: TextEdit[] = [];
  for (const [id, seconds] of edit.durations) {
    const node = index.shots.get(id);
    if (node) edits.push(...setPropertyEdits(text, node, 'duration', seconds, fmt));
  }
  let after = applyEdits(text, edits);
  if (edit.order) {
    index = indexShots(after);
    const array = index && findNodeAtLocation(index.tree, ['shots']);
    if (!array) throw new DailiesError('internal', 'the shots array vanished while editing');
    after = reorderArray(after, array, edit.order);
  }
  const check = parseProjectText(after, file);
  if (!check.ok)
    throw new DailiesError('internal', `refusing to write an invalid project.json: ${check.error.message}`);
  return after;
}

/** Moves each element's text into the slot of its new position; separators and comments between stay. */
function reorderArray(text: string, array: JsonNode, order: string[]): string {
  const elements = array.children ?? [];
  const idOf = (el: JsonNode) =>
    el.children?.find((p) => p.children?.[0]?.value === 'id')?.children?.[1]?.value as string | undefined;
  const byId = new Map<string, JsonNode>();
  for (const el of elements) {
    const id = idOf(el);
    if (typeof id !== 'string' || byId.has(id)) {
      throw new DailiesError(
        'validation',
        'cannot reorder: some shots have no id or share one; the order is unchanged',
      );
    }
    byId.set(id, el);
  }
  if (order.length !== elements.length || order.some((id) => !byId.has(id))) {
    throw new DailiesError(
      'validation',
      'cannot reorder: the shots changed while the cut was read; try again',
    );
  }
  const slice = (n: JsonNode) => text.slice(n.offset, n.offset + n.length);
  const edits: TextEdit[] = elements.map((slot, i) => ({
    offset: slot.offset,
    length: slot.length,
    content: slice(byId.get(order[i]!)!),
  }));
  return applyEdits(text, edits);
}

/**
 * Applies the edit through `io` (the file, or VS Code's open editor) under its lock. Returns false when
 * there was nothing to change.
 */
export async function writeCutEdit(io: ProjectIO, file: string, edit: CutEdit): Promise<boolean> {
  if (edit.durations.size === 0 && !edit.order) return false;
  return io.withLock(async () => {
    let base = await io.read();
    let expected = base;
    let wrote = false;
    for (let attempt = 0; attempt < 8; attempt++) {
      const after = applyCutEdit(base, edit, file);
      if (after === base) return wrote;
      const change = diffRegion(expected, after);
      const outcome = await io.write(expected, after, change && expected === base ? [change] : []);
      if (!outcome.ok) {
        base = outcome.current;
        expected = outcome.current;
        continue;
      }
      wrote = true;
      if ('lost' in outcome) {
        // A save went into the file we replaced: its text, with our change made again on top.
        base = outcome.lost;
        expected = after;
        continue;
      }
      return true;
    }
    throw new DailiesError(
      'project-io',
      'project.json kept changing while the cut was applied; nothing more was written',
    );
  });
}
