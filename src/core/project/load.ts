import { promises as fs } from 'node:fs';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { DailiesError } from '../util/errors';
import { MAX_NESTING } from './depth';
import { ProjectPaths } from './paths';
import { isDailiesProjectValue } from './recognize';
import { scanProject } from './scan';
import type { Project } from './schema';
import { LineIndex } from './textPosition';
import { formatIssue, type ProjectIssue, type ValidateOptions, validateProjectValue } from './validate';

/** A hostile or runaway file must not take the extension host's memory with it. */
export const MAX_PROJECT_BYTES = 256 * 1024 * 1024;

export interface ProjectDocument {
  file: string;
  text: string;
  project: Project;
  paths: ProjectPaths;
  /** Problems scoped to some shots (unknown model, cast or scene, a bad ref): those fail, others render. */
  issues: ProjectIssue[];
  /** Offset of each shot's object in `text`, by index (found by the same scan that checks the nesting). */
  shotStarts: number[];
}

export class ProjectLoadError extends DailiesError {
  constructor(
    code: 'project-syntax' | 'project-schema' | 'project-semantic' | 'project-not-dailies' | 'project-io',
    readonly file: string,
    readonly issues: ProjectIssue[],
    message?: string,
  ) {
    super(code, message ?? summarise(file, issues));
  }
}

function summarise(file: string, issues: ProjectIssue[]): string {
  const first = issues[0];
  if (!first) return `${file} is not a valid Dailies project`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return formatIssue(file, first) + more;
}

export type ParseOutcome =
  | { ok: true; project: Project; issues: ProjectIssue[]; shotStarts: number[] }
  | { ok: false; error: ProjectLoadError };

/** Parses and validates text; comments and trailing commas are accepted (users write them). */
export function parseProjectText(text: string, file: string, options: ValidateOptions = {}): ParseOutcome {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // One pass for the nesting guard and the shots' offsets: the text is never scanned twice.
  const scan = scanProject(body);
  if (scan.tooDeepAt >= 0) {
    const issue = {
      path: '(structure)',
      ...new LineIndex(body).position(scan.tooDeepAt),
      message: `nested more than ${MAX_NESTING} levels deep`,
      severity: 'error' as const,
      code: 'syntax' as const,
    };
    return { ok: false, error: new ProjectLoadError('project-syntax', file, [issue]) };
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    const errors: ParseError[] = [];
    value = parseJsonc(body, errors, { allowTrailingComma: true, disallowComments: false });
    const first = errors[0];
    if (first) {
      // The parser recovers and reports every token after a bad one; only the first is the user's error
      // (one garbage line gave three), so it is the one reported.
      const issue = {
        path: '(syntax)',
        ...new LineIndex(body).position(first.offset),
        message: syntaxMessage(printParseErrorCode(first.error)),
        severity: 'error' as const,
        code: 'syntax' as const,
      };
      return { ok: false, error: new ProjectLoadError('project-syntax', file, [issue]) };
    }
  }
  if (!isDailiesProjectValue(value)) {
    const issue = {
      path: '(root)',
      ...new LineIndex(body).position(Math.max(0, body.search(/\S/))),
      message: 'this file is not a Dailies production (it has no "shots" array)',
      severity: 'error' as const,
      code: 'not-a-production' as const,
    };
    return {
      ok: false,
      error: new ProjectLoadError(
        'project-not-dailies',
        file,
        [issue],
        `${file} is not a Dailies production (no "shots" array)`,
      ),
    };
  }
  const issues = validateProjectValue(body, value, options);
  const blocking = issues.filter((i) => i.severity === 'error' && !i.shots);
  if (blocking.length > 0) {
    const schemaLike = blocking.some((i) => i.code === 'schema');
    // Blocking issues decide; the report still lists every error, shot-scoped ones included.
    const all = issues.filter((i) => i.severity === 'error');
    return {
      ok: false,
      error: new ProjectLoadError(schemaLike ? 'project-schema' : 'project-semantic', file, all),
    };
  }
  return { ok: true, project: value as Project, issues, shotStarts: scan.shotStarts };
}

export async function readProjectText(file: string): Promise<string> {
  let stat: import('node:fs').Stats;
  try {
    stat = await fs.stat(file);
  } catch (err) {
    throw new ProjectLoadError('project-io', file, [], `Cannot read ${file}: ${(err as Error).message}`);
  }
  if (!stat.isFile()) throw new ProjectLoadError('project-io', file, [], `${file} is not a file`);
  if (stat.size > MAX_PROJECT_BYTES) {
    throw new ProjectLoadError(
      'project-io',
      file,
      [],
      `${file} is larger than ${MAX_PROJECT_BYTES / 2 ** 20} MiB`,
    );
  }
  return fs.readFile(file, 'utf8');
}

export async function loadProject(file: string, options: ValidateOptions = {}): Promise<ProjectDocument> {
  const paths = new ProjectPaths(file);
  return documentFromText(paths, await readProjectText(paths.projectFile), options);
}

/** A document from text already read (an editor's unsaved buffer, or the file). */
export function documentFromText(
  paths: ProjectPaths,
  text: string,
  options: ValidateOptions = {},
): ProjectDocument {
  const outcome = parseProjectText(text, paths.projectFile, options);
  if (!outcome.ok) throw outcome.error;
  return {
    file: paths.projectFile,
    text,
    project: outcome.project,
    paths,
    issues: outcome.issues,
    shotStarts: outcome.shotStarts,
  };
}

function syntaxMessage(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `JSON syntax error: ${words}`;
}
