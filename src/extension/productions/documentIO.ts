// Where the engine reads and writes project.json inside VS Code. When the file is open with unsaved
// changes, results go into the editor as a WorkspaceEdit (the user's undo history and pending edits stay
// intact, no "file changed on disk" conflict); otherwise to disk, atomically.
import * as vscode from 'vscode';
import type { TextEdit } from '../../core/project/edit';
import { FileProjectIO, type ProjectIO, type WriteOutcome } from '../../core/project/write';

export class DocumentAwareIO implements ProjectIO {
  private readonly file: FileProjectIO;

  constructor(private readonly uri: vscode.Uri) {
    this.file = new FileProjectIO(uri.fsPath);
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.file.withLock(fn);
  }

  private dirtyDocument(): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.uri.toString() && d.isDirty);
  }

  async read(): Promise<string> {
    return this.dirtyDocument()?.getText() ?? this.file.read();
  }

  async write(before: string, after: string, edits: TextEdit[]): Promise<WriteOutcome> {
    const doc = this.dirtyDocument();
    if (!doc) return this.file.write(before, after);
    const current = doc.getText();
    if (current !== before) return { ok: false, current };
    const edit = new vscode.WorkspaceEdit();
    if (edits.length) {
      for (const e of edits)
        edit.replace(
          this.uri,
          new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)),
          e.content,
        );
    } else {
      edit.replace(this.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(current.length)), after);
    }
    const applied = await vscode.workspace.applyEdit(edit);
    return applied ? { ok: true } : { ok: false, current: doc.getText() };
  }
}
