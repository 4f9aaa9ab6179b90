// Runs last: it takes the example's project.json away for a moment.
// Issue 11 item 21: the example's project.json is validated by the schema the extension contributes
// (jsonValidation), not by a "$schema" path that breaks once the folder is copied.
// Issue 11 item 20: with no production in the workspace (only an Nx project.json), the Shots view and its
// title buttons are hidden (context key dailies.hasProduction), and come back with a production.
import * as assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import { dailies, editorCaughtUp, example, until } from './support/dailies';

function jsonDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source !== 'Dailies');
}

suite('Schema from the extension, not from a path', () => {
  let api: DailiesApi;

  suiteSetup(async () => {
    api = await dailies();
  });

  test('the copied example has no "$schema" path and gets the contributed schema without warnings', async () => {
    const uri = vscode.Uri.file(example(api).file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await editorCaughtUp(doc);
    assert.doesNotMatch(doc.getText(), /"\$schema"\s*:\s*"\.\.?\//, 'a relative $schema path is back');
    // Prove the contributed schema is in force: an invalid aspect ratio must draw the JSON validator's error.
    const text = doc.getText();
    const at = text.indexOf('"aspectRatio"');
    assert.ok(at >= 0);
    const valueStart = text.indexOf('"', text.indexOf(':', at));
    const valueEnd = text.indexOf('"', valueStart + 1) + 1;
    const original = text.slice(valueStart, valueEnd);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(valueStart), doc.positionAt(valueEnd)), '"wide"');
    assert.ok(await vscode.workspace.applyEdit(edit));
    try {
      await until(
        "the JSON validator's pattern error from the contributed schema",
        () => jsonDiagnostics(uri).some((d) => /pattern/i.test(d.message)),
        { timeoutMs: 20_000, seen: () => jsonDiagnostics(uri).map((d) => d.message) },
      );
      const loading = jsonDiagnostics(uri).filter((d) => /schema|load|resolve/i.test(d.message));
      assert.deepEqual(
        loading.map((d) => d.message),
        [],
      );
    } finally {
      const undo = new vscode.WorkspaceEdit();
      undo.replace(
        uri,
        new vscode.Range(doc.positionAt(valueStart), doc.positionAt(valueStart + '"wide"'.length)),
        original,
      );
      assert.ok(await vscode.workspace.applyEdit(undo));
      assert.ok(await doc.save());
    }
  });
});

suite('Workspace without a production', () => {
  let api: DailiesApi;

  suiteSetup(async () => {
    api = await dailies();
  });

  test('the Shots view hides while only an Nx project.json is left, and returns with the production', async () => {
    const file = example(api).file;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('dailies.shots.focus');
    await until('the Shots view to be visible', () => api.shotsView().visible);
    const away = `${file}.away`;
    renameSync(file, away);
    try {
      await until('no production left', () => api.productions().length === 0, {
        seen: () => api.productions().map((p) => p.file),
      });
      await until('the Shots view to hide', () => !api.shotsView().visible, { seen: () => api.shotsView() });
    } finally {
      renameSync(away, file);
    }
    await until('the production back', () => api.productions().length === 1);
    await vscode.commands.executeCommand('dailies.shots.focus');
    await until('the Shots view visible again', () => api.shotsView().visible);
  });
});
