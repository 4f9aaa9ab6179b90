// Recording results into project.json while the user edits it. Results are queued and flushed in
// batches; each flush takes the cross-process lock, re-reads the file, computes minimal edits against
// exactly what it read, checks the result still validates, and only then replaces the file atomically.
// A file the user left mid-edit (invalid) is never written: results wait, safe in the result cache.
import { DailiesError, errorMessage } from '../util/errors';
import { applyEdits, detectFormat, setPropertiesEdits, type TextEdit, type TextFormat } from './edit';
import type { ParseOutcome } from './load';
import type { ProjectIO } from './projectIO';
import { lineWindow, RopeText, sameText, type Text, textOf } from './ropeText';
import type { RenderRecord } from './schema';
import { editedShotsProblem, insideShot, parseShot, type Touched } from './shotCheck';
import { ShotIndex } from './shotIndex';
import { changesOf, KEEP, type PropertyUpdate, type Updates } from './shotUpdates';
import { diffRegion, mapThrough, onTopOf, type Resume, type Written } from './textDiff';

export { type FileIOOptions, FileProjectIO, fileHolds, type WriteSteps } from './fileIO';
export type { ProjectIO, WriteOptions, WriteOutcome } from './projectIO';
export { RopeText, type Text, textOf } from './ropeText';
export { KEEP, type PropertyUpdate } from './shotUpdates';
export { diffRegion, mapThrough } from './textDiff';

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
  /** The last write's lost-save check, and the redo it may lead to (see `follow`). Never rejects. */
  private tail: Promise<void> | undefined;
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

  /**
   * Flushes everything queued so far; concurrent callers share one flush, then a follow-up runs. It
   * returns once the results are durable in the file; the check for a save lost in the file it replaced
   * finishes after that (see `settled`), and always before the next flush writes.
   */
  async flush(): Promise<FlushReport> {
    // Waited for and claimed with no await in between, so two callers never run two flushes at once.
    for (;;) {
      if (this.running) await this.running.catch(() => undefined);
      else if (this.tail) await this.tail;
      else break;
    }
    if (this.pending.size === 0 && this.updates.size === 0) return { written: [], missing: [] };
    this.running = this.flushOnce();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  /**
   * Resolves once no flush is running and the last write's lost-save check, with any redo it led to, is
   * over: await it before closing the writer (or ending the process), so a lost save is always redone.
   */
  async settled(): Promise<void> {
    for (;;) {
      if (this.running) await this.running.catch(() => undefined);
      else if (this.tail) await this.tail;
      else return;
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

  /**
   * Owns a write's deferred lost-save check: a save that landed in the file the write replaced is redone
   * on top of ours under the lock — the batch applied again from there, exactly as when the write itself
   * reports the loss. The batch itself is in the file already (that write went through): a redo that
   * cannot be written, or a check that failed, requeues only its render records (the same record twice
   * is one), never its property updates (a review note applied again would be there twice).
   */
  private follow(
    check: Promise<string | undefined>,
    batch: Map<string, RenderRecord | undefined>,
    updates: Updates,
    write: Written,
  ): void {
    const tail: Promise<void> = check
      .then(async (lost) => {
        if (lost === undefined) return;
        const from = onTopOf(write, lost);
        const report = await this.io.withLock(() => this.applyBatch(batch, updates, from));
        if (report.blocked) this.requeue(batch);
      })
      .catch(() => this.requeue(batch))
      .finally(() => {
        if (this.tail === tail) this.tail = undefined;
      });
    this.tail = tail;
  }

  private async applyBatch(
    batch: Map<string, RenderRecord | undefined>,
    updates: Updates = new Map(),
    from?: Resume,
  ): Promise<FlushReport> {
    // Editors do not take our lock. `base` is the text our edits apply to; `expected` is what we believe
    // the file holds. When a save slips in before our write, we start over from the saved text. When one
    // lands in the file our write replaced, its change is carried (`owed`) onto whatever the file holds
    // next — even past a further save — so no save is lost. The write itself compares the file with
    // `expected` byte for byte right before its rename, so a remembered text is as safe as a re-read one.
    // `from`: a redo after a lost save, starting where the write that lost it left off.
    let base: Text = from ? from.base : ((await this.io.known?.()) ?? (await this.io.read()));
    let expected: Text = from ? from.expected : base;
    let owed: TextEdit | undefined = from?.owed;
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
      const outcome = await this.io.write(expected, after, expected === base ? edits : [], {
        deferLostCheck: true,
      });
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
        ({ base, expected, owed } = onTopOf({ expected, base, edits, after }, outcome.lost));
        continue;
      }
      if ('lostCheck' in outcome)
        this.follow(outcome.lostCheck, batch, updates, { expected, base, edits, after });
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
    await this.settled();
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
