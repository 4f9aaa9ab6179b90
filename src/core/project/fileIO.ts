// project.json on disk as the write-back sees it. A conditional replace: the new text is staged (written
// and fsynced beside the file), the file is compared byte for byte with the text our edits were made
// against, and only then renamed over it. It remembers the version it last read or wrote (bytes and
// identity), so a write-back on an unchanged file neither re-reads nor re-decodes it before editing.
import { promises as fs } from 'node:fs';
import { type ParseError, parse as parseJsonc } from 'jsonc-parser';
import { sleep } from '../util/abort';
import { stageAtomicWrite } from '../util/atomicWrite';
import { withFileLock } from '../util/lock';
import type { TextEdit } from './edit';
import {
  encodeText,
  type FileIdentity,
  identityOf,
  isAscii,
  type ProjectSnapshot,
  readProjectSnapshot,
  sameIdentity,
} from './load';
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

const CHUNK = 1 << 20;

/**
 * Whether the open file holds exactly `expected`, read a chunk at a time into one small buffer: the
 * check before every rename must not allocate (and leave to the collector) a copy of a 20 MB file.
 */
async function sameBytes(handle: fs.FileHandle, expected: Buffer): Promise<boolean> {
  const { size } = await handle.stat();
  if (size !== expected.length) return false;
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, size)));
  for (let at = 0; at < size; ) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - at), at);
    if (bytesRead === 0) return false;
    if (chunk.compare(expected, at, at + bytesRead, 0, bytesRead) !== 0) return false;
    at += bytesRead;
  }
  return true;
}

/** `bytes` with non-overlapping ASCII edits applied at their (byte = character) offsets. */
export function spliceBytes(bytes: Buffer, edits: readonly TextEdit[]): Buffer {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset);
  const parts: Buffer[] = [];
  let at = 0;
  for (const e of sorted) {
    if (e.offset < at) throw new Error('overlapping edits');
    parts.push(bytes.subarray(at, e.offset), Buffer.from(e.content, 'latin1'));
    at = e.offset + e.length;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
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

export class FileProjectIO implements ProjectIO {
  /** The version this IO last read or wrote. Only a hint: every write still compares the bytes. */
  private last: ProjectSnapshot | undefined;
  /** The text `applied` made last and its bytes, so `write` need not encode it again. */
  private prepared: { text: string; bytes: Buffer } | undefined;

  constructor(readonly file: string) {}

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(this.file, fn);
  }

  async read(): Promise<string> {
    this.last = await readProjectSnapshot(this.file);
    return this.last.text;
  }

  forget(): void {
    this.last = undefined;
    this.prepared = undefined;
  }

  /**
   * An ASCII text we last read or wrote, edited with ASCII content: the old bytes with the edits spliced
   * in, decoded as latin1. Both are memory copies (the decoded text of a large file lives outside the JS
   * heap), where joining the string pieces copies it character by character: on a 20 MB file that was
   * most of a flush.
   */
  applied(base: string, edits: readonly TextEdit[]): string | undefined {
    const last = this.last;
    if (!last?.ascii || edits.length === 0 || !edits.every((e) => isAscii(e.content))) return undefined;
    if (last.text !== base) return undefined;
    const bytes = spliceBytes(last.bytes, edits);
    const text = bytes.toString('latin1');
    this.prepared = { text, bytes };
    return text;
  }

  /** The last text read or written, if the file still has the identity it had then (one stat). */
  async known(): Promise<string | undefined> {
    const last = this.last;
    if (!last?.identity) return undefined;
    const now = await fs.stat(this.file, { bigint: true }).catch(() => undefined);
    return now && sameIdentity(identityOf(now), last.identity) ? last.text : undefined;
  }

  async write(before: string, after: string, edits: TextEdit[] = []): Promise<WriteOutcome> {
    const known = this.last && this.last.text === before ? this.last : undefined;
    const beforeBytes = known ? known.bytes : encodeText(before);
    // Made by `applied`: ASCII bytes whose latin1 text is `after`, so they are its UTF-8 too.
    const prepared = this.prepared?.text === after ? this.prepared.bytes : undefined;
    this.prepared = undefined;
    // An ASCII text edited with ASCII content: its bytes are the old bytes with the edits spliced in
    // (character offsets are byte offsets), a memcpy instead of encoding the whole text again.
    const splice =
      !prepared && known?.ascii === true && edits.length > 0 && edits.every((e) => isAscii(e.content));
    const ascii = prepared !== undefined || splice || isAscii(after);
    const afterBytes =
      prepared ?? (splice ? spliceBytes(beforeBytes, edits) : Buffer.from(after, ascii ? 'latin1' : 'utf8'));
    const staged = await stageAtomicWrite(this.file, afterBytes);
    let old: fs.FileHandle | undefined;
    try {
      old = await fs.open(staged.target, 'r');
      // Stat before comparing: a save landing between the comparison and a later stat would otherwise be
      // taken as the state we checked, and then lost without a trace when our rename replaces the file.
      const seen = await old.stat();
      if (!(await sameBytes(old, beforeBytes))) {
        await staged.discard();
        const currentBytes = await readAll(old);
        const current = currentBytes.toString('utf8');
        this.last = { text: current, bytes: currentBytes };
        return { ok: false, current };
      }
      await staged.commit();
      this.last = {
        text: after,
        bytes: afterBytes,
        ascii: ascii || undefined,
        identity: await this.identityNow(),
      };
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
   * The identity of the file right after our rename. Should another program replace it in between, this
   * names their version with our text: harmless, because a write never trusts it without the byte check.
   */
  private async identityNow(): Promise<FileIdentity | undefined> {
    const stat = await fs.stat(this.file, { bigint: true }).catch(() => undefined);
    return stat ? identityOf(stat) : undefined;
  }
}
