// The team's shared content store: every render output, thumbnail and reference image, once, by SHA-256.
// A folder every machine mounts (NAS/SMB/NFS: what most small studios have) or an S3-compatible bucket.
// Objects are immutable and named by their hash, so a write is idempotent and a read checks the hash:
// a torn or tampered object reads as missing, never as somebody else's frame.
import { createHash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ObjectStore } from '../cache/contentStore';
import { writeFileAtomic } from '../util/atomicWrite';
import { DailiesError } from '../util/errors';
import { sha256 } from '../util/hash';

export interface SharedStore {
  /** Where it is, for messages (never with credentials). */
  readonly label: string;
  has(digest: string, ext: string): Promise<boolean>;
  /** Stores `data` under `digest` (which must be its SHA-256); a no-op when already there. */
  put(digest: string, ext: string, data: Uint8Array): Promise<void>;
  /** The object's bytes, checked against its digest; undefined when missing or damaged. */
  get(digest: string, ext: string): Promise<Buffer | undefined>;
  /** Fails with a clear message when the store cannot take writes (read-only, full, unreachable). */
  check(): Promise<void>;
}

/** Object names are ours (hex digests, short extensions); anything else would be a path injection. */
export function objectName(digest: string, ext: string): string {
  if (!/^[0-9a-f]{64}$/.test(digest)) throw new DailiesError('validation', `Not a content hash: ${digest}`);
  if (!/^[a-z0-9]{1,8}$/.test(ext)) throw new DailiesError('validation', `Not a file extension: ${ext}`);
  return `objects/${digest.slice(0, 2)}/${digest}.${ext}`;
}

export function verified(digest: string, data: Buffer): Buffer | undefined {
  return createHash('sha256').update(data).digest('hex') === digest ? data : undefined;
}

/** A folder on a share: atomic writes (temp + rename), so no machine ever sees half an object. */
export class FolderStore implements SharedStore {
  readonly label: string;

  constructor(readonly root: string) {
    this.label = root;
  }

  private file(digest: string, ext: string): string {
    return path.join(this.root, objectName(digest, ext));
  }

  async has(digest: string, ext: string): Promise<boolean> {
    return fs
      .stat(this.file(digest, ext))
      .then((s) => s.isFile() && s.size > 0)
      .catch(() => false);
  }

  /**
   * A sound object already there is left alone; a damaged one (a torn copy, a tool that rewrote it) is
   * replaced, or every later reader would find it "missing" for good.
   */
  async put(digest: string, ext: string, data: Uint8Array): Promise<void> {
    const file = this.file(digest, ext);
    if (!verified(digest, Buffer.from(data.buffer, data.byteOffset, data.byteLength)))
      throw new DailiesError(
        'internal',
        `Refusing to store bytes that are not the content ${digest.slice(0, 12)}…`,
      );
    if ((await this.has(digest, ext)) && (await this.get(digest, ext))) return;
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, data);
    } catch (err) {
      throw storeError(this.label, err);
    }
  }

  async get(digest: string, ext: string): Promise<Buffer | undefined> {
    try {
      const handle = await fs.open(this.file(digest, ext), constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        return verified(digest, await handle.readFile());
      } finally {
        await handle.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ELOOP')
        return undefined;
      throw storeError(this.label, err);
    }
  }

  async check(): Promise<void> {
    const probe = path.join(this.root, `.probe-${process.pid}-${Date.now().toString(36)}`);
    try {
      await fs.mkdir(this.root, { recursive: true });
      await fs.writeFile(probe, 'dailies');
      await fs.rm(probe, { force: true });
    } catch (err) {
      await fs.rm(probe, { force: true }).catch(() => undefined);
      throw storeError(this.label, err);
    }
  }
}

/** A clear line for the user: which store, and what is wrong with it. */
export function storeError(label: string, err: unknown): DailiesError {
  if (err instanceof DailiesError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'is full'
      : code === 'EROFS' || code === 'EACCES' || code === 'EPERM'
        ? 'is read-only here'
        : code === 'ENOENT'
          ? 'is not mounted or does not exist'
          : `cannot be used (${err instanceof Error ? err.message : String(err)})`;
  return new DailiesError('disk', `The team's shared store ${label} ${why}`, { cause: err });
}

/**
 * The shared store as the render runner's ObjectStore, for a worker: outputs go straight to the team's
 * store (a worker keeps no project and no copies of its own).
 */
export class SharedObjectStore implements ObjectStore {
  constructor(readonly shared: SharedStore) {}

  async put(data: Uint8Array, ext: string): Promise<string> {
    const digest = sha256(data);
    await this.shared.put(digest, ext, data);
    return digest;
  }

  /** A downloaded output (already hashed, size-bounded by the download): its bytes go to the shared store. */
  async adopt(file: string, digest: string, ext: string): Promise<string> {
    try {
      const data = await fs.readFile(file);
      if (!verified(digest, data))
        throw new DailiesError('bad-output', `${digest.slice(0, 12)}.${ext} changed after it was downloaded`);
      await this.shared.put(digest, ext, data);
      return digest;
    } finally {
      await fs.rm(file, { force: true });
    }
  }

  read(digest: string, ext: string): Promise<Buffer | undefined> {
    return this.shared.get(digest, ext);
  }

  verify(digest: string, ext: string): Promise<boolean> {
    return this.shared.has(digest, ext);
  }

  /** `dest` comes from ProjectPaths.destination (contained); a worker itself keeps no files. */
  async materialize(digest: string, ext: string, dest: string): Promise<undefined> {
    const data = await this.shared.get(digest, ext);
    if (!data)
      throw new DailiesError('not-found', `${digest.slice(0, 12)}.${ext} is not in ${this.shared.label}`);
    await writeFileAtomic(dest, data);
    return undefined;
  }
}
