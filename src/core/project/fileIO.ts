// project.json on disk as the write-back sees it. A conditional replace: the new text is staged (written
// and fsynced beside the file) while the file is compared byte for byte with the text our edits were made
// against, and the staged file is renamed over it only if the file at the path is still the one compared.
// It remembers the version it last read or wrote (bytes and identity), so a write-back on an unchanged
// file neither re-reads nor re-decodes it before editing; a UTF-8 file is remembered as pieces of bytes
// (a RopeText), so a flush neither copies nor decodes it whole.
import { promises as fs } from 'node:fs';
import { sleep } from '../util/abort';
import { stageAtomicWrite } from '../util/atomicWrite';
import { DailiesError } from '../util/errors';
import { withFileLock } from '../util/lock';
import type { TextEdit } from './edit';
import { CHUNK, holds, readAll, sameBytes, settledText } from './fileBytes';
import { encodeText, type FileIdentity, identityOf, readProjectSnapshot, sameIdentity } from './load';
import type { ProjectIO, WriteOptions, WriteOutcome } from './projectIO';
import { RopeText, type Text, textOf } from './ropeText';

export { fileHolds } from './fileBytes';

/** How long a save that opened the file before our rename has to land in it (see `lostSave`). */
const LOST_SAVE_GRACE_MS = 5;
/** A remembered text in more pieces than this is joined again (read back from what we wrote of it). */
const MAX_PIECES = 256;
/** Times the file may be replaced (same bytes) between our comparison and our rename before we re-read. */
const MAX_RECHECKS = 3;

/**
 * Test hooks, awaited at their step of a write: a test lands another program's save at an exact step
 * (never by timing). An exception thrown by one stands for a crash at that step.
 */
export interface WriteSteps {
  /** Our new text is in its temp file, not yet fsynced; the comparison runs meanwhile. */
  beforeSync?: () => Promise<void> | void;
  /** The file's bytes were compared (equal or not), while staging may still run; nothing renamed yet. */
  compared?: () => Promise<void> | void;
  /** Our rename is done; the lost-save check has not looked at the replaced file yet. */
  renamed?: () => Promise<void> | void;
}

export interface FileIOOptions {
  steps?: WriteSteps;
}

/** The old file, open, and what it was when compared. The open handle keeps its inode, and so its number. */
interface Compared {
  handle: fs.FileHandle;
  seen: FileIdentity;
  same: boolean;
}

/** One version of the file: the text the writer edits and the bytes it is on disk. */
interface Version {
  /** As the writer has it: the decoded string, or (made by our edits) the rope itself. */
  text: Text;
  /** The file's bytes as a rope (edited in pieces), or as they are when they are not UTF-8. */
  bytes: RopeText | Buffer;
  /** Set when nothing changed the file while it was read, or right after our rename. */
  identity?: FileIdentity;
}

function piecesOf(bytes: RopeText | Buffer): readonly Buffer[] {
  return bytes instanceof RopeText ? bytes.pieces : [bytes];
}

export class FileProjectIO implements ProjectIO {
  /** The version this IO last read or wrote. Only a hint: every write still compares the bytes. */
  private last: Version | undefined;
  /** Comparison buffers, reused (a flush must not leave megabytes to the collector); one per comparison. */
  private spare: Buffer[] = [];
  private readonly steps: WriteSteps;

  constructor(
    readonly file: string,
    options: FileIOOptions = {},
  ) {
    this.steps = options.steps ?? {};
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(this.file, fn);
  }

  async read(): Promise<string> {
    const snap = await readProjectSnapshot(this.file);
    this.last = {
      text: snap.text,
      bytes: RopeText.of(snap.bytes, snap.text) ?? snap.bytes,
      identity: snap.identity,
    };
    return snap.text;
  }

  forget(): void {
    this.last = undefined;
    this.spare = [];
  }

  /**
   * A text we last read or wrote, edited: the remembered bytes with the edits
   * spliced in as new pieces — no copy of the text, no decoding (see RopeText).
   */
  applied(base: Text, edits: readonly TextEdit[]): Text | undefined {
    const last = this.last;
    if (!(last?.bytes instanceof RopeText) || edits.length === 0 || last.text !== base) return undefined;
    return last.bytes.edited(edits);
  }

  /** The last text read or written, if the file still has the identity it had then (one stat). */
  async known(): Promise<Text | undefined> {
    const last = this.last;
    if (!last?.identity) return undefined;
    const now = await fs.stat(this.file, { bigint: true }).catch(() => undefined);
    return now && sameIdentity(identityOf(now), last.identity) ? last.text : undefined;
  }

  /**
   * Staging (write + fsync of the new file) and the comparison of the old file run at once; the rename
   * follows only if the path, opened again just before it, still names the very file compared,
   * unchanged (inode, size, mtime, ctime). Every way another program's save can meet this write (a save
   * by rename replaces the path; a save in place rewrites the inode):
   * - by rename before we open the old file: we compare their file, which differs → nothing written.
   * - by rename after we opened it, before that last look at the path: the path names another inode
   *   (ours is held open, so its number cannot be reused) → we compare the file now there instead.
   * - by rename between that look and our rename (well under a millisecond): replaced unseen, as in any
   *   compare-then-rename (POSIX has no conditional rename) — and as before, when the same window lay
   *   between the comparison and the rename.
   * - in place before the comparison reads the bytes it changed: they differ → nothing written.
   * - in place after the comparison read them, before our rename: the last look shows a new size or
   *   time → compared again; with timestamps too coarse to show it, the lost-save check finds the bytes
   *   changed in the replaced file (it compares them again) and the save is redone on top of ours.
   * - in place after our rename, by a program that opened the file before it: lands in the replaced
   *   inode → the lost-save check (LOST_SAVE_GRACE_MS later, through our handle) returns it as `lost`.
   * - a crash or exception at any step before the rename: the temp is removed, project.json untouched.
   * With `deferLostCheck` the write returns at the rename (the text is durable) and the caller awaits
   * `lostCheck` before its next write; a save lost meanwhile stays in the replaced inode we hold open.
   */
  async write(
    before: Text,
    after: Text,
    edits: TextEdit[] = [],
    options: WriteOptions = {},
  ): Promise<WriteOutcome> {
    const known = this.last && this.last.text === before ? this.last : undefined;
    const expected = piecesOf(known ? known.bytes : encodeBytes(before));
    const afterBytes = this.bytesAfter(known, after, edits);
    const target = await fs.realpath(this.file).catch(() => this.file);
    const [staging, comparing] = await Promise.allSettled([
      stageAtomicWrite(target, piecesOf(afterBytes), { beforeSync: this.steps.beforeSync }),
      this.compare(target, expected),
    ]);
    let old = comparing.status === 'fulfilled' ? comparing.value : undefined;
    if (staging.status === 'rejected') {
      await old?.handle.close().catch(() => undefined);
      throw staging.reason;
    }
    const staged = staging.value;
    let handedOff = false;
    try {
      if (comparing.status === 'rejected') throw comparing.reason;
      if (staged.target !== target)
        throw new DailiesError('project-io', 'project.json became a link while it was written; will retry');
      if (afterBytes instanceof RopeText && afterBytes.pieces.length > MAX_PIECES) {
        // Read back from our own new file (the system copies it, off this thread) rather than joined
        // here, and taken only if it holds exactly the pieces.
        const flat = await fs.readFile(staged.temp);
        if (holds(flat, afterBytes.pieces)) afterBytes.compact(flat);
      }
      for (let round = 0; ; round++) {
        if (!old!.same || round > MAX_RECHECKS) {
          await staged.discard();
          const currentBytes = await readAll(old!.handle);
          const current = currentBytes.toString('utf8');
          this.last = { text: current, bytes: currentBytes };
          return { ok: false, current };
        }
        const now = await identityAt(target);
        if (now && this.sameVersion(now, old!.seen)) break;
        // Changed since we compared it: compare what is there now (our staged text is still the one).
        await old!.handle.close();
        old = undefined;
        old = await this.compare(target, expected);
      }
      await staged.commit();
      this.last = { text: after, bytes: afterBytes, identity: await this.identityNow() };
      const lostCheck = this.lostSave(old!.handle, old!.seen, expected);
      handedOff = true;
      if (options.deferLostCheck) return { ok: true, lostCheck };
      const lost = await lostCheck;
      return lost === undefined ? { ok: true } : { ok: true, lost };
    } catch (err) {
      await staged.discard().catch(() => undefined);
      throw err;
    } finally {
      if (!handedOff) await old?.handle.close().catch(() => undefined);
    }
  }

  /** Whether two stats of the file show the same version (dev, inode, size, mtime and ctime in ns). */
  protected sameVersion(a: FileIdentity, b: FileIdentity): boolean {
    return sameIdentity(a, b);
  }

  /**
   * Opens the file and compares it with `expected`, its identity taken first: a save landing during the
   * comparison then shows in the stat before the rename, instead of being taken as what we checked.
   */
  private async compare(target: string, expected: readonly Buffer[]): Promise<Compared> {
    const handle = await fs.open(target, 'r');
    try {
      const seen = identityOf(await handle.stat({ bigint: true }));
      const same = await this.holdsBytes(handle, expected);
      await this.steps.compared?.();
      return { handle, seen, same };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  private async holdsBytes(handle: fs.FileHandle, expected: readonly Buffer[]): Promise<boolean> {
    const chunk = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK);
    try {
      return await sameBytes(handle, expected, chunk);
    } finally {
      if (this.spare.length < 2) this.spare.push(chunk);
    }
  }

  /**
   * A save that opened the file before our rename writes into a file that is no longer project.json.
   * Such a write lands within milliseconds: wait that long, then compare the bytes there with the ones we
   * compared before the rename (its timestamps say nothing: our rename itself changes its ctime, and a
   * same-size save within one timestamp tick leaves its mtime as it was), and return a changed text once
   * it has settled, so the edit can be redone on top of it. Closes the handle.
   */
  private async lostSave(
    old: fs.FileHandle,
    seen: FileIdentity,
    expected: readonly Buffer[],
  ): Promise<string | undefined> {
    try {
      await this.steps.renamed?.();
      await sleep(LOST_SAVE_GRACE_MS);
      const { size } = await old.stat({ bigint: true });
      if (size === seen.size && (await this.holdsBytes(old, expected))) return undefined;
      return await settledText(old);
    } finally {
      await old.close().catch(() => undefined);
    }
  }

  /**
   * The bytes of `after`: its own pieces when it is a rope, the remembered bytes with the edits spliced
   * in, or the text encoded (a rope again).
   */
  private bytesAfter(known: Version | undefined, after: Text, edits: readonly TextEdit[]): RopeText | Buffer {
    if (after instanceof RopeText) return after;
    const spliced =
      known?.bytes instanceof RopeText && edits.length > 0 ? known.bytes.edited(edits) : undefined;
    if (spliced) return spliced;
    const bytes = encodeText(after);
    return RopeText.of(bytes, after) ?? bytes;
  }

  /**
   * The identity of the file right after our rename. Should another program replace it in between, this
   * names their version with our text: harmless, because a write never trusts it without the byte check.
   */
  private async identityNow(): Promise<FileIdentity | undefined> {
    const stat = await fs.stat(this.file, { bigint: true }).catch(() => undefined);
    return stat ? identityOf(stat) : undefined;
  }
}

/**
 * The identity of the file the path names now, read through an open rather than a stat: an open
 * revalidates what a network file system has cached about the path (close-to-open), a stat may not.
 */
async function identityAt(target: string): Promise<FileIdentity | undefined> {
  const handle = await fs.open(target, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    return identityOf(await handle.stat({ bigint: true }));
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** UTF-8 bytes of a text (a rope is its own bytes). */
function encodeBytes(text: Text): RopeText | Buffer {
  return text instanceof RopeText ? text : encodeText(textOf(text));
}
