import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { dailies, editorCaughtUp, example, until } from './support/dailies';
import { valueRange } from './support/projectText';

const SHOT = 's01-010';

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Dailies');
}

async function replace(
  doc: vscode.TextDocument,
  offset: number,
  length: number,
  text: string,
): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');
}

/** Types `"variations": 99` into the buffer (unsaved, as while typing) and waits for Dailies' report. */
async function typeError(
  doc: vscode.TextDocument,
): Promise<{ offset: number; original: string; line: number }> {
  assert.deepEqual(ours(doc.uri), [], 'Dailies diagnostics before the error was typed');
  const { offset, length } = valueRange(doc.getText(), SHOT, 'variations');
  const original = doc.getText().slice(offset, offset + length);
  await replace(doc, offset, length, '99');
  return { offset, original, line: doc.positionAt(offset).line };
}

function seen(doc: vscode.TextDocument): () => string[] {
  return () =>
    vscode.languages.getDiagnostics(doc.uri).map((d) => `${d.source}@${d.range.start.line}: ${d.message}`);
}

suite('Schema errors while typing', () => {
  let doc: vscode.TextDocument;

  suiteSetup(async () => {
    const api = await dailies();
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(example(api).file));
    await vscode.window.showTextDocument(doc);
    await editorCaughtUp(doc);
  });

  test('"variations": 99 is reported on its line, and the report goes once it is fixed', async () => {
    const api = await dailies();
    const typed = await typeError(doc);
    try {
      const found = await until('a Dailies diagnostic', () => ours(doc.uri)[0], { seen: seen(doc) });
      assert.equal(
        found.range.start.line,
        typed.line,
        `reported on line ${found.range.start.line + 1}, not ${typed.line + 1}`,
      );
      assert.equal(found.severity, vscode.DiagnosticSeverity.Error);
      assert.match(found.message, /variations/);
      assert.ok(example(api).problem, 'the production is not marked invalid');
    } finally {
      await replace(doc, typed.offset, 2, typed.original);
    }
    await until('the Dailies diagnostic to go', () => ours(doc.uri).length === 0, { seen: seen(doc) });
    assert.ok(await doc.save(), 'project.json was not saved');
    assert.equal(example(api).problem, undefined);
    await until(
      'the status bar to leave "invalid project.json"',
      () => api.statusText().includes('up to date'),
      {
        timeoutMs: 5000,
        seen: () => [api.statusText(), example(api).problem],
      },
    );
  });

  // The fixed text equals Dailies' last write-back (04-edit's Render Selected made one): the save must
  // still re-plan, not be taken for Dailies' own write.
  test('fixing and saving at once (undo, then save) clears the report too', async () => {
    const typed = await typeError(doc);
    await until('a Dailies diagnostic', () => ours(doc.uri)[0], { seen: seen(doc) });
    await replace(doc, typed.offset, 2, typed.original);
    assert.ok(await doc.save(), 'project.json was not saved');
    await until('the Dailies diagnostic to go', () => ours(doc.uri).length === 0, { seen: seen(doc) });
  });
});
