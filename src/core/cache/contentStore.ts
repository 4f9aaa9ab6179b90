// Outputs stored by content hash in .dailies/store, so a result survives its file in renders/ being
// overwritten or deleted, and reverting a prompt brings the old frame back without paying again.
//
// Served bytes are verified: an object whose bytes no longer hash to its name (disk damage, a hand edit)
// is dropped, never served as "cached" — its job is then rendered again, and the estimate counts it.
//
// renders/ does not duplicate the store. A render is, in order of preference:
//   - a reflink (copy-on-write clone: no extra space, and editing the render never touches the store);
//   - a hard link (no extra space). A hard link IS the stored object, so an in-place edit of the render
//     would change the store. Stored objects are therefore read-only (0444): an editor refuses to write
//     the render in place (or writes a new file and renames it, which breaks the link and leaves the store
//     intact). Where permissions do not stop it (root, or a user who chmods it), the verification above
//     catches the change: the object is dropped with a warning naming the likely cause, and the estimate
//     shows the variation as to render, so it is never paid for silently. Every time a render is put in
//     place it is restored from the (verified) store, whatever was at its name before.
//   - a copy, only where neither works (another filesystem; Windows, where a read-only file cannot be
//     replaced by rename, so Windows renders are always copies and stored objects stay writable).
import { createHash } from 'node:crypto';
import { constants, promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { renameWithRetry, tempNameFor, writeFileAtomic } from '../util/atomicWrite';
import { O_NOFOLLOW, safeDestination } from '../util/contained';
import { DailiesError } from '../util/errors';
import { sha256 } from '../util/hash';

export type Placement = 'reflink' | 'link' | 'copy';

const IS_WINDOWS = process.platform === 'win32';
/** Stored objects are immutable by name; read-only so a hard-linked render cannot be edited in place. */
const STORED_MODE = IS_WINDOWS ? 0o644 : 0o444;
const RENDER_COPY_MODE = 0o644;

/** Same file, same bytes since it was hashed: any write (or utimes, chmod) changes ctime. */
function identity(s: Stats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

/**
 * Content-addressed bytes, as the job stages use them: the project's own store here, or (for a render-farm
 * worker, which has no project) the team's shared one (src/core/team/sharedStore.ts).
 */
export interface ObjectStore {
  /** Stores `data` under its SHA-256 (once) and returns the digest. */
  put(data: Uint8Array, ext: string): Promise<string>;
  /** Takes in a file already hashed as `digest` (the file is consumed); returns the digest. */
  adopt(file: string, digest: string, ext: string): Promise<string>;
  /** The stored bytes, verified (undefined when missing or damaged). */
  read(digest: string, ext: string): Promise<Buffer | undefined>;
  /** Whether the object is there and its bytes hash to its name. */
  verify(digest: string, ext: string): Promise<boolean>;
  /** Puts a verified stored object at `dest` (a contained destination), replacing it atomically. */
  materialize(digest: string, ext: string, dest: string): Promise<Placement | undefined>;
}

export class ContentStore implements ObjectStore {
  /** Objects whose bytes this process hashed and found right, with the identity they had then. */
  private readonly verified = new Map<string, string>();

  constructor(
    private readonly dir: string,
    /** Told when a damaged object is dropped (the engine's log). */
    private readonly onDamaged: (message: string) => void = () => undefined,
  ) {}

  pathOf(digest: string, ext: string): string {
    return path.join(this.dir, digest.slice(0, 2), `${digest}.${ext}`);
  }

  async put(data: Uint8Array, ext: string): Promise<string> {
    const digest = sha256(data);
    if (!(await this.verify(digest, ext))) {
      const file = this.pathOf(digest, ext);
      await writeFileAtomic(file, data, { mode: STORED_MODE });
      const st = await fs.lstat(file);
      this.verified.set(file, identity(st));
    }
    return digest;
  }

  /**
   * Moves a file whose digest is already known (hashed while it was downloaded into .dailies/) into the
   * store, read-only like every stored object; a verified copy already there wins and the file is dropped.
   */
  async adopt(file: string, digest: string, ext: string): Promise<string> {
    if (await this.verify(digest, ext)) {
      await fs.rm(file, { force: true });
      return digest;
    }
    const dest = await safeDestination(this.pathOf(digest, ext));
    if (!IS_WINDOWS) await fs.chmod(file, STORED_MODE);
    await renameWithRetry(file, dest);
    this.verified.set(this.pathOf(digest, ext), identity(await fs.lstat(dest)));
    return digest;
  }

  /** The stored bytes, verified (undefined when missing or damaged). */
  async read(digest: string, ext: string): Promise<Buffer | undefined> {
    return (await this.verify(digest, ext)) ? fs.readFile(this.pathOf(digest, ext)) : undefined;
  }

  /**
   * Whether the object is present and its bytes hash to its name. A damaged one (or anything that is not
   * a regular file, such as a planted link) is dropped, so the caller treats it as a miss. Hashing is
   * skipped when the file has not changed since this process last verified it.
   */
  async verify(digest: string, ext: string): Promise<boolean> {
    const file = this.pathOf(digest, ext);
    const known = this.verified.get(file);
    if (known) {
      // One lstat answers the common case: the very file this process already hashed, unchanged.
      const st = await fs.lstat(file).catch(() => undefined);
      if (st?.isFile() && identity(st) === known) return true;
    }
    let handle: fs.FileHandle;
    try {
      if (!O_NOFOLLOW && (await fs.lstat(file)).isSymbolicLink()) {
        await this.drop(file, digest, 'is a link, not a stored file');
        return false;
      }
      handle = await fs.open(file, constants.O_RDONLY | O_NOFOLLOW);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      if (code === 'ELOOP' || code === 'EMLINK' || code === 'EFTYPE') {
        await this.drop(file, digest, 'is a link, not a stored file');
        return false;
      }
      throw err;
    }
    try {
      let st = await handle.stat();
      if (!st.isFile() || st.size === 0) {
        await this.drop(file, digest, 'is empty or not a file');
        return false;
      }
      const actual = await hashHandle(handle);
      if (actual !== digest) {
        // Linked from renders/, or made writable (it was stored read-only): someone wrote through a link.
        const touched = st.nlink > 1 || (!IS_WINDOWS && (st.mode & 0o222) !== 0);
        const linked = touched ? ' (a render linked to it was probably edited in place)' : '';
        await this.drop(file, digest, `no longer matches its hash${linked}`);
        return false;
      }
      // Objects stored before renders were linked may still be writable.
      if (!IS_WINDOWS && (st.mode & 0o222) !== 0) {
        await handle.chmod(STORED_MODE).catch(() => undefined);
        st = await handle.stat();
      }
      this.verified.set(file, identity(st));
      return true;
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /**
   * Puts a verified stored object at `dest` (a path from `ProjectPaths.destination`), replacing whatever
   * is there atomically: reflink, else hard link, else copy (see the top of this file).
   */
  async materialize(digest: string, ext: string, dest: string): Promise<Placement> {
    if (!(await this.verify(digest, ext))) {
      throw new DailiesError(
        'bad-output',
        `The stored copy of ${path.basename(dest)} is missing or damaged; render the shot again`,
      );
    }
    const src = this.pathOf(digest, ext);
    const [a, b] = await Promise.all([fs.stat(src), fs.lstat(dest).catch(() => undefined)]);
    if (b && a.dev === b.dev && a.ino === b.ino) return 'link'; // already this very file
    const temp = tempNameFor(dest);
    try {
      const how = await place(src, temp);
      // A new link moves the object's ctime: remember it as verified still (its bytes did not change).
      if (how === 'link') this.verified.set(src, identity(await fs.lstat(src)));
      await renameWithRetry(temp, dest);
      return how;
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  private async drop(file: string, digest: string, why: string): Promise<void> {
    this.verified.delete(file);
    await fs.rm(file, { force: true });
    this.onDamaged(
      `stored output ${digest.slice(0, 12)} (${path.join('.dailies', 'store', path.relative(this.dir, file))}) ${why}: dropped, never served (its result will be fetched or rendered again)`,
    );
  }
}

async function place(src: string, temp: string): Promise<Placement> {
  try {
    await fs.copyFile(src, temp, constants.COPYFILE_FICLONE_FORCE);
    await fs.chmod(temp, RENDER_COPY_MODE);
    return 'reflink';
  } catch {
    await fs.rm(temp, { force: true });
  }
  if (!IS_WINDOWS) {
    try {
      await fs.link(src, temp);
      return 'link';
    } catch {
      // EXDEV (store on another filesystem), EPERM (no hard links here): copy.
    }
  }
  await fs.copyFile(src, temp);
  await fs.chmod(temp, RENDER_COPY_MODE);
  return 'copy';
}

async function hashHandle(handle: fs.FileHandle): Promise<string> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let pos = 0; ; ) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return hash.digest('hex');
}
