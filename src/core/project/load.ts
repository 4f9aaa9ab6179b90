import { isAscii as isAsciiBytes } from 'node:buffer';
import { promises as fs } from 'node:fs';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { bytesLabel } from '../util/bytes';
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
  return (await readProjectSnapshot(file)).text;
}

/** What identifies one version of a file without reading it: a save or a rename changes one of these. */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export function identityOf(stat: import('node:fs').BigIntStats): FileIdentity {
  return { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeNs === b.mtimeNs &&
    a.ctimeNs === b.ctimeNs
  );
}

export interface ProjectSnapshot {
  text: string;
  bytes: Buffer;
  /** Set when nothing changed the file while it was read. */
  identity?: FileIdentity;
}

/** Reads the file once, as bytes and text, with the identity of the version read. */
export async function readProjectSnapshot(file: string): Promise<ProjectSnapshot> {
  let stat: import('node:fs').Stats;
  try {
    stat = await fs.stat(file);
  } catch (err) {
    throw new ProjectLoadError('project-io', file, [], `Cannot read ${file}: ${(err as Error).message}`);
  }
  // Checked before opening: opening a FIFO would block, and a runaway file must not be read at all.
  if (!stat.isFile()) throw new ProjectLoadError('project-io', file, [], `${file} is not a file`);
  if (stat.size > MAX_PROJECT_BYTES) {
    throw new ProjectLoadError(
      'project-io',
      file,
      [],
      `${file} is larger than ${bytesLabel(MAX_PROJECT_BYTES)}`,
    );
  }
  const handle = await fs.open(file, 'r');
  try {
    const before = await handle.stat({ bigint: true });
    const bytes = await handle.readFile();
    const after = await handle.stat({ bigint: true });
    const identity = identityOf(after);
    // Most project files are pure ASCII: decoded as latin1 (the same text), a large one becomes a string
    // outside the JS heap in one memory copy instead of a UTF-8 decode into it.
    const ascii = isAsciiBytes(bytes);
    const text = bytes.toString(ascii ? 'latin1' : 'utf8');
    return {
      text,
      bytes,
      identity:
        sameIdentity(identityOf(before), identity) && after.size === BigInt(bytes.length)
          ? identity
          : undefined,
    };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Whether every character is ASCII (UTF-8 needs more bytes than characters for anything else). */
export function isAscii(text: string): boolean {
  return Buffer.byteLength(text) === text.length;
}

/** UTF-8 bytes of `text`; pure ASCII (most project files) takes the much faster one-byte path. */
export function encodeText(text: string): Buffer {
  return isAscii(text) ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

export async function loadProject(file: string, options: ValidateOptions = {}): Promise<ProjectDocument> {
  const paths = new ProjectPaths(file);
  return documentFromText(paths, await readProjectText(paths.projectFile), options);
}

/**
 * The last document made, weakly held: the CLI loads a project and its engine loads the same text again
 * a moment later, and for 20,000 shots that second parse and validation is a large part of a run that
 * has nothing to do. Reused only for the same file, text and model check, and only while a caller still
 * holds the document.
 */
let lastDoc:
  | {
      file: string;
      modelCheck: ValidateOptions['modelCheck'];
      doc: WeakRef<ProjectDocument>;
      issues: ProjectDocument['issues'];
    }
  | undefined;

/** A document from text already read (an editor's unsaved buffer, or the file). */
export function documentFromText(
  paths: ProjectPaths,
  text: string,
  options: ValidateOptions = {},
): ProjectDocument {
  const prev = lastDoc?.doc.deref();
  if (
    prev &&
    lastDoc?.file === paths.projectFile &&
    lastDoc.modelCheck === options.modelCheck &&
    prev.text === text
  ) {
    return { ...prev, paths, issues: [...lastDoc.issues] };
  }
  const outcome = parseProjectText(text, paths.projectFile, options);
  if (!outcome.ok) throw outcome.error;
  const doc: ProjectDocument = {
    file: paths.projectFile,
    text,
    project: outcome.project,
    paths,
    issues: outcome.issues,
    shotStarts: outcome.shotStarts,
  };
  // The issues as validation found them: callers add to a document's list (the ref checks of a plan).
  lastDoc = {
    file: paths.projectFile,
    modelCheck: options.modelCheck,
    doc: new WeakRef(doc),
    issues: [...outcome.issues],
  };
  return doc;
}

function syntaxMessage(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `JSON syntax error: ${words}`;
}
