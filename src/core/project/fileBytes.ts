// Byte-level reads of project.json for the write-back: comparing an open file with the pieces our edits
// were made against (a chunk at a time, nothing decoded), reading it whole, and reading a save that
// landed in a file we replaced once that save has finished.
import { promises as fs } from 'node:fs';
import { type ParseError, parse as parseJsonc } from 'jsonc-parser';
import { sleep } from '../util/abort';
import { encodeText } from './load';
import { RopeText, type Text } from './ropeText';

/** How much of the file one read takes (and the size of a comparison's reused buffer). */
export const CHUNK = 4 << 20;

/**
 * Whether the open file holds exactly `expected` (in pieces), read a chunk at a time into `chunk`: the
 * check before every rename must not allocate (and leave to the collector) a copy of a 20 MB file.
 */
export async function sameBytes(
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

export async function readAll(handle: fs.FileHandle): Promise<Buffer> {
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
 * The text another program saved into the replaced file, once that save has finished: a save truncates
 * first and writes after, so an empty or half-written text means "wait", not "the user emptied the file".
 */
export async function settledText(handle: fs.FileHandle): Promise<string> {
  let text = '';
  for (let i = 0; i < 50; i++) {
    text = (await readAll(handle)).toString('utf8');
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

/** Whether `flat` is exactly the pieces, one after the other. */
export function holds(flat: Buffer, pieces: readonly Buffer[]): boolean {
  let at = 0;
  for (const p of pieces) {
    if (at + p.length > flat.length || flat.compare(p, 0, p.length, at, at + p.length) !== 0) return false;
    at += p.length;
  }
  return at === flat.length;
}
