// Quick fixes on Dailies' own diagnostics where the fix is obvious: an unknown cast id, scene id,
// model or review status is replaced by one the project (or the registry) knows, closest spelling first.
import * as vscode from 'vscode';
import type { ProjectDiagnostics } from './diagnostics';

const FIXABLE = new Set(['unknown-cast', 'unknown-scene', 'unknown-model', 'unknown-shot', 'review-status']);
const NOUN: Record<string, string> = {
  'unknown-cast': 'cast member',
  'unknown-scene': 'scene',
  'unknown-model': 'model',
  'review-status': 'review status',
  'unknown-shot': 'still shot',
};

export class DailiesQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: ProjectDiagnostics) {}

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'Dailies' || !FIXABLE.has(String(diagnostic.code))) continue;
      const issue = this.diagnostics.issueFor(document.uri, diagnostic);
      if (!issue?.value || !issue.suggestions?.length || !issue.code) continue;
      const at = new vscode.Range(
        issue.value.line - 1,
        issue.value.column - 1,
        issue.value.endLine - 1,
        issue.value.endColumn - 1,
      );
      // The text may have moved since the last validation: only replace what is still a string there.
      if (!isJsonString(document.getText(at))) continue;
      const likely = /did you mean/.test(issue.message);
      issue.suggestions.forEach((value, i) => {
        const action = new vscode.CodeAction(
          `Change to ${NOUN[issue.code!] ?? 'value'} "${value}"`,
          vscode.CodeActionKind.QuickFix,
        );
        action.diagnostics = [diagnostic];
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, at, JSON.stringify(value));
        action.isPreferred = likely && i === 0;
        actions.push(action);
      });
    }
    return actions;
  }
}

function isJsonString(text: string): boolean {
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2) return false;
  try {
    return typeof JSON.parse(text) === 'string';
  } catch {
    return false;
  }
}
