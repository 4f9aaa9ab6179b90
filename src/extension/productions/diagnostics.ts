// Validation issues of every production as Problems, at their line:column. A JSON syntax error is
// reported once: while the file is open and VS Code's own JSON validation is on, that is JSON's
// diagnostic, and Dailies adds none (it still marks the production invalid everywhere else).
import * as vscode from 'vscode';
import type { ProjectIssue } from '../../core/project/validate';
import { openDocument } from './documentIO';

export interface IssueAt {
  diagnostic: vscode.Diagnostic;
  issue: ProjectIssue;
}

export class ProjectDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('dailies');
  private readonly issues = new Map<string, { uri: vscode.Uri; issues: ProjectIssue[] }>();
  private readonly shown = new Map<string, IssueAt[]>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    const recheck = (doc: vscode.TextDocument) => {
      const known = this.issues.get(doc.uri.toString());
      if (known) this.show(known.uri, known.issues);
    };
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument(recheck),
      vscode.workspace.onDidCloseTextDocument(recheck),
    ];
  }

  set(uri: vscode.Uri, issues: ProjectIssue[]): void {
    this.issues.set(uri.toString(), { uri, issues });
    this.show(uri, issues);
  }

  /** The issue behind one of our diagnostics (for quick fixes), matched by range and message. */
  issueFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): ProjectIssue | undefined {
    return this.shown
      .get(uri.toString())
      ?.find(
        (s) => s.diagnostic.message === diagnostic.message && s.diagnostic.range.isEqual(diagnostic.range),
      )?.issue;
  }

  delete(uri: vscode.Uri): void {
    this.issues.delete(uri.toString());
    this.shown.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }

  private show(uri: vscode.Uri, issues: ProjectIssue[]): void {
    const jsonReportsSyntax = jsonValidates(uri);
    const shown = issues
      .filter((i) => !(i.code === 'syntax' && jsonReportsSyntax))
      .map((issue) => ({ issue, diagnostic: toDiagnostic(issue) }));
    this.shown.set(uri.toString(), shown);
    this.collection.set(
      uri,
      shown.map((s) => s.diagnostic),
    );
  }
}

function toDiagnostic(i: ProjectIssue): vscode.Diagnostic {
  const start = new vscode.Position(Math.max(0, i.line - 1), Math.max(0, i.column - 1));
  const end = i.value
    ? new vscode.Position(i.value.endLine - 1, i.value.endColumn - 1)
    : start.translate(0, 1);
  const d = new vscode.Diagnostic(
    new vscode.Range(start, end.isAfter(start) ? end : start.translate(0, 1)),
    `${i.path}: ${i.message}`,
    i.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  d.source = 'Dailies';
  if (i.code) d.code = i.code;
  return d;
}

/** Is the file open in a JSON editor whose language service reports syntax errors itself? */
function jsonValidates(uri: vscode.Uri): boolean {
  const doc = openDocument(uri);
  const open = doc?.languageId === 'json' || doc?.languageId === 'jsonc';
  return open && vscode.workspace.getConfiguration('json', uri).get<boolean>('validate.enable', true);
}
