// temp file + fsync + rename: a reader (VS Code, git, another Dailies) sees the old file or the new one,
// never half of one, even if the process is killed mid-write.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sleep } from './abort';

const TEMP_PREFIX = '.dailies-tmp-';

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const staged = await stageAtomicWrite(file, data);
  await staged.commit();
}

export interface StagedWrite {
  /** The resolved file the rename will replace. */
  target: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Writes and fsyncs the new content beside the target without replacing it yet, so a caller can make
 * its last check immediately before the (fast) rename instead of before the (slow) fsync.
 */
export async function stageAtomicWrite(file: string, data: string | Uint8Array): Promise<StagedWrite> {
  const target = await fs.realpath(file).catch(() => file);
  const dir = path.dirname(target);
  const mode = await fs
    .stat(target)
    .then((s) => s.mode & 0o777)
    .catch(() => 0o644);
  const temp = path.join(
    dir,
    `${TEMP_PREFIX}${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}`,
  );
  const handle = await fs.open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  return {
    target,
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

// Windows refuses a rename while an indexer or antivirus holds the file open; it clears within ms.
async function renameWithRetry(from: string, to: string): Promise<void> {
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
