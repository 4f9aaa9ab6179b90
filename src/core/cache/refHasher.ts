// Content hashes of refs, memoised by (path, size, mtime, ctime, inode) in .dailies/hashes.json, so checking
// hundreds of shots for staleness reads each image once per change, not once per shot per run. ctime is
// what makes the memo safe: a tool can rewrite a file in place and put its mtime back (same size, same
// inode), but any write, utimes or chmod moves ctime, and nothing short of changing the clock sets it back.
// A planning pass (`pass()`) resolves, stats and checks each distinct ref once, however many of 10,000
// shots name it.
import { promises as fs } from 'node:fs';
import { sharp } from '../media/sharpSetup';
import type { ProjectPaths } from '../project/paths';
import type { RefSpec } from '../project/spec';
import type { RefInput } from '../providers/types';
import { DailiesError, toDailiesError } from '../util/errors';
import { sha256, sha256File } from '../util/hash';
import { isRecord, readJsonFile, writeJsonFile } from './jsonFile';

interface HashEntry {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  sha256: string;
  /** The image format sharp read from the header (absent in files written before the check existed). */
  format?: string;
}

/** Hashes refs for one planning pass; each distinct ref is looked at once. */
export interface RefPass {
  hash(spec: RefSpec): Promise<RefInput>;
  /** Why a ref cannot be used (outside the project, missing, not an image…), or undefined. */
  problem(ref: string): Promise<DailiesError | undefined>;
}

// 2: entries carry ctimeMs (version 1 trusted size + mtime + inode alone).
const FILE_VERSION = 2;
/** Providers take at most 100 MiB per file; nothing bigger is a sensible reference image. */
export const MAX_REF_BYTES = 100 * 1024 * 1024;

export class RefHasher {
  private entries = new Map<string, HashEntry>();
  private inflight = new Map<string, Promise<RefInput>>();
  private dirty = false;
  private loaded?: Promise<void>;

  constructor(private readonly paths: ProjectPaths) {}

  private get file(): string {
    return this.paths.data('hashes.json');
  }

  load(): Promise<void> {
    this.loaded ??= (async () => {
      const data = await readJsonFile(this.file, { version: FILE_VERSION, entries: {} }, isHashFile);
      for (const [rel, e] of Object.entries(data.entries)) this.entries.set(rel, e);
    })();
    return this.loaded;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await writeJsonFile(this.file, { version: FILE_VERSION, entries: Object.fromEntries(this.entries) });
  }

  /** Resolves, checks (inside the project, exists, not too big, an image) and hashes one ref. */
  async hash(spec: RefSpec): Promise<RefInput> {
    const base = await this.base(spec.ref);
    return { ...base, role: spec.role, source: spec.source, owner: spec.owner, label: spec.label };
  }

  /** A memo for one planning pass: the files may change between passes, not within one. */
  pass(): RefPass {
    const seen = new Map<string, Promise<RefInput>>();
    const base = (ref: string) => {
      let p = seen.get(ref);
      if (!p) {
        p = this.base(ref);
        p.catch(() => undefined);
        seen.set(ref, p);
      }
      return p;
    };
    return {
      hash: async (spec) => ({
        ...(await base(spec.ref)),
        role: spec.role,
        source: spec.source,
        owner: spec.owner,
        label: spec.label,
      }),
      problem: (ref) =>
        base(ref).then(
          () => undefined,
          (err: unknown) => toDailiesError(err),
        ),
    };
  }

  private async base(ref: string): Promise<RefInput> {
    await this.load();
    const resolved = this.paths.resolve(ref);
    if (resolved.kind === 'url') {
      return { role: 'shot', owner: '', label: '', url: resolved.url, sha256: sha256(resolved.url), size: 0 };
    }
    const key = resolved.rel;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.hashFile(resolved.abs, resolved.rel, ref).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async hashFile(abs: string, rel: string, ref: string): Promise<RefInput> {
    const real = await this.paths.checkInside(abs, ref);
    const stat = await fs.stat(real).catch(() => undefined);
    if (!stat?.isFile()) throw new DailiesError('ref-missing', `Reference "${ref}" is not a file`);
    if (stat.size === 0) throw new DailiesError('ref-not-image', `Reference "${ref}" is empty`);
    if (stat.size > MAX_REF_BYTES) {
      throw new DailiesError(
        'ref-too-large',
        `Reference "${ref}" is ${(stat.size / 2 ** 20).toFixed(0)} MiB (limit 100 MiB)`,
      );
    }
    const known = this.entries.get(rel);
    const same =
      known &&
      known.size === stat.size &&
      known.mtimeMs === stat.mtimeMs &&
      known.ctimeMs === stat.ctimeMs &&
      known.ino === stat.ino;
    const digest = same ? known.sha256 : (await sha256File(real)).sha256;
    const format = same && known.format ? known.format : await imageFormat(real, ref);
    if (!same || known.format !== format) {
      // Memoise only if the file did not change while it was read (else the hash may mix two versions).
      const after = same ? stat : await fs.stat(real).catch(() => undefined);
      if (after && after.ctimeMs === stat.ctimeMs && after.size === stat.size && after.ino === stat.ino) {
        const entry = { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino };
        this.entries.set(rel, { ...entry, sha256: digest, format });
        this.dirty = true;
      }
    }
    return { role: 'shot', owner: '', label: '', rel, abs: real, sha256: digest, size: stat.size };
  }
}

/** The format sharp reads from the file's header (it decodes no pixels); a non-image is refused here. */
async function imageFormat(file: string, ref: string): Promise<string> {
  let format: string | undefined;
  try {
    format = (await sharp(file).metadata()).format;
  } catch {
    format = undefined;
  }
  if (!format) throw new DailiesError('ref-not-image', `Reference "${ref}" is not an image sharp can read`);
  return format;
}

function isHashFile(v: unknown): v is { version: number; entries: Record<string, HashEntry> } {
  return isRecord(v) && v.version === FILE_VERSION && isRecord(v.entries);
}
