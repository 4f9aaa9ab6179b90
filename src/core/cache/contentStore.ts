// Outputs stored by content hash in .dailies/store, so a result survives its file in renders/ being
// overwritten or deleted, and reverting a prompt brings the old frame back without paying again.
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite';
import { sha256 } from '../util/hash';

/** Content-addressed bytes: the project's own store here, or a team's shared one (src/core/team). */
export interface ObjectStore {
  /** Stores `data` under its SHA-256 (once) and returns the digest. */
  put(data: Uint8Array, ext: string): Promise<string>;
  has(digest: string, ext: string): Promise<boolean>;
  /** Writes a stored object to `dest`, replacing it atomically. */
  materialize(digest: string, ext: string, dest: string): Promise<void>;
}

export class ContentStore implements ObjectStore {
  constructor(private readonly dir: string) {}

  pathOf(digest: string, ext: string): string {
    return path.join(this.dir, digest.slice(0, 2), `${digest}.${ext}`);
  }

  async put(data: Uint8Array, ext: string): Promise<string> {
    const digest = sha256(data);
    const file = this.pathOf(digest, ext);
    if (!(await this.has(digest, ext))) {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, data);
    }
    return digest;
  }

  async has(digest: string, ext: string): Promise<boolean> {
    return fs
      .stat(this.pathOf(digest, ext))
      .then((s) => s.isFile() && s.size > 0)
      .catch(() => false);
  }

  /** Copies (reflinks where the filesystem can) a stored object to `dest`, replacing it atomically. A
   * hard link would let a user's edit of the render silently change the cached original. */
  async materialize(digest: string, ext: string, dest: string): Promise<void> {
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const temp = `${dest}.${process.pid}.${Date.now().toString(36)}.tmp`;
    try {
      await fs.copyFile(this.pathOf(digest, ext), temp, constants.COPYFILE_FICLONE);
      await fs.rename(temp, dest);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  }
}
