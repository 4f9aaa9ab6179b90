// Validation issues of every production as Problems, at their line:column.
import * as vscode from 'vscode';
import type { ProjectIssue } from '../../core/project/validate';

export class ProjectDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('dailies');

  set(uri: vscode.Uri, issues: ProjectIssue[]): void {
    this.collection.set(
      uri,
      issues.map((i) => {
        const pos = new vscode.Position(Math.max(0, i.line - 1), Math.max(0, i.column - 1));
        const d = new vscode.Diagnostic(
          new vscode.Range(pos, pos.translate(0, 1)),
          `${i.path}: ${i.message}`,
          i.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        d.source = 'Dailies';
        return d;
      }),
    );
  }

  delete(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
