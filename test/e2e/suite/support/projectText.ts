// project.json as text: where a shot's property sits (to edit it like a user would), its recorded
// renders, and the text with every `"render": {…}` record cut out (to prove the user's formatting
// survived Dailies' write-backs byte for byte).
import { readFileSync } from 'node:fs';
import { findNodeAtLocation, type Node as JsonNode, parseTree } from 'jsonc-parser';

function tree(text: string): JsonNode {
  const root = parseTree(text);
  if (!root) throw new Error('project.json does not parse');
  return root;
}

function shotNodes(root: JsonNode): JsonNode[] {
  return findNodeAtLocation(root, ['shots'])?.children ?? [];
}

function shotNode(root: JsonNode, shotId: string): JsonNode {
  const found = shotNodes(root).find((s) => findNodeAtLocation(s, ['id'])?.value === shotId);
  if (!found) throw new Error(`no shot ${shotId} in project.json`);
  return found;
}

/** Offset and length of a shot's property value (e.g. its prompt string, quotes included). */
export function valueRange(
  text: string,
  shotId: string,
  property: string,
): { offset: number; length: number } {
  const node = findNodeAtLocation(shotNode(tree(text), shotId), [property]);
  if (!node) throw new Error(`shot ${shotId} has no ${property}`);
  return { offset: node.offset, length: node.length };
}

export function shotValue(text: string, shotId: string, property: string): unknown {
  return findNodeAtLocation(shotNode(tree(text), shotId), [property])?.value;
}

/** Each shot's recorded `render.renderedAt` (undefined when it has no record). */
export function renderedAt(file: string): Map<string, string | undefined> {
  const root = tree(readFileSync(file, 'utf8'));
  const out = new Map<string, string | undefined>();
  for (const s of shotNodes(root)) {
    const at = findNodeAtLocation(s, ['render', 'renderedAt'])?.value;
    out.set(String(findNodeAtLocation(s, ['id'])?.value), typeof at === 'string' ? at : undefined);
  }
  return out;
}

/**
 * The text without the `render` properties Dailies added: each cut runs from the end of the previous
 * property (so its comma and the line break go too) to the end of the record.
 */
export function withoutRenderRecords(text: string): string {
  const cuts: { from: number; to: number }[] = [];
  for (const shot of shotNodes(tree(text))) {
    const props = shot.children ?? [];
    const i = props.findIndex((p) => p.children?.[0]?.value === 'render');
    if (i < 0) continue;
    const render = props[i]!;
    const previous = props[i - 1];
    if (!previous) throw new Error('a render record as the first property is not expected from Dailies');
    cuts.push({ from: previous.offset + previous.length, to: render.offset + render.length });
  }
  let out = text;
  for (const c of cuts.reverse()) out = out.slice(0, c.from) + out.slice(c.to);
  return out;
}
