// temp file + fsync + rename: a reader (VS Code, git, another Dailies) sees the old file or the new one,
// never half of one, even if the process is killed mid-write.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sleep } from './abort';
import { safeDestination } from './contained';

const TEMP_PREFIX = '.dailies-tmp-';

export interface AtomicWriteOptions {
  /**
   * The folder the file must stay inside, by real path (see `safeDestination`): by default the project of
   * a file under `.dailies/`, else the file's own folder. Missing folders are created inside it.
   */
  within?: string;
  /** Mode of the new file; by default the replaced regular file's mode, or 0644. */
  mode?: number;
}

/**
 * Replaces `file` with `data` atomically, inside the project, never through a link: a link at `file` is
 * itself replaced (its target is never opened), and a folder on the way that leads outside is refused.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const target = await safeDestination(file, options.within);
  const mode =
    options.mode ??
    (await fs
      .lstat(target)
      .then((s) => (s.isFile() ? s.mode & 0o777 : 0o644))
      .catch(() => 0o644));
  const staged = await stage(target, data, mode);
  await staged.commit();
}

export interface StagedWrite {
  /** The resolved file the rename will replace. */
  target: string;
  /** Our own new file beside it (created exclusively), until `commit` renames it. */
  temp: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Writes and fsyncs the new content beside the target without replacing it yet, so a caller can make
 * its last check immediately before the (fast) rename instead of before the (slow) fsync. This is the
 * project.json writer: project.json is the user's own document, so a link there is followed (the user
 * made it) — unlike Dailies' state files, see `writeFileAtomic`.
 */
export async function stageAtomicWrite(
  file: string,
  data: string | Uint8Array | readonly Uint8Array[],
  steps: StageSteps = {},
): Promise<StagedWrite> {
  const target = await fs.realpath(file).catch(() => file);
  const mode = await fs
    .stat(target)
    .then((s) => s.mode & 0o777)
    .catch(() => 0o644);
  return stage(target, data, mode, steps);
}

/** Test hooks into a staging write, to land another program's write at an exact step. */
export interface StageSteps {
  /** The new content is written to the temp file, not yet fsynced. */
  beforeSync?: () => Promise<void> | void;
}

/** A unique temp name beside `target`, swept by `sweepStaleTemps` if its writer is killed. */
export function tempNameFor(target: string): string {
  return path.join(
    path.dirname(target),
    `${TEMP_PREFIX}${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}`,
  );
}

async function stage(
  target: string,
  data: string | Uint8Array | readonly Uint8Array[],
  mode: number,
  steps: StageSteps = {},
): Promise<StagedWrite> {
  const dir = path.dirname(target);
  const temp = tempNameFor(target);
  // 'wx' (O_EXCL): never opens an existing file or a link planted at the temp name.
  const handle = await fs.open(temp, 'wx', mode);
  try {
    if (Array.isArray(data)) await writeAll(handle, data);
    else await handle.writeFile(data as string | Uint8Array);
    await steps.beforeSync?.();
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  return {
    target,
    temp,
    async commit() {
      try {
        await renameWithRetry(temp, target);
      } catch (err) {
        await fs.rm(temp, { force: true });
        throw err;
      }
      await fsyncDir(dir);
    },
    async discard() {
      await fs.rm(temp, { force: true });
    },
  };
}

/**
 * Writes the pieces in order, as one gathered write where the system takes them all at once (a text held
 * in pieces is written without first joining it into one copy).
 */
async function writeAll(handle: fs.FileHandle, pieces: readonly Uint8Array[]): Promise<void> {
  const MAX_PIECES = 1024; // IOV_MAX on Linux and macOS
  let position = 0;
  for (let i = 0; i < pieces.length; i += MAX_PIECES) {
    let batch = pieces.slice(i, i + MAX_PIECES).filter((p) => p.length > 0);
    while (batch.length > 0) {
      const { bytesWritten } = await handle.writev(batch, position);
      position += bytesWritten;
      // A short write: skip what went out, go on with the rest.
      let done = bytesWritten;
      while (batch.length > 0 && done >= batch[0]!.length) {
        done -= batch[0]!.length;
        batch = batch.slice(1);
      }
      if (done > 0) batch = [batch[0]!.subarray(done), ...batch.slice(1)];
      if (bytesWritten === 0 && batch.length > 0) throw new Error('could not write the file (no progress)');
    }
  }
}

// Windows refuses a rename while an indexer or antivirus holds the file open; it clears within ms.
export async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fs.rename(from, to);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const transient = code === 'EPERM' || code === 'EACCES' || code === 'EBUSY';
      if (process.platform !== 'win32' || !transient || attempt >= 5) throw err;
      await sleep(10 * 2 ** attempt);
    }
  }
}

async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close().catch(() => undefined);
}

/** Removes temp files a killed writer left behind (SIGKILL skips every cleanup hook). */
export async function sweepStaleTemps(dir: string, olderThanMs = 60_000): Promise<number> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const full = path.join(dir, name);
    const stat = await fs.stat(full).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > olderThanMs) {
      await fs.rm(full, { force: true });
      removed++;
    }
  }
  return removed;
}
