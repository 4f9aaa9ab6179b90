// The one place that decides where Dailies may write. A destination's folders are walked from the project
// root one segment at a time: missing ones are created (one level, never `mkdir -p` through a link),
// links are resolved and refused when their real path leaves the project, and the last segment — the
// file itself — is never resolved: writers replace it by renaming a new file over its name (a link there
// is replaced, its target untouched) or open it with O_NOFOLLOW. Reading a state file never follows a
// link either: a link where Dailies keeps its own state was not made by Dailies, so it reads as absent.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DailiesError } from './errors';

/** The folder that holds Dailies' own state; its parent is the project the state belongs to. */
export const STATE_DIR = '.dailies';

/** O_NOFOLLOW where the platform has it (not on Windows, where an lstat check stands in). */
export const O_NOFOLLOW: number = fs.constants.O_NOFOLLOW ?? 0;

/** `child` is `root` or below it (both real, absolute paths). A name like `..cache` is inside. */
export function isInside(root: string, child: string): boolean {
  const rel = path.relative(root, child);
  if (rel === '') return true;
  if (path.isAbsolute(rel)) return false;
  const first = rel.split(path.sep, 1)[0];
  return first !== '..';
}

/** The project of a file under `<project>/.dailies/`, or undefined for a file that is not state. */
export function stateRootOf(file: string): string | undefined {
  const parts = path.resolve(file).split(path.sep);
  const i = parts.lastIndexOf(STATE_DIR);
  if (i <= 0 || i === parts.length - 1) return undefined;
  return parts.slice(0, i).join(path.sep) || path.sep;
}

function leadsOut(root: string, linkAbs: string, target: string): DailiesError {
  const where = path.relative(root, linkAbs) || linkAbs;
  return new DailiesError(
    'path-escape',
    `"${where}" is a link to ${target}, outside the project folder ${root}; Dailies writes only inside the project (replace the link with a folder)`,
  );
}

function dangling(root: string, linkAbs: string, target: string): DailiesError {
  const outside = !isInside(root, path.resolve(path.dirname(linkAbs), target));
  return new DailiesError(
    outside ? 'path-escape' : 'path-invalid',
    `"${path.relative(root, linkAbs)}" is a link to ${target}, which does not exist${outside ? ' and is outside the project folder' : ''}; Dailies writes only inside the project (replace the link with a folder)`,
  );
}

function notFolder(root: string, abs: string): DailiesError {
  return new DailiesError(
    'path-invalid',
    `"${path.relative(root, abs)}" is in the way: Dailies needs a folder there (inside ${root})`,
  );
}

function lexicalSegments(root: string, dir: string): string[] {
  const rel = path.relative(root, path.resolve(dir));
  if (rel === '') return [];
  if (!isInside(root, path.resolve(dir))) {
    throw new DailiesError('path-escape', `"${dir}" is outside the project folder ${root}`);
  }
  return rel.split(path.sep).filter(Boolean);
}

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

/** Real paths of project roots: a write checks every folder below the root, not the root's own ancestry. */
const realRoots = new Map<string, string>();

function realRootSync(root: string): string {
  let real = realRoots.get(root);
  if (!real) {
    real = fs.realpathSync(root);
    if (realRoots.size > 64) realRoots.clear();
    realRoots.set(root, real);
  }
  return real;
}

async function realRoot(root: string): Promise<string> {
  let real = realRoots.get(root);
  if (!real) {
    real = await fs.promises.realpath(root);
    if (realRoots.size > 64) realRoots.clear();
    realRoots.set(root, real);
  }
  return real;
}

/**
 * Makes `dir` (lexically under `root`) exist and returns its real path, refusing any folder on the way
 * whose real location is outside `root`. Links that stay inside are followed.
 */
export async function containedDir(root: string, dir: string): Promise<string> {
  const rootReal = await realRoot(root);
  let current = rootReal;
  for (const segment of lexicalSegments(root, dir)) {
    const next = path.join(current, segment);
    let st = await fs.promises.lstat(next).catch((err: unknown) => {
      if (code(err) === 'ENOENT') return undefined;
      throw err;
    });
    if (!st) {
      await fs.promises.mkdir(next).catch((err: unknown) => {
        if (code(err) !== 'EEXIST') throw err;
      });
      st = await fs.promises.lstat(next);
    }
    if (st.isSymbolicLink()) {
      const real = await fs.promises.realpath(next).catch(async () => {
        throw dangling(rootReal, next, await fs.promises.readlink(next).catch(() => '?'));
      });
      if (!isInside(rootReal, real)) throw leadsOut(rootReal, next, real);
      st = await fs.promises.stat(real);
      current = real;
    } else current = next;
    if (!st.isDirectory()) throw notFolder(rootReal, next);
  }
  return current;
}

/** `containedDir` for the few synchronous writers (the journal writes its lines synchronously by design). */
export function containedDirSync(root: string, dir: string): string {
  const rootReal = realRootSync(root);
  let current = rootReal;
  for (const segment of lexicalSegments(root, dir)) {
    const next = path.join(current, segment);
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(next);
    } catch (err) {
      if (code(err) !== 'ENOENT') throw err;
      try {
        fs.mkdirSync(next);
      } catch (e) {
        if (code(e) !== 'EEXIST') throw e;
      }
      st = fs.lstatSync(next);
    }
    if (st.isSymbolicLink()) {
      let real: string;
      try {
        real = fs.realpathSync(next);
      } catch {
        throw dangling(rootReal, next, fs.readlinkSync(next));
      }
      if (!isInside(rootReal, real)) throw leadsOut(rootReal, next, real);
      st = fs.statSync(real);
      current = real;
    } else current = next;
    if (!st.isDirectory()) throw notFolder(rootReal, next);
  }
  return current;
}

/**
 * Where a file may be written: its folder exists and is inside `within` by real path; the returned path is
 * that real folder plus the file's own name, unresolved. `within` defaults to the project of a state file
 * (the folder holding `.dailies/`), else to the file's own folder (which then only has to exist).
 */
export async function safeDestination(file: string, within?: string): Promise<string> {
  const abs = path.resolve(file);
  const root = within ?? stateRootOf(abs) ?? path.dirname(abs);
  return path.join(await containedDir(root, path.dirname(abs)), path.basename(abs));
}

export function safeDestinationSync(file: string, within?: string): string {
  const abs = path.resolve(file);
  const root = within ?? stateRootOf(abs) ?? path.dirname(abs);
  return path.join(containedDirSync(root, path.dirname(abs)), path.basename(abs));
}

/**
 * Opens a state file for appending, creating it; never through a link. A link found at its name is
 * removed (the link only: its target is not opened) and a regular file created in its place, so state
 * keeps working and nothing outside changes. Returns the descriptor.
 */
export function openStateFileForAppend(file: string): number {
  const dest = safeDestinationSync(file);
  const flags = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT;
  for (let attempt = 0; ; attempt++) {
    if (!O_NOFOLLOW) dropLinkSync(dest); // Windows: no O_NOFOLLOW, check by hand
    try {
      return fs.openSync(dest, flags | O_NOFOLLOW, 0o644);
    } catch (err) {
      // ELOOP on Linux, EMLINK on FreeBSD, EFTYPE on some BSDs: the name is a link.
      const c = code(err);
      if (attempt > 0 || (c !== 'ELOOP' && c !== 'EMLINK' && c !== 'EFTYPE')) throw err;
      dropLinkSync(dest);
    }
  }
}

function dropLinkSync(file: string): void {
  try {
    if (fs.lstatSync(file).isSymbolicLink()) fs.unlinkSync(file);
  } catch (err) {
    if (code(err) !== 'ENOENT') throw err;
  }
}

/** Reads a state file, or undefined when it is missing or is a link (not Dailies' own file). */
export async function readStateFile(file: string): Promise<Buffer | undefined> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    if (!O_NOFOLLOW && (await fs.promises.lstat(file)).isSymbolicLink()) return undefined;
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | O_NOFOLLOW);
    if (!(await handle.stat()).isFile()) return undefined;
    return await handle.readFile();
  } catch (err) {
    const c = code(err);
    if (c === 'ENOENT' || c === 'ELOOP' || c === 'EMLINK' || c === 'EFTYPE' || c === 'ENOTDIR')
      return undefined;
    throw err;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
