// Where the write-back's text comes from and goes to, and what a conditional write found.
import type { TextEdit } from './edit';
import type { Text } from './ropeText';

/**
 * What a conditional write found: written, or the text that is really there (nothing written), or
 * written but someone else's text that landed in the replaced file at the last instant (`lost`). With
 * `deferLostCheck`, a write returns as soon as it is durable and `lostCheck` settles later with that text
 * (undefined when nothing was lost): the caller owns that check and must redo a lost save itself.
 */
export type WriteOutcome =
  | { ok: true }
  | { ok: false; current: string }
  | { ok: true; lost: string }
  | { ok: true; lostCheck: Promise<string | undefined> };

export interface WriteOptions {
  /**
   * Return at the rename (the new text is durable then) and look for a save lost in the replaced file
   * afterwards, in `lostCheck`, off the caller's path. Only for a caller that awaits that check before
   * its next write and before it is closed (see ProjectWriter); a source that cannot defer ignores it.
   */
  deferLostCheck?: boolean;
}

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
  write(before: Text, after: Text, edits: TextEdit[], options?: WriteOptions): Promise<WriteOutcome>;
  /** Drops whatever the IO remembers about the text (between batches it is not worth its memory). */
  forget?(): void;
  /**
   * `base` with `edits` applied, made from what the IO already holds of `base` (its bytes) when that is
   * cheaper than editing the string; undefined means "apply them yourself". Optional.
   */
  applied?(base: Text, edits: readonly TextEdit[]): Text | undefined;
}
