// Validation that answers "what is wrong, and where": every issue carries the JSON path the user can
// search for and the line:column their editor can jump to.
import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { findNodeAtLocation, type Node as JsonNode, parseTree } from 'jsonc-parser';
import { timingWarnings } from '../cut/dialogue';
import { reviewIssues } from '../review/validate';
import { type Project, ProjectSchema, ShotSchema } from './schema';
import { LineIndex, pointerSegments, pointerToJsonPath } from './textPosition';
import { looksLikeRef } from './videoSpec';

export interface ProjectIssue {
  /** `shots[3].prompt` */
  path: string;
  /** 1-based; 0 when the text position is unknown. */
  line: number;
  column: number;
  /** Where the offending value itself is (1-based, end exclusive), when it sits on one line: what a quick
   * fix replaces. */
  value?: TextSpan;
  message: string;
  severity: 'error' | 'warning';
  /** Set when the problem concerns some shots only: those shots fail, the rest of a batch renders. */
  shots?: string[];
  /** What kind of problem, for tools that offer a fix. */
  code?: IssueCode;
  /** Values that would fix it, best first (known ids, known models). */
  suggestions?: string[];
}

export interface TextSpan {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type IssueCode =
  | 'syntax'
  | 'schema'
  | 'not-a-production'
  | 'duplicate-id'
  | 'unknown-scene'
  | 'unknown-cast'
  | 'unknown-model'
  | 'unknown-shot'
  | 'ref'
  | 'take'
  | 'review-status'
  | 'review-note';

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
  /** The model ids a quick fix may offer for an unknown model (the registry's, the project's own). */
  modelIds?: (project: Project) => string[];
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
        code: 'schema',
      });
      if (raw.length >= MAX_ISSUES) break;
    }
  } else {
    raw.push(...semanticIssues(value as Project, options), ...reviewIssues(value as Project));
    // Timing problems never stop a render (no `shots`): they are warnings for the edit.
    for (const w of timingWarnings(value as Project)) raw.push({ ...w, severity: 'warning' });
  }
  if (raw.length === 0) return [];
  return locateIssues(text, raw);
}

/** A problem found on the parsed value, located in the text later (only when there are any). */
export interface RawIssue {
  pointer: string;
  message: string;
  severity: 'error' | 'warning';
  shots?: string[];
  code?: IssueCode;
  suggestions?: string[];
}

/** JSON pointers → JSON paths with line:column ranges; one jsonc parse of the text for all of them. */
export function locateIssues(text: string, raw: readonly RawIssue[]): ProjectIssue[] {
  const locate = locator(text);
  return raw.map((r) => ({
    ...locate(r.pointer),
    path: pointerToJsonPath(r.pointer),
    message: r.message,
    severity: r.severity,
    ...(r.shots?.length ? { shots: r.shots } : {}),
    ...(r.code ? { code: r.code } : {}),
    ...(r.suggestions?.length ? { suggestions: r.suggestions } : {}),
  }));
}

const MAX_SUGGESTIONS = 8;

function semanticIssues(project: Project, options: ValidateOptions): RawIssue[] {
  const isKnownModel = options.modelCheck?.(project);
  // One issue per place in the file: a bad default model concerns every shot that uses it, once.
  const byPointer = new Map<string, RawIssue>();
  const push = (issue: RawIssue, shotId?: string) => {
    const known = byPointer.get(issue.pointer);
    if (known) {
      if (shotId) known.shots = [...(known.shots ?? []), shotId];
      return;
    }
    if (byPointer.size >= MAX_ISSUES) return;
    byPointer.set(issue.pointer, { ...issue, ...(shotId ? { shots: [shotId] } : {}) });
  };
  const castIds = duplicates(project.cast ?? [], '/cast', push);
  const sceneIds = duplicates(project.scenes ?? [], '/scenes', push);
  const shotIds = duplicates(project.shots, '/shots', push);
  let modelIds: string[] | undefined;
  project.shots.forEach((shot, i) => {
    // A video shot's start / end frame names a still shot (or is an image path, checked as a ref).
    for (const field of ['from', 'to'] as const) {
      const value = shot[field];
      if (value === undefined || looksLikeRef(value) || (shotIds.has(value) && value !== shot.id)) continue;
      const suggestions = closest(
        value,
        [...shotIds].filter((id) => id !== shot.id),
      );
      const message =
        value === shot.id
          ? 'a shot cannot start from itself'
          : `unknown shot "${value}"${didYouMean(value, suggestions)} (name a still shot, or an image path)`;
      push(
        { pointer: `/shots/${i}/${field}`, message, severity: 'error', code: 'unknown-shot', suggestions },
        shot.id,
      );
    }
    if (shot.scene !== undefined && !sceneIds.has(shot.scene)) {
      const suggestions = closest(shot.scene, sceneIds);
      push(
        {
          pointer: `/shots/${i}/scene`,
          message: `unknown scene "${shot.scene}"${didYouMean(shot.scene, suggestions)}`,
          severity: 'error',
          code: 'unknown-scene',
          suggestions,
        },
        shot.id,
      );
    }
    shot.cast?.forEach((member, j) => {
      if (castIds.has(member)) return;
      const suggestions = closest(member, castIds);
      push(
        {
          pointer: `/shots/${i}/cast/${j}`,
          message: `unknown cast member "${member}"${didYouMean(member, suggestions)}`,
          severity: 'error',
          code: 'unknown-cast',
          suggestions,
        },
        shot.id,
      );
    });
    const model = shot.model ?? project.defaults?.model;
    const provider = shot.provider ?? project.defaults?.provider;
    if (model && isKnownModel && !isKnownModel(model, provider)) {
      const where = shot.model ? `/shots/${i}/model` : '/defaults/model';
      modelIds ??= options.modelIds?.(project) ?? [];
      const suggestions = closest(model, modelIds);
      push(
        {
          pointer: where,
          message: `unknown model "${model}"${didYouMean(model, suggestions)} (add it under "models", or set "provider")`,
          severity: 'error',
          code: 'unknown-model',
          suggestions,
        },
        shot.id,
      );
    }
  });
  // The scratch voice is optional: a bad voice model costs the voice (a warning), never the pictures.
  const voiceModel = project.voice?.model;
  if (voiceModel && isKnownModel && !isKnownModel(voiceModel, undefined)) {
    modelIds ??= options.modelIds?.(project) ?? [];
    const suggestions = closest(voiceModel, modelIds);
    push({
      pointer: '/voice/model',
      message: `unknown text-to-speech model "${voiceModel}"${didYouMean(voiceModel, suggestions)}: the lines stay subtitles`,
      severity: 'warning',
      code: 'unknown-model',
      suggestions,
    });
  }
  for (const id of Object.keys(project.voice?.voices ?? {})) {
    if (!castIds.has(id)) {
      push({ pointer: `/voice/voices/${id}`, message: `"${id}" is not in the cast`, severity: 'warning' });
    }
  }
  return [...byPointer.values()];
}

function duplicates(
  items: readonly { id: string }[],
  base: string,
  push: (issue: RawIssue) => void,
): Set<string> {
  const ids = new Set<string>();
  items.forEach((item, i) => {
    if (ids.has(item.id))
      push({
        pointer: `${base}/${i}/id`,
        message: `duplicate id "${item.id}"`,
        severity: 'error',
        code: 'duplicate-id',
      });
    ids.add(item.id);
  });
  return ids;
}

/** The known names, closest first (edit distance, a shared prefix breaking ties), at most a handful. */
export function closest(name: string, known: Iterable<string>): string[] {
  const lower = name.toLowerCase();
  return [...new Set(known)]
    .map((k) => {
      const kl = k.toLowerCase();
      const prefix = kl.startsWith(lower) || lower.startsWith(kl) ? -0.5 : 0;
      return { k, d: editDistance(lower, kl) + prefix };
    })
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, MAX_SUGGESTIONS)
    .map((x) => x.k);
}

/** Names only a likely match: a near-miss in spelling or case, not merely the first known id. */
function didYouMean(name: string, suggestions: readonly string[]): string {
  const best = suggestions[0];
  if (!best) return '';
  const lower = name.toLowerCase();
  const b = best.toLowerCase();
  const near =
    b === lower ||
    b.startsWith(lower) ||
    lower.startsWith(b) ||
    editDistance(lower, b) <= Math.max(1, Math.floor(b.length / 3));
  return near ? ` (did you mean "${best}"?)` : '';
}

/** Edit distance where swapping two neighbours costs one ("maar" is one step from "mara"). */
function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
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

type Located = { line: number; column: number; value?: TextSpan };

function locator(text: string): (pointer: string) => Located {
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
      if (!node) continue;
      if (n < segments.length || n === 0) return index.position(node.offset);
      // The whole value (what a fix replaces), reported from its property's key when it has one.
      const start = index.position(node.parent?.type === 'property' ? node.parent.offset : node.offset);
      const from = index.position(node.offset);
      const end = index.position(node.offset + node.length);
      return node.type === 'object' || node.type === 'array' || from.line !== end.line
        ? start
        : {
            ...start,
            value: { line: from.line, column: from.column, endLine: end.line, endColumn: end.column },
          };
    }
    return { line: 0, column: 0 };
  };
}

export function formatIssue(file: string, issue: ProjectIssue): string {
  const where = issue.line > 0 ? `${file}:${issue.line}:${issue.column}` : file;
  return `${where}: ${issue.path}: ${issue.message}`;
}
