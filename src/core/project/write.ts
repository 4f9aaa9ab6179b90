// Recording results into project.json while the user edits it. Results are queued and flushed in
// batches; each flush takes the cross-process lock, re-reads the file, computes minimal edits against
// exactly what it read, checks the result still validates, and only then replaces the file atomically.
// A file the user left mid-edit (invalid) is never written: results wait, safe in the result cache.
import type { Node as JsonNode } from 'jsonc-parser';
import { DailiesError, errorMessage } from '../util/errors';
import {
  applyEdits,
  detectFormat,
  propertyValue,
  setPropertiesEdits,
  type TextEdit,
  type TextFormat,
} from './edit';
import type { ParseOutcome } from './load';
import { lineWindow, RopeText, sameText, type Text, textOf } from './ropeText';
import type { RenderRecord } from './schema';
import { editedShotsProblem, insideShot, parseShot, type Touched } from './shotCheck';
import { ShotIndex } from './shotIndex';
import { diffRegion, mapThrough } from './textDiff';

export { FileProjectIO, fileHolds } from './fileIO';
export { RopeText, type Text, textOf } from './ropeText';
export { diffRegion, mapThrough } from './textDiff';

/**
 * What a conditional write found: written, or the text that is really there (nothing written), or
 * written but someone else's text that landed in the replaced file at the last instant (`lost`).
 */
export type WriteOutcome = { ok: true } | { ok: false; current: string } | { ok: true; lost: string };

/** Where project text comes from and goes to: the file on disk, or (in VS Code) an open, dirty editor. */
export interface ProjectIO {
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  read(): Promise<string>;
  /**
   * The text the source still holds when that is known without reading it (nothing changed it since this
   * IO last read or wrote it); undefined means "read it". Optional: without it, every flush reads.
   */
  known?(): Promise<Text | undefined>;
  /** Replaces `before` with `after` (`edits` describe the same change) only if the text still is `before`. */
  write(before: Text, after: Text, edits: TextEdit[]): Promise<WriteOutcome>;
  /** Drops whatever the IO remembers about the text (between batches it is not worth its memory). */
  forget?(): void;
  /**
   * `base` with `edits` applied, made from what the IO already holds of `base` (its bytes) when that is
   * cheaper than editing the string; undefined means "apply them yourself". Optional.
   */
  applied?(base: Text, edits: readonly TextEdit[]): Text | undefined;
}

export interface FlushReport {
  written: string[];
  /** Shots the user removed or renamed while they rendered; their results stay in the cache. */
  missing: string[];
  /** Why nothing could be written this time (results stay queued). */
  blocked?: string;
  /** Size of the text written (characters), so a caller can pace its flushes. */
  chars?: number;
}

export interface WriterOptions {
  validate: (text: string) => ParseOutcome;
  /**
   * Told after every successful write, so a file watcher can ignore the change it caused. The text may be
   * a rope: make it a string (textOf) only when needed, since on a large file that is a copy of it all.
   */
  onWritten?: (text: Text) => void;
}

/**
 * A change to one property of a shot, computed from its value in the very text being edited (undefined
 * when absent; `read` gives the shot's other properties): the new value, undefined to remove it, or KEEP
 * to leave it as it is.
 */
export type PropertyUpdate = (current: unknown, read: (key: string) => unknown) => unknown;
export const KEEP: unique symbol = Symbol('keep');

type Updates = Map<string, Map<string, PropertyUpdate>>;

/**
 * Keys Dailies itself writes and whose values no other part of the project depends on for validity: a
 * valid file with only these changed (and the shot schema still met) is still valid. Any other key (a
 * restored prompt or params) means the whole text is validated.
 */
const OWN_KEYS: ReadonlySet<string> = new Set(['render', 'take', 'review']);

/** A text the writer has edited or read, with what it learned about it, kept while the file is unchanged. */
interface KnownText {
  text: Text;
  index: ShotIndex | undefined;
  /** Detected on first use: a reconcile that edits nothing never pays for it. */
  fmt: TextFormat | undefined;
  /** Passed the full validation (then only what we edit needs checking). */
  valid: boolean;
}

export class ProjectWriter {
  private pending = new Map<string, RenderRecord | undefined>();
  private updates: Updates = new Map();
  private running: Promise<FlushReport> | undefined;
  private known: KnownText | undefined;
  private trusted: string | undefined;

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

  /** `text` already passed `validate` elsewhere (the engine's own load): a first flush need not redo it. */
  trust(text: string): void {
    if (this.known?.text === text) this.known.valid = true;
    else this.trusted = text;
  }

  /** Drops the remembered text and index (and the IO's), e.g. once a batch is over. */
  forget(): void {
    this.known = undefined;
    this.trusted = undefined;
    this.io.forget?.();
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

  /**
   * What is known about `text`: reused while it is the text last seen (the same object, or a re-read of
   * the same text), learned once otherwise.
   */
  private stateOf(text: Text): KnownText {
    if (this.known && sameText(this.known.text, text)) return this.known;
    const valid = this.trusted === text;
    this.trusted = undefined;
    this.known = { text, index: ShotIndex.build(textOf(text)), fmt: undefined, valid };
    return this.known;
  }

  private async applyBatch(
    batch: Map<string, RenderRecord | undefined>,
    updates: Updates = new Map(),
  ): Promise<FlushReport> {
    // Editors do not take our lock. `base` is the text our edits apply to; `expected` is what we believe
    // the file holds. When a save slips in before our write, we start over from the saved text. When one
    // lands in the file our write replaced, its change is carried (`owed`) onto whatever the file holds
    // next — even past a further save — so no save is lost. The write itself compares the file with
    // `expected` byte for byte right before its rename, so a remembered text is as safe as a re-read one.
    let base: Text = (await this.io.known?.()) ?? (await this.io.read());
    let expected: Text = base;
    let owed: TextEdit | undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      const state = this.stateOf(base);
      const index = state.index;
      if (!index) return { written: [], missing: [], blocked: 'project.json could not be parsed' };
      const edits: TextEdit[] = [];
      const written: string[] = [];
      const missing: string[] = [];
      const touched: Touched[] = [];
      for (const shotId of new Set([...batch.keys(), ...updates.keys()])) {
        const span = index.get(shotId);
        // The lines of the shot alone: all its edits need (see lineWindow), wherever the text is held.
        const window = span && lineWindow(base, span.offset, span.length);
        const node =
          span && window && index.node(window.text, { ...span, offset: span.offset - window.start });
        if (!span || !window || !node) {
          missing.push(shotId);
          continue;
        }
        const changes = changesOf(node, batch, shotId, updates.get(shotId));
        if (changes.length === 0) continue;
        state.fmt ??= detectFormat(textOf(base));
        const shotEdits = setPropertiesEdits(window.text, node, changes, state.fmt).map((e) => ({
          ...e,
          offset: e.offset + window.start,
        }));
        edits.push(...shotEdits);
        touched.push({ span, changes, edits: shotEdits });
        written.push(shotId);
      }
      if (edits.length === 0) {
        // A half-typed file can hide every shot from the lenient parser: that is "broken", not "missing".
        const current = missing.length && !state.valid ? this.options.validate(textOf(base)) : undefined;
        if (current && !current.ok) {
          return notValidYet(current.error.message);
        }
        if (current?.ok) state.valid = true;
        return { written, missing };
      }
      const after = this.io.applied?.(base, edits) ?? edited(base, edits);
      const inside = touched.every((t) => t.edits.every((e) => insideShot(e, t.span)));
      const nextIndex = inside ? index.shifted(edits) : undefined;
      // The file was valid and only these shots' own Dailies values (render, take, review) changed:
      // checking those shots is enough. When that cannot be shown (an odd file, say with a repeated key,
      // or a restore that changes the prompt and params), the whole text is validated.
      const ownOnly = touched.every((t) => t.changes.every(([key]) => OWN_KEYS.has(key)));
      const provenLocally =
        state.valid && ownOnly && nextIndex && !editedShotsProblem(base, after, nextIndex, touched);
      if (!provenLocally) {
        // Only Dailies' own values change, so a valid result proves the user's text was valid too; the
        // text before is checked only to tell a file the user left mid-edit from a bug of ours.
        const check = this.options.validate(textOf(after));
        if (!check.ok) {
          const current = this.options.validate(textOf(base));
          if (!current.ok) {
            return notValidYet(current.error.message);
          }
          throw new DailiesError(
            'internal',
            `refusing to write an invalid project.json: ${check.error.message}`,
          );
        }
      }
      const outcome = await this.io.write(expected, after, expected === base ? edits : []);
      if (!outcome.ok) {
        // Someone saved over what we expected: their text wins, plus any change we still owe.
        const carried = owed ? mapThrough(owed, diffRegion(textOf(expected), outcome.current)) : undefined;
        owed = carried;
        base = carried ? applyEdits(outcome.current, [carried]) : outcome.current;
        expected = outcome.current;
        continue;
      }
      this.known = {
        text: after,
        index: nextIndex ?? ShotIndex.build(textOf(after)),
        fmt: state.fmt,
        valid: true,
      };
      this.options.onWritten?.(after);
      if ('lost' in outcome) {
        // A save went into the file we replaced: redo it on top of ours.
        const theirs = diffRegion(textOf(expected), outcome.lost);
        const mapped = theirs && expected === base ? mapThrough(theirs, edits) : undefined;
        owed = mapped;
        base = mapped ? applyEdits(textOf(after), [mapped]) : outcome.lost;
        expected = after;
        continue;
      }
      return { written, missing, chars: after.length };
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
    if (expected.size === 0) return 0;
    let text: string;
    try {
      text = await this.io.read();
    } catch {
      return 0;
    }
    const index = this.stateOf(text).index;
    if (!index) return 0;
    let requeued = 0;
    for (const [shotId, record] of expected) {
      const span = index.get(shotId);
      if (!span) continue;
      // The common case, without parsing 20,000 shots: both the record's hash and its time (a 64-hex
      // digest and a millisecond timestamp) are still in the shot's text, quoted as JSON values.
      // (Searched within the shot's own text only: a wiped record must not cost a scan of the file.)
      const own = text.slice(span.offset, span.offset + span.length);
      if (own.includes(`"${record.inputHash}"`) && own.includes(`"${record.renderedAt}"`)) continue;
      const shot = parseShot(own);
      const render = shot?.render as { inputHash?: unknown; renderedAt?: unknown } | undefined;
      const hash = render?.inputHash;
      const renderedAt = render?.renderedAt;
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

/** `base` with `edits`: a rope stays one (the edits new pieces), a string is edited as a string. */
function edited(base: Text, edits: readonly TextEdit[]): Text {
  return (base instanceof RopeText ? base.edited(edits) : undefined) ?? applyEdits(textOf(base), [...edits]);
}

function notValidYet(why: string): FlushReport {
  return {
    written: [],
    missing: [],
    blocked: `project.json is not valid right now (${why}); results will be recorded once it is`,
  };
}
