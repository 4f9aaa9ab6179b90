// project.json on disk as the write-back sees it. A conditional replace: the new text is staged (written
// and fsynced beside the file), the file is compared byte for byte with the text our edits were made
// against, and only then renamed over it. It remembers the version it last read or wrote (bytes and
// identity), so a write-back on an unchanged file neither re-reads nor re-decodes it before editing; an
// UTF-8 file is remembered as pieces of bytes (a RopeText), so a flush neither copies nor decodes it whole.
import { promises as fs } from 'node:fs';
import { type ParseError, parse as parseJsonc } from 'jsonc-parser';
import { sleep } from '../util/abort';
import { stageAtomicWrite } from '../util/atomicWrite';
import { withFileLock } from '../util/lock';
import type { TextEdit } from './edit';
import { encodeText, type FileIdentity, identityOf, readProjectSnapshot, sameIdentity } from './load';
import { RopeText, type Text, textOf } from './ropeText';
import type { ProjectIO, WriteOutcome } from './write';

const LOST_SAVE_GRACE_MS = 5;

/**
 * The text another program saved into the replaced file, once that save has finished: a save truncates
 * first and writes after, so an empty or half-written text means "wait", not "the user emptied the file".
 */
async function settledText(handle: fs.FileHandle): Promise<string> {
  let text = '';
  for (let i = 0; i < 50; i++) {
    const { size } = await handle.stat();
    const buf = Buffer.alloc(size);
    await handle.read(buf, 0, size, 0);
    text = buf.toString('utf8');
    if (text.trim() && isCompleteJson(text)) return text;
    await sleep(10);
  }
  return text;
}

function isCompleteJson(text: string): boolean {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  return errors.length === 0;
}

const CHUNK = 4 << 20;
/** A remembered text in more pieces than this is joined again (read back from what we wrote of it). */
const MAX_PIECES = 256;

/**
 * Whether the open file holds exactly `expected` (in pieces), read a chunk at a time into `chunk`: the
 * check before every rename must not allocate (and leave to the collector) a copy of a 20 MB file.
 */
async function sameBytes(
  handle: fs.FileHandle,
  expected: readonly Uint8Array[],
  chunk: Buffer,
): Promise<boolean> {
  const { size } = await handle.stat();
  let total = 0;
  for (const p of expected) total += p.length;
  if (size !== total) return false;
  let part = 0;
  let inPart = 0;
  for (let at = 0; at < size; ) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - at), at);
    if (bytesRead === 0) return false;
    for (let c = 0; c < bytesRead; ) {
      const p = expected[part]!;
      const n = Math.min(p.length - inPart, bytesRead - c);
      if (chunk.compare(p, inPart, inPart + n, c, c + n) !== 0) return false;
      c += n;
      inPart += n;
      if (inPart === p.length) {
        part++;
        inPart = 0;
      }
    }
    at += bytesRead;
  }
  return true;
}

async function readAll(handle: fs.FileHandle): Promise<Buffer> {
  const { size } = await handle.stat();
  const buf = Buffer.alloc(size);
  let at = 0;
  while (at < size) {
    const { bytesRead } = await handle.read(buf, at, size - at, at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  return buf.subarray(0, at);
}

/**
 * Whether the file holds exactly `text` (compared chunk by chunk, nothing decoded): lets a file watcher
 * recognise our own write-back of a 20 MB file without reading it into a string.
 */
export async function fileHolds(file: string, text: Text): Promise<boolean> {
  const pieces = text instanceof RopeText ? text.pieces : [encodeText(text)];
  let total = 0;
  for (const p of pieces) total += p.length;
  // Stat first: opening a FIFO would block, and a size that differs settles it.
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile() || stat.size !== total) return false;
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    return await sameBytes(handle, pieces, Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, total))));
  } catch {
    return false;
  } finally {
    await handle.close().catch(() => undefined);
  }
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
  /** Reused by every comparison (a flush must not leave megabytes to the collector). */
  private chunk: Buffer | undefined;

  constructor(readonly file: string) {}

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
    this.chunk = undefined;
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

  async write(before: Text, after: Text, edits: TextEdit[] = []): Promise<WriteOutcome> {
    const known = this.last && this.last.text === before ? this.last : undefined;
    const beforeBytes = known ? known.bytes : encodeBytes(before);
    const afterBytes = this.bytesAfter(known, after, edits);
    const staged = await stageAtomicWrite(this.file, piecesOf(afterBytes));
    let old: fs.FileHandle | undefined;
    try {
      if (afterBytes instanceof RopeText && afterBytes.pieces.length > MAX_PIECES) {
        // Read back from our own new file (the system copies it, off this thread) rather than joined
        // here, and taken only if it holds exactly the pieces.
        const flat = await fs.readFile(staged.temp);
        if (holds(flat, afterBytes.pieces)) afterBytes.compact(flat);
      }
      old = await fs.open(staged.target, 'r');
      // Stat before comparing: a save landing between the comparison and a later stat would otherwise be
      // taken as the state we checked, and then lost without a trace when our rename replaces the file.
      const seen = await old.stat();
      this.chunk ??= Buffer.allocUnsafe(CHUNK);
      if (!(await sameBytes(old, piecesOf(beforeBytes), this.chunk))) {
        await staged.discard();
        const currentBytes = await readAll(old);
        const current = currentBytes.toString('utf8');
        this.last = { text: current, bytes: currentBytes };
        return { ok: false, current };
      }
      await staged.commit();
      this.last = { text: after, bytes: afterBytes, identity: await this.identityNow() };
      // A save that opened the old file before our rename writes into a file that is no longer
      // project.json. Such a write lands within milliseconds: wait that long, then read it back through
      // our handle, once it has settled, so the edit can be redone on top of it.
      await sleep(LOST_SAVE_GRACE_MS);
      const now = await old.stat();
      if (now.mtimeMs !== seen.mtimeMs || now.size !== seen.size)
        return { ok: true, lost: await settledText(old) };
      return { ok: true };
    } catch (err) {
      await staged.discard().catch(() => undefined);
      throw err;
    } finally {
      await old?.close().catch(() => undefined);
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

function holds(flat: Buffer, pieces: readonly Buffer[]): boolean {
  let at = 0;
  for (const p of pieces) {
    if (at + p.length > flat.length || flat.compare(p, 0, p.length, at, at + p.length) !== 0) return false;
    at += p.length;
  }
  return at === flat.length;
}

/** UTF-8 bytes of a text (a rope is its own bytes). */
function encodeBytes(text: Text): RopeText | Buffer {
  return text instanceof RopeText ? text : encodeText(textOf(text));
}
