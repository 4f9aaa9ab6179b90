// Every path in a project goes through here: refs are project-relative, written with '/', and may never
// leave the project folder — not with '..', not as an absolute path, not through a symlink.
import { promises as fs, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isInside, safeDestination } from '../util/contained';
import { DailiesError } from '../util/errors';

export type ResolvedRef =
  | { kind: 'file'; ref: string; rel: string; abs: string }
  | { kind: 'url'; ref: string; url: string };

const REMOTE_SCHEMES = new Set(['https:', 'http:']);

/**
 * A project-relative path with nothing to interpret: '/'-separated names of letters, digits, '.', '_'
 * and '-', none starting with '.' (so no '.', '..' or empty segment, no scheme, drive or separator of
 * another kind). It resolves to root + the same names, inside the project by construction: what the
 * general path below would find, without its string work (a plan resolves every shot's outputs).
 */
const PLAIN_RELATIVE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

export class ProjectPaths {
  /** Folder of project.json, symlinks resolved, so containment checks compare like with like. */
  readonly root: string;
  readonly projectFile: string;

  constructor(projectFile: string) {
    const abs = path.resolve(projectFile);
    let dir = path.dirname(abs);
    try {
      dir = realpathSync(dir);
    } catch {
      // A missing folder is reported when the file is read; keep the lexical path meanwhile.
    }
    this.root = dir;
    this.projectFile = path.join(dir, path.basename(abs));
  }

  /** `.dailies/` beside project.json: caches, journal, metrics, content store. */
  get dataDir(): string {
    return path.join(this.root, '.dailies');
  }

  data(...parts: string[]): string {
    return path.join(this.dataDir, ...parts);
  }

  /**
   * Resolves a ref as written in project.json, lexically. Throws a DailiesError for anything that is
   * not a project-relative file or an http(s) URL. Use `checkInside` before reading the file to catch
   * symlinks that lead out.
   */
  resolve(ref: string): ResolvedRef {
    if (typeof ref === 'string' && PLAIN_RELATIVE.test(ref)) {
      const names = path.sep === '/' ? ref : ref.replaceAll('/', path.sep);
      const abs = this.root.endsWith(path.sep) ? this.root + names : this.root + path.sep + names;
      return { kind: 'file', ref, rel: ref, abs };
    }
    if (typeof ref !== 'string' || ref.trim() === '') throw invalid(ref, 'is empty');
    if (ref.includes('\0')) throw invalid(ref, 'contains a NUL character');
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(ref)?.[1]?.toLowerCase();
    // A single letter before ':' is a Windows drive, not a URL scheme.
    if (scheme && scheme.length > 1) {
      if (REMOTE_SCHEMES.has(`${scheme}:`)) {
        try {
          return { kind: 'url', ref, url: new URL(ref).href };
        } catch {
          throw invalid(ref, 'is not a valid URL');
        }
      }
      if (scheme === 'file') {
        let file: string;
        try {
          file = fileURLToPath(ref);
        } catch {
          throw invalid(ref, 'is not a valid file URL');
        }
        return this.fromAbsolute(ref, file);
      }
      throw invalid(
        ref,
        `uses the unsupported scheme "${scheme}:" (use a path inside the project or https://)`,
      );
    }
    const normalised = ref.replace(/\\/g, '/');
    if (path.isAbsolute(ref) || path.posix.isAbsolute(normalised) || /^[a-zA-Z]:\//.test(normalised)) {
      return this.fromAbsolute(ref, ref);
    }
    const abs = path.resolve(this.root, ...normalised.split('/'));
    return { kind: 'file', ref, rel: this.toRelative(abs, ref), abs };
  }

  /** Like `resolve`, but only accepts local files. */
  resolveFile(ref: string): { ref: string; rel: string; abs: string } {
    const r = this.resolve(ref);
    if (r.kind !== 'file') throw invalid(ref, 'must be a file inside the project, not a URL');
    return r;
  }

  /** Project-relative, '/'-separated form of an absolute path inside the project. */
  toRelative(abs: string, refForErrors: string = abs): string {
    const rel = path.relative(this.root, abs);
    if (rel === '' || !isInside(this.root, abs)) {
      throw new DailiesError('path-escape', `Path "${refForErrors}" leaves the project folder ${this.root}`);
    }
    return rel.split(path.sep).join('/');
  }

  /** Absolute path of a project-relative path that Dailies itself wrote (outputs, thumbnails). */
  abs(rel: string): string {
    return this.resolveFile(rel).abs;
  }

  /**
   * Where Dailies may write a project-relative path it produces (renders, thumbnails, migrated media):
   * the folders exist (created one level at a time) and are inside the project by real path — a link on
   * the way that leads out is refused with a clear error. The file's own name is not resolved: writers
   * replace it by rename, so a link planted there is replaced, never written through.
   */
  destination(rel: string): Promise<string> {
    return safeDestination(this.abs(rel), this.root);
  }

  /** Refuses a file whose real location (after symlinks) is outside the project. */
  async checkInside(abs: string, refForErrors: string = abs): Promise<string> {
    let real: string;
    try {
      real = await fs.realpath(abs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new DailiesError('ref-missing', `File "${refForErrors}" does not exist`);
      }
      throw new DailiesError('ref-missing', `Cannot read "${refForErrors}": ${(err as Error).message}`);
    }
    if (!isInside(this.root, real)) {
      throw new DailiesError(
        'path-escape',
        `"${refForErrors}" is a link that leads outside the project folder`,
      );
    }
    return real;
  }

  fileUrl(rel: string): string {
    return pathToFileURL(this.abs(rel)).href;
  }

  fromFileUrl(url: string): string {
    return this.toRelative(fileURLToPath(url), url);
  }

  private fromAbsolute(ref: string, file: string): ResolvedRef {
    const abs = path.resolve(file);
    // An absolute path inside the project is accepted but stored relative; anything else escapes.
    let real = abs;
    try {
      real = path.join(realpathSync(path.dirname(abs)), path.basename(abs));
    } catch {
      // The containment check below still runs on the lexical path.
    }
    return { kind: 'file', ref, rel: this.toRelative(real, ref), abs: real };
  }
}

function invalid(ref: string, why: string): DailiesError {
  return new DailiesError('path-invalid', `Path "${ref}" ${why}`);
}
