// Minimal, format-keeping edits of project.json. Only each shot's `render` value is ever touched: the
// user's comments, key order, indentation, line endings, number spellings and compact one-line objects
// stay byte for byte. One parse locates every shot; edits are applied in one linear pass (jsonc-parser's
// own applyEdits is O(file × edits), minutes for thousands of results).
import { findNodeAtLocation, getNodeValue, type Node as JsonNode, parseTree } from 'jsonc-parser';
import { excessiveNesting } from './depth';
import { LineIndex } from './textPosition';

export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

export interface TextFormat {
  indentUnit: string;
  eol: '\n' | '\r\n';
}

export function detectFormat(text: string): TextFormat {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  const eol = crlf > lf ? '\r\n' : '\n';
  const indents = text.match(/^[ \t]+(?=\S)/gm) ?? [];
  if (indents.filter((i) => i.startsWith('\t')).length > indents.length / 2) return { indentUnit: '\t', eol };
  let unit = 0;
  for (const i of indents) {
    if (i.includes('\t')) continue;
    unit = unit === 0 ? i.length : gcd(unit, i.length);
  }
  return { indentUnit: ' '.repeat(unit >= 2 && unit <= 8 ? unit : 2), eol };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset);
  const pieces: string[] = [];
  let at = 0;
  for (const e of sorted) {
    if (e.offset < at) throw new Error('overlapping edits');
    pieces.push(text.slice(at, e.offset), e.content);
    at = e.offset + e.length;
  }
  pieces.push(text.slice(at));
  return pieces.join('');
}

export interface ShotNodes {
  tree: JsonNode;
  /** Shot id → its object node (the first one, if a file has duplicate ids). */
  shots: Map<string, JsonNode>;
}

/** undefined when the text is not JSON enough to find shots in, or nested too deep to parse safely. */
export function indexShots(text: string): ShotNodes | undefined {
  // jsonc-parser recurses: a hostile file's 20,000 nested brackets would overflow the stack here.
  if (excessiveNesting(text) >= 0) return undefined;
  const tree = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!tree) return undefined;
  const shotsNode = findNodeAtLocation(tree, ['shots']);
  const shots = new Map<string, JsonNode>();
  for (const shot of shotsNode?.type === 'array' ? (shotsNode.children ?? []) : []) {
    if (shot.type !== 'object') continue;
    const id = propertyNode(shot, 'id')?.children?.[1];
    if (id?.type === 'string' && typeof id.value === 'string' && !shots.has(id.value))
      shots.set(id.value, shot);
  }
  return { tree, shots };
}

/** Where a shot's `"id"` property starts (where "reveal in project.json" puts the cursor). */
export function shotIdOffset(text: string, shotId: string): number | undefined {
  const shot = indexShots(text)?.shots.get(shotId);
  return shot && (propertyNode(shot, 'id')?.offset ?? shot.offset);
}

function propertyNode(object: JsonNode, key: string): JsonNode | undefined {
  return object.children?.find((p) => p.type === 'property' && p.children?.[0]?.value === key);
}

/** Replaces the value at a JSON path (which must exist) with `value`, formatted like its surroundings. */
export function replaceValueEdit(
  text: string,
  tree: JsonNode,
  path: (string | number)[],
  value: unknown,
  fmt: TextFormat,
): TextEdit | undefined {
  const node = findNodeAtLocation(tree, path);
  if (!node) return undefined;
  const oneLine =
    typeof value !== 'object' ||
    value === null ||
    !text.slice(node.offset, node.offset + node.length).includes('\n');
  return {
    offset: node.offset,
    length: node.length,
    content: formatValue(value, lineIndent(text, node.offset), fmt, oneLine),
  };
}

/** Edits that set (value) or remove (undefined) `key` in a shot object. */
export function setPropertyEdits(
  text: string,
  object: JsonNode,
  key: string,
  value: unknown,
  fmt: TextFormat,
): TextEdit[] {
  const existing = propertyNode(object, key);
  const props = object.children ?? [];
  if (value === undefined) return existing ? removePropertyEdits(object, existing) : [];
  const oneLine = !text.slice(object.offset, object.offset + object.length).includes('\n');
  if (existing?.children?.[1]) {
    const valueNode = existing.children[1];
    const indent = oneLine ? '' : lineIndent(text, existing.offset);
    return [
      {
        offset: valueNode.offset,
        length: valueNode.length,
        content: formatValue(value, indent, fmt, oneLine),
      },
    ];
  }
  const last = props[props.length - 1];
  if (!last) {
    const inner = oneLine ? ' ' : fmt.eol + lineIndent(text, object.offset) + fmt.indentUnit;
    const close = oneLine ? ' ' : fmt.eol + lineIndent(text, object.offset);
    return [
      {
        offset: object.offset + 1,
        length: 0,
        content: `${inner}${JSON.stringify(key)}: ${formatValue(value, inner.trimStart(), fmt, oneLine)}${close}`,
      },
    ];
  }
  const lastEnd = last.offset + last.length;
  if (oneLine) {
    return [
      {
        offset: lastEnd,
        length: 0,
        content: `, ${JSON.stringify(key)}: ${formatValue(value, '', fmt, true)}`,
      },
    ];
  }
  const indent = lineIndent(text, last.offset);
  const property = `${fmt.eol}${indent}${JSON.stringify(key)}: ${formatValue(value, indent, fmt, false)}`;
  // Keep a trailing comment on the last property's line where it is: comma before it, new line after it.
  const lineEnd = endOfLine(text, lastEnd);
  const rest = text.slice(lastEnd, lineEnd);
  if (/^\s*(\/\/.*|\/\*.*\*\/\s*)$/.test(rest)) {
    return [
      { offset: lastEnd, length: 0, content: ',' },
      { offset: lineEnd, length: 0, content: property },
    ];
  }
  return [{ offset: lastEnd, length: 0, content: `,${property}` }];
}

function removePropertyEdits(object: JsonNode, prop: JsonNode): TextEdit[] {
  const props = object.children ?? [];
  const i = props.indexOf(prop);
  const next = props[i + 1];
  const prev = props[i - 1];
  if (next) return [{ offset: prop.offset, length: next.offset - prop.offset, content: '' }];
  if (prev) {
    const start = prev.offset + prev.length;
    return [{ offset: start, length: prop.offset + prop.length - start, content: '' }];
  }
  return [{ offset: prop.offset, length: prop.length, content: '' }];
}

function formatValue(value: unknown, indent: string, fmt: TextFormat, oneLine: boolean): string {
  if (oneLine) return JSON.stringify(value);
  return JSON.stringify(value, null, fmt.indentUnit)
    .split('\n')
    .map((line, i) => (i === 0 ? line : indent + line))
    .join(fmt.eol);
}

function lineIndent(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n') start--;
  const m = /^[ \t]*/.exec(text.slice(start, offset));
  return m ? m[0] : '';
}

function endOfLine(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** 0-based line of each shot's object, for "reveal in project.json". */
export function shotLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const index = indexShots(text);
  if (!index) return out;
  const lines = new LineIndex(text);
  for (const [id, node] of index.shots) out.set(id, lines.position(node.offset).line - 1);
  return out;
}

/** The current value of `key` in an object node (undefined when absent). */
export function propertyValue(object: JsonNode, key: string): unknown {
  const value = propertyNode(object, key)?.children?.[1];
  return value ? getNodeValue(value) : undefined;
}

/**
 * Edits that set several properties of one object at once (undefined removes one). Existing properties
 * are replaced where they are; new ones are inserted together after the last property, in the given
 * order — two separate `setPropertyEdits` insertions at one place would each add a comma and collide
 * when the last property carries a trailing comment.
 */
export function setPropertiesEdits(
  text: string,
  object: JsonNode,
  entries: readonly (readonly [string, unknown])[],
  fmt: TextFormat,
): TextEdit[] {
  const edits: TextEdit[] = [];
  const fresh: (readonly [string, unknown])[] = [];
  for (const entry of entries) {
    const [key, value] = entry;
    if (value === undefined || propertyNode(object, key))
      edits.push(...setPropertyEdits(text, object, key, value, fmt));
    else fresh.push(entry);
  }
  if (fresh.length === 0) return edits;
  const [first, ...rest] = fresh;
  const inserted = setPropertyEdits(text, object, first![0], first![1], fmt);
  if (rest.length === 0) return [...edits, ...inserted];
  // The last insertion ends with the first new property's value; the others follow it the same way.
  const oneLine = !text.slice(object.offset, object.offset + object.length).includes('\n');
  const props = object.children ?? [];
  const anchor = props[props.length - 1];
  const indent = oneLine
    ? ''
    : anchor
      ? lineIndent(text, anchor.offset)
      : lineIndent(text, object.offset) + fmt.indentUnit;
  const more = rest
    .map(([key, value]) =>
      oneLine
        ? `, ${JSON.stringify(key)}: ${formatValue(value, '', fmt, true)}`
        : `,${fmt.eol}${indent}${JSON.stringify(key)}: ${formatValue(value, indent, fmt, false)}`,
    )
    .join('');
  const last = inserted[inserted.length - 1]!;
  // An empty object's insertion closes with its own whitespace: the rest goes before that.
  const close = anchor ? '' : /\s*$/.exec(last.content)![0];
  const body = close ? last.content.slice(0, last.content.length - close.length) : last.content;
  inserted[inserted.length - 1] = { ...last, content: body + more + close };
  return [...edits, ...inserted];
}
