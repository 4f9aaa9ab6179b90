// Where the engine reads and writes project.json inside VS Code. When the file is open with unsaved
// changes, results go into the editor as a WorkspaceEdit (the user's undo history and pending edits stay
// intact, no "file changed on disk" conflict); otherwise to disk, atomically, through the same
// FileProjectIO as the CLI — with its memory of the file, so a flush there costs no more than in the CLI.
import * as vscode from 'vscode';
import type { TextEdit } from '../../core/project/edit';
import {
  FileProjectIO,
  type ProjectIO,
  type Text,
  textOf,
  type WriteOptions,
  type WriteOutcome,
} from '../../core/project/write';

/** The file's document, when VS Code has it open (in an editor or not). */
export function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}

export class DocumentAwareIO implements ProjectIO {
  private readonly file: FileProjectIO;

  constructor(private readonly uri: vscode.Uri) {
    this.file = new FileProjectIO(uri.fsPath);
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.file.withLock(fn);
  }

  private dirtyDocument(): vscode.TextDocument | undefined {
    const doc = openDocument(this.uri);
    return doc?.isDirty ? doc : undefined;
  }

  async read(): Promise<string> {
    return this.dirtyDocument()?.getText() ?? this.file.read();
  }

  /** What the file holds, known without reading it; never while an editor holds unsaved changes. */
  async known(): Promise<Text | undefined> {
    return this.dirtyDocument() ? undefined : this.file.known();
  }

  applied(base: Text, edits: readonly TextEdit[]): Text | undefined {
    // Made from the file's remembered bytes, and only for the very text the file IO last had.
    return this.file.applied(base, edits);
  }

  forget(): void {
    this.file.forget();
  }

  async write(before: Text, after: Text, edits: TextEdit[], options?: WriteOptions): Promise<WriteOutcome> {
    const doc = this.dirtyDocument();
    if (!doc) return this.file.write(before, after, edits, options);
    const current = doc.getText();
    if (current !== textOf(before)) return { ok: false, current };
    const edit = new vscode.WorkspaceEdit();
    if (edits.length) {
      for (const e of edits)
        edit.replace(
          this.uri,
          new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)),
          e.content,
        );
    } else {
      edit.replace(
        this.uri,
        new vscode.Range(doc.positionAt(0), doc.positionAt(current.length)),
        textOf(after),
      );
    }
    const applied = await vscode.workspace.applyEdit(edit);
    return applied ? { ok: true } : { ok: false, current: doc.getText() };
  }
}
