// Our own write-backs to project.json, remembered so that the change events they cause — the file
// watcher's, and an open editor reloading the file — are told from a user's edit or save, and do not
// re-plan the production after every flush of a batch.
import type * as vscode from 'vscode';
import { sameText, type Text } from '../../core/project/ropeText';
import { fileHolds } from '../../core/project/write';

/** Marks kept: a watcher event can arrive after a few more flushes. */
const MAX_WRITTEN = 4;

export class OwnWrites {
  /** The latest texts written (a rope on a large file: hashing 20 MB on every flush would stall the host). */
  private written: Text[] = [];
  /** Set when a write went to disk while an editor showed the file unchanged: VS Code reloads it. */
  private reloadExpected: { length: number } | undefined;
  /** Write-backs so far (for the test API). */
  count = 0;

  constructor(private readonly file: string) {}

  /** A write-back landed; `shown` is the file's open editor, if any. */
  wrote(text: Text, shown: vscode.TextDocument | undefined): void {
    this.count++;
    this.written.push(text);
    if (this.written.length > MAX_WRITTEN) this.written.shift();
    // A clean editor means the write went to disk (DocumentAwareIO writes into a dirty editor instead).
    this.reloadExpected = shown && !shown.isDirty ? { length: text.length } : undefined;
  }

  /**
   * Does the file on disk hold our latest write-back? Compared byte for byte without reading it into a
   * string (after every flush of a 20 MB file, the watcher would otherwise read, decode and compare it
   * all). A match consumes every mark: the watcher has seen the latest of them.
   */
  async onDisk(): Promise<boolean> {
    const latest = this.written[this.written.length - 1];
    if (latest === undefined || !(await fileHolds(this.file, latest))) return false;
    this.written = [];
    return true;
  }

  /**
   * Is this editor change VS Code reloading the file after our own write-back to disk? Then the text is
   * the one we wrote from a text already planned, and re-planning 20,000 shots after every flush would
   * stall the host for the whole batch. Only the first change after such a write can be it; any other
   * change (typing, an undo) clears the mark and is re-planned as usual.
   */
  isReload(doc: vscode.TextDocument): boolean {
    const expected = this.reloadExpected;
    this.reloadExpected = undefined;
    if (!expected || doc.isDirty) return false;
    const end = doc.lineAt(doc.lineCount - 1).range.end;
    return doc.offsetAt(end) === expected.length;
  }

  /** Is `text` one of our write-backs? Consumes the mark, so a later save of the same text is the user's. */
  is(text: string): boolean {
    const i = this.written.findIndex((w) => sameText(w, text));
    if (i < 0) return false;
    this.written.splice(i, 1);
    return true;
  }
}
