// Recording results into project.json while the user edits it. Results are queued and flushed in
// batches; each flush takes the cross-process lock, re-reads the file, computes minimal edits against
// exactly what it read, checks the result still validates, and only then replaces the file atomically.
// A file the user left mid-edit (invalid) is never written: results wait, safe in the result cache.
import { promises as fs } from 'node:fs';
import { type Node as JsonNode, type ParseError, parse as parseJsonc } from 'jsonc-parser';
import { sleep } from '../util/abort';
import { stageAtomicWrite } from '../util/atomicWrite';
import { DailiesError, errorMessage } from '../util/errors';
import { withFileLock } from '../util/lock';
import {
  applyEdits,
  detectFormat,
  indexShots,
  propertyValue,
  setPropertiesEdits,
  type TextEdit,
} from './edit';
import { type ParseOutcome, readProjectText } from './load';
import type { RenderRecord } from './schema';

/**
 * What a conditional write found: written, or the text that is really there (nothing written), or
 * written but someone else's text that landed in the replaced file at the last instant (`lost`).
 */
export type WriteOutcome = { ok: true } | { ok: false; current: string } | { ok: true; lost: string };

/** Where project text comes from and goes to: the file on disk, or (in VS Code) an open, dirty editor. */
export interface ProjectIO {
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  read(): Promise<string>;
  /** Replaces `before` with `after` (`edits` describe the same change) only if the text still is `before`. */
  write(before: string, after: string, edits: TextEdit[]): Promise<WriteOutcome>;
}

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

export class FileProjectIO implements ProjectIO {
  constructor(readonly file: string) {}
  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(this.file, fn);
  }
  read(): Promise<string> {
    return readProjectText(this.file);
  }
  async write(before: string, after: string): Promise<WriteOutcome> {
    const staged = await stageAtomicWrite(this.file, after);
    let old: fs.FileHandle | undefined;
    try {
      old = await fs.open(staged.target, 'r');
      // Stat before reading: a save landing between the read and a later stat would otherwise be taken
      // as the state we checked, and then lost without a trace when our rename replaces the file.
      const seen = await old.stat();
      const current = await old.readFile('utf8');
      if (current !== before) {
        await staged.discard();
        return { ok: false, current };
      }
      await staged.commit();
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
}

export interface FlushReport {
  written: string[];
  /** Shots the user removed or renamed while they rendered; their results stay in the cache. */
  missing: string[];
  /** Why nothing could be written this time (results stay queued). */
  blocked?: string;
}

export interface WriterOptions {
  validate: (text: string) => ParseOutcome;
  /** Told after every successful write, so a file watcher can ignore the change it caused. */
  onWritten?: (text: string) => void;
}

/**
 * A change to one property of a shot, computed from its value in the very text being edited (undefined
 * when absent; `read` gives the shot's other properties): the new value, undefined to remove it, or KEEP
 * to leave it as it is.
 */
export type PropertyUpdate = (current: unknown, read: (key: string) => unknown) => unknown;
export const KEEP: unique symbol = Symbol('keep');

type Updates = Map<string, Map<string, PropertyUpdate>>;

export class ProjectWriter {
  private pending = new Map<string, RenderRecord | undefined>();
  private updates: Updates = new Map();
  private running: Promise<FlushReport> | undefined;

  constructor(
    private readonly io: ProjectIO,
    private readonly options: WriterOptions,
  ) {}

  /** Queues a shot's record; a later record for the same shot replaces an unflushed earlier one. */
  set(shotId: string, record: RenderRecord | undefined): void {
    this.pending.set(shotId, record);
  }

  /**
   * Queues a change of one property of a shot (review: `take`, `review`), written with the next flush in
   * the same minimal, locked, atomic edit as render records. Updates of one key compose in order.
   */
  update(shotId: string, key: string, fn: PropertyUpdate): void {
    let keys = this.updates.get(shotId);
    if (!keys) {
      keys = new Map();
      this.updates.set(shotId, keys);
    }
    const before = keys.get(key);
    keys.set(
      key,
      before
        ? (v, read) => {
            const mid = before(v, read);
            const next = fn(mid === KEEP ? v : mid, read);
            return next === KEEP ? mid : next;
          }
        : fn,
    );
  }

  get pendingCount(): number {
    return this.pending.size + this.updates.size;
  }

  /** Flushes everything queued so far; concurrent callers share one flush, then a follow-up runs. */
  async flush(): Promise<FlushReport> {
    while (this.running) await this.running.catch(() => undefined);
    if (this.pending.size === 0 && this.updates.size === 0) return { written: [], missing: [] };
    this.running = this.flushOnce();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async flushOnce(): Promise<FlushReport> {
    const batch = new Map(this.pending);
    this.pending.clear();
    const updates = this.updates;
    this.updates = new Map();
    try {
      const report = await this.io.withLock(() => this.applyBatch(batch, updates));
      if (report.blocked) this.requeue(batch, updates);
      return report;
    } catch (err) {
      this.requeue(batch, updates);
      const message = errorMessage(err);
      return { written: [], missing: [], blocked: message };
    }
  }

  private requeue(batch: Map<string, RenderRecord | undefined>, updates: Updates = new Map()): void {
    for (const [id, rec] of batch) if (!this.pending.has(id)) this.pending.set(id, rec);
    // Earlier updates go first: a newer one queued meanwhile applies on top of them.
    for (const [id, keys] of updates) {
      const later = this.updates.get(id);
      this.updates.set(id, keys);
      for (const [key, fn] of later ?? []) this.update(id, key, fn);
    }
  }

  private async applyBatch(
    batch: Map<string, RenderRecord | undefined>,
    updates: Updates = new Map(),
  ): Promise<FlushReport> {
    // Editors do not take our lock. `base` is the text our edits apply to; `expected` is what we believe
    // the file holds. When a save slips in before our write, we start over from the saved text. When one
    // lands in the file our write replaced, its change is carried (`owed`) onto whatever the file holds
    // next — even past a further save — so no save is lost.
    let base = await this.io.read();
    let expected = base;
    let owed: TextEdit | undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      const index = indexShots(base);
      if (!index) return { written: [], missing: [], blocked: 'project.json could not be parsed' };
      const fmt = detectFormat(base);
      const edits: TextEdit[] = [];
      const written: string[] = [];
      const missing: string[] = [];
      for (const shotId of new Set([...batch.keys(), ...updates.keys()])) {
        const node = index.shots.get(shotId);
        if (!node) {
          missing.push(shotId);
          continue;
        }
        const entries = changesOf(node, batch, shotId, updates.get(shotId));
        if (entries.length === 0) continue;
        edits.push(...setPropertiesEdits(base, node, entries, fmt));
        written.push(shotId);
      }
      if (edits.length === 0) {
        // A half-typed file can hide every shot from the lenient parser: that is "broken", not "missing".
        const current = missing.length ? this.options.validate(base) : undefined;
        if (current && !current.ok) {
          return notValidYet(current.error.message);
        }
        return { written, missing };
      }
      const after = applyEdits(base, edits);
      // Only Dailies' own values change, so a valid result proves the user's text was valid too; the text
      // before is checked only to tell a file the user left mid-edit from a bug of ours.
      const check = this.options.validate(after);
      if (!check.ok) {
        const current = this.options.validate(base);
        if (!current.ok) {
          return notValidYet(current.error.message);
        }
        throw new DailiesError(
          'internal',
          `refusing to write an invalid project.json: ${check.error.message}`,
        );
      }
      const outcome = await this.io.write(expected, after, expected === base ? edits : []);
      if (!outcome.ok) {
        // Someone saved over what we expected: their text wins, plus any change we still owe.
        const carried = owed ? mapThrough(owed, diffRegion(expected, outcome.current)) : undefined;
        owed = carried;
        base = carried ? applyEdits(outcome.current, [carried]) : outcome.current;
        expected = outcome.current;
        continue;
      }
      this.options.onWritten?.(after);
      if ('lost' in outcome) {
        // A save went into the file we replaced: redo it on top of ours.
        const theirs = diffRegion(expected, outcome.lost);
        const mapped = theirs && expected === base ? mapThrough(theirs, edits) : undefined;
        owed = mapped;
        base = mapped ? applyEdits(after, [mapped]) : outcome.lost;
        expected = after;
        continue;
      }
      return { written, missing };
    }
    return {
      written: [],
      missing: [],
      blocked: 'project.json kept changing while results were being recorded; will retry',
    };
  }

  /**
   * Re-reads the file and re-queues every record in `expected` that is no longer there (a save based on
   * an older text wiped it). Returns how many were re-queued.
   */
  async reconcile(expected: Map<string, RenderRecord>): Promise<number> {
    let text: string;
    try {
      text = await this.io.read();
    } catch {
      return 0;
    }
    const index = indexShots(text);
    if (!index) return 0;
    let requeued = 0;
    for (const [shotId, record] of expected) {
      const node = index.shots.get(shotId);
      if (!node) continue;
      const render = node.children?.find((p) => p.children?.[0]?.value === 'render')?.children?.[1];
      const hash = render?.children?.find((p) => p.children?.[0]?.value === 'inputHash')?.children?.[1]
        ?.value;
      const renderedAt = render?.children?.find((p) => p.children?.[0]?.value === 'renderedAt')?.children?.[1]
        ?.value;
      if (hash === record.inputHash && renderedAt === record.renderedAt) continue;
      if (typeof renderedAt === 'string' && renderedAt > record.renderedAt) continue;
      this.set(shotId, record);
      requeued++;
    }
    return requeued;
  }
}

/** A shot's property changes in this batch: its render record, then its updates (skipping no-ops). */
function changesOf(
  node: JsonNode,
  batch: Map<string, RenderRecord | undefined>,
  shotId: string,
  updates: Map<string, PropertyUpdate> | undefined,
): [string, unknown][] {
  const entries: [string, unknown][] = batch.has(shotId) ? [['render', batch.get(shotId)]] : [];
  for (const [key, fn] of updates ?? []) {
    const current = propertyValue(node, key);
    const next = fn(current, (other) => propertyValue(node, other));
    if (next === KEEP || JSON.stringify(next) === JSON.stringify(current)) continue;
    entries.push([key, next]);
  }
  return entries;
}

/** The one region where `b` differs from `a` (common prefix and suffix stripped), as an edit of `a`. */
export function diffRegion(a: string, b: string): TextEdit | undefined {
  if (a === b) return undefined;
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)) end++;
  return { offset: start, length: a.length - start - end, content: b.slice(start, b.length - end) };
}

/**
 * Re-expresses `change` (an edit of text A) as an edit of text B, where B = A with `edits` applied; none
 * when they overlap (then there is no telling which one should win).
 */
export function mapThrough(change: TextEdit, edits: TextEdit | TextEdit[] | undefined): TextEdit | undefined {
  let shift = 0;
  for (const e of edits === undefined ? [] : Array.isArray(edits) ? edits : [edits]) {
    if (
      e.offset + e.length <= change.offset &&
      !(e.length === 0 && e.offset === change.offset && change.length > 0)
    ) {
      shift += e.content.length - e.length;
    } else if (
      e.offset >= change.offset + change.length &&
      !(change.length === 0 && e.offset === change.offset)
    ) {
      // after the change: no effect on its position
    } else return undefined;
  }
  return { ...change, offset: change.offset + shift };
}

function notValidYet(why: string): FlushReport {
  return {
    written: [],
    missing: [],
    blocked: `project.json is not valid right now (${why}); results will be recorded once it is`,
  };
}

/** True when the file at `file` still has exactly `text` (so a watcher event is our own write). */
export async function fileHasText(file: string, text: string): Promise<boolean> {
  try {
    return (await fs.readFile(file, 'utf8')) === text;
  } catch {
    return false;
  }
}
