// Validation that answers "what is wrong, and where": every issue carries the JSON path the user can
// search for and the line:column their editor can jump to.
import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { findNodeAtLocation, type Node as JsonNode, parseTree } from 'jsonc-parser';
import { type Project, ProjectSchema, ShotSchema } from './schema';
import { LineIndex, pointerSegments, pointerToJsonPath } from './textPosition';

export interface ProjectIssue {
  /** `shots[3].prompt` */
  path: string;
  /** 1-based; 0 when the text position is unknown. */
  line: number;
  column: number;
  message: string;
  severity: 'error' | 'warning';
  /** Set when the problem concerns one shot only: that shot fails, the rest of a batch renders. */
  shotId?: string;
}

const MAX_ISSUES = 100;
let compiled: TypeCheck<typeof ProjectSchema> | undefined;

function checker(): TypeCheck<typeof ProjectSchema> {
  compiled ??= TypeCompiler.Compile(ProjectSchema);
  return compiled;
}

let compiledShot: TypeCheck<typeof ShotSchema> | undefined;

/**
 * Whether one shot object passes the schema, on its own: what the write-back checks for each shot it
 * edits in a file already known to be valid (ids, scenes and cast are never touched by it).
 */
export function shotSchemaError(value: unknown): string | undefined {
  compiledShot ??= TypeCompiler.Compile(ShotSchema);
  if (compiledShot.Check(value)) return undefined;
  const first = compiledShot.Errors(value).First();
  return first ? `${pointerToJsonPath(first.path)}: ${first.message}` : 'not a valid shot';
}

export interface ValidateOptions {
  /**
   * Lets the model registry flag unknown models without this module knowing the registry. Called once
   * per validation with the project, so its own `models` block counts.
   */
  modelCheck?: (project: Project) => (model: string, provider: string | undefined) => boolean;
}

/** Schema + cross-reference checks on an already parsed value. Locating lines costs one jsonc parse,
 * paid only when there are issues. */
export function validateProjectValue(
  text: string,
  value: unknown,
  options: ValidateOptions = {},
): ProjectIssue[] {
  const raw: RawIssue[] = [];
  const check = checker();
  if (!check.Check(value)) {
    const seen = new Set<string>();
    for (const err of check.Errors(value)) {
      if (seen.has(err.path)) continue;
      seen.add(err.path);
      raw.push({
        pointer: err.path,
        message: humanise(err.message, err.schema, err.value),
        severity: 'error',
      });
      if (raw.length >= MAX_ISSUES) break;
    }
  } else {
    raw.push(...semanticIssues(value as Project, options));
  }
  if (raw.length === 0) return [];
  const locate = locator(text);
  return raw.map((r) => ({
    ...locate(r.pointer),
    path: pointerToJsonPath(r.pointer),
    message: r.message,
    severity: r.severity,
    ...(r.shotId ? { shotId: r.shotId } : {}),
  }));
}

interface RawIssue {
  pointer: string;
  message: string;
  severity: 'error' | 'warning';
  shotId?: string;
}

function semanticIssues(project: Project, options: ValidateOptions): RawIssue[] {
  const out: RawIssue[] = [];
  const isKnownModel = options.modelCheck?.(project);
  const push = (pointer: string, message: string, shotId?: string) => {
    if (out.length < MAX_ISSUES) out.push({ pointer, message, severity: 'error', shotId });
  };
  const castIds = duplicates(project.cast ?? [], '/cast', push);
  const sceneIds = duplicates(project.scenes ?? [], '/scenes', push);
  duplicates(project.shots, '/shots', push);
  project.shots.forEach((shot, i) => {
    if (shot.scene !== undefined && !sceneIds.has(shot.scene)) {
      push(`/shots/${i}/scene`, `unknown scene "${shot.scene}"${suggest(shot.scene, sceneIds)}`, shot.id);
    }
    shot.cast?.forEach((member, j) => {
      if (!castIds.has(member))
        push(`/shots/${i}/cast/${j}`, `unknown cast member "${member}"${suggest(member, castIds)}`, shot.id);
    });
    const model = shot.model ?? project.defaults?.model;
    const provider = shot.provider ?? project.defaults?.provider;
    if (model && isKnownModel && !isKnownModel(model, provider)) {
      const where = shot.model ? `/shots/${i}/model` : '/defaults/model';
      push(where, `unknown model "${model}" (add it under "models", or set "provider")`, shot.id);
    }
  });
  return out;
}

function duplicates(
  items: readonly { id: string }[],
  base: string,
  push: (pointer: string, message: string) => void,
): Set<string> {
  const ids = new Set<string>();
  items.forEach((item, i) => {
    if (ids.has(item.id)) push(`${base}/${i}/id`, `duplicate id "${item.id}"`);
    ids.add(item.id);
  });
  return ids;
}

function suggest(name: string, known: Set<string>): string {
  const lower = name.toLowerCase();
  const close = [...known].find((k) => k.toLowerCase() === lower || k.toLowerCase().startsWith(lower));
  return close ? ` (did you mean "${close}"?)` : '';
}

function humanise(message: string, schema: TSchema, value: unknown): string {
  if (message === 'Expected required property') return 'is required';
  if (Array.isArray(schema.anyOf)) {
    const literals = (schema.anyOf as TSchema[]).map((s) => s.const).filter((c) => c !== undefined);
    if (literals.length) return `must be one of ${literals.map((l) => JSON.stringify(l)).join(', ')}`;
  }
  if (schema.pattern === '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$') {
    return `${JSON.stringify(value)} is not a valid id (letters, digits, ".", "_" or "-", up to 128)`;
  }
  if (schema.const !== undefined) return `must be ${JSON.stringify(schema.const)}`;
  return message.replace(/^Expected /, 'expected ');
}

function locator(text: string): (pointer: string) => { line: number; column: number } {
  let tree: JsonNode | undefined;
  let index: LineIndex | undefined;
  return (pointer) => {
    tree ??= parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
    index ??= new LineIndex(text);
    if (!tree) return { line: 0, column: 0 };
    const segments = pointerSegments(pointer);
    // A missing property has no node; point at the closest ancestor that exists.
    for (let n = segments.length; n >= 0; n--) {
      const node = findNodeAtLocation(tree, segments.slice(0, n));
      if (node) {
        const target = node.parent?.type === 'property' && n === segments.length ? node.parent : node;
        return index.position(target.offset);
      }
    }
    return { line: 0, column: 0 };
  };
}

export function formatIssue(file: string, issue: ProjectIssue): string {
  const where = issue.line > 0 ? `${file}:${issue.line}:${issue.column}` : file;
  return `${where}: ${issue.path}: ${issue.message}`;
}
