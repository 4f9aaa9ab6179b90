import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import { dailies, editorCaughtUp, ensureRendered, example, statuses, until } from './support/dailies';
import { valueRange } from './support/projectText';
import { ui, uiAvailable } from './support/ui';

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Dailies');
}

function seen(uri: vscode.Uri): () => string[] {
  return () =>
    vscode.languages.getDiagnostics(uri).map((d) => `${d.source}@${d.range.start.line + 1}: ${d.message}`);
}

async function apply(doc: vscode.TextDocument, edits: { offset: number; length: number; text: string }[]) {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits)
    edit.replace(
      doc.uri,
      new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)),
      e.text,
    );
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');
}

/** Offset just after a shot's `"prompt": "…"` value: where a new property can be inserted. */
function afterPrompt(text: string, shotId: string): number {
  const r = valueRange(text, shotId, 'prompt');
  return r.offset + r.length;
}

suite('Every problem is a diagnostic at its line', () => {
  let api: DailiesApi;
  let doc: vscode.TextDocument;
  let original: string;

  suiteSetup(async function () {
    this.timeout(180_000);
    api = await dailies();
    await ensureRendered(api);
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(example(api).file));
    await vscode.window.showTextDocument(doc);
    await editorCaughtUp(doc);
    original = doc.getText();
  });

  // Back to the file on disk (the buffer is never saved by these tests), and nothing left reported.
  teardown(async function () {
    this.timeout(60_000);
    if (doc.getText() !== original) {
      await apply(doc, [{ offset: 0, length: doc.getText().length, text: original }]);
    }
    if (doc.isDirty) assert.ok(await doc.save(), 'project.json was not saved');
    await until(
      'no Dailies diagnostics and a valid production',
      () => ours(doc.uri).length === 0 && !example(api).problem,
      {
        seen: seen(doc.uri),
      },
    );
  });

  test('a ref outside the project, a missing one and a non-image reach Problems, the tree and the status bar', async () => {
    const root = path.dirname(doc.uri.fsPath);
    await fs.writeFile(path.join(root, 'notes.png'), 'not a picture');
    try {
      const text = doc.getText();
      const bad = { 's01-020': '../x.png', 's02-010': 'cast/nobody.png', 's03-020': 'notes.png' };
      await apply(
        doc,
        Object.entries(bad).map(([id, ref]) => ({
          offset: afterPrompt(text, id),
          length: 0,
          text: `, "refs": [${JSON.stringify(ref)}]`,
        })),
      );
      const found = await until(
        'three ref diagnostics',
        () => (ours(doc.uri).length === 3 ? ours(doc.uri) : undefined),
        {
          seen: seen(doc.uri),
        },
      );
      const now = doc.getText();
      for (const [id, ref] of Object.entries(bad)) {
        const d = found.find((x) => x.message.includes(ref));
        assert.ok(d, `no diagnostic names ${ref}`);
        assert.equal(
          d.range.start.line,
          doc.positionAt(now.indexOf(JSON.stringify(ref))).line,
          `${ref} line`,
        );
        assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
        assert.equal(statuses(api).get(id), 'invalid', `${id} is invalid`);
      }
      assert.match(found.find((x) => x.message.includes('../x.png'))!.message, /leaves the project folder/);
      assert.match(found.find((x) => x.message.includes('notes.png'))!.message, /not an image/);
      await until('the status bar to count 3 invalid shots', () => /· 3 invalid\b/.test(api.statusText()), {
        seen: () => api.statusText(),
      });
      assert.doesNotMatch(api.statusText(), /up to date/);
      if (uiAvailable()) {
        // For the screenshot tour in docs/: the three broken refs as the user sees them.
        await vscode.commands.executeCommand('workbench.actions.view.problems');
        await ui({ kind: 'screenshot', name: '16-broken-refs-in-problems' });
        await vscode.commands.executeCommand('workbench.action.closePanel');
      }
    } finally {
      await fs.rm(path.join(root, 'notes.png'), { force: true });
    }
  });

  test('a garbage line is reported once: by JSON, with Dailies marking the production invalid', async () => {
    const text = doc.getText();
    const at = text.indexOf('\n  "scenes"');
    await apply(doc, [{ offset: at, length: 0, text: '\n  this line is not json !!' }]);
    await until('the production to be invalid', () => example(api).problem, { seen: () => api.statusText() });
    const line = doc.positionAt(at + 1).line;
    const onLine = await until(
      'JSON to report the line',
      () => {
        const all = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.range.start.line === line);
        return all.some((d) => d.source !== 'Dailies') ? all : undefined;
      },
      { timeoutMs: 20_000, seen: seen(doc.uri) },
    );
    assert.deepEqual(
      ours(doc.uri).map((d) => d.message),
      [],
      'Dailies repeats a syntax error JSON already reports',
    );
    assert.ok(onLine.length >= 1);
    await until('the status bar to say so', () => api.statusText().includes('invalid project.json'), {
      seen: () => api.statusText(),
    });
  });

  test('a file that loses its "shots" key stays a production, shown as invalid', async () => {
    const text = doc.getText();
    const tree = parseTree(text)!;
    const shotsKey = findNodeAtLocation(tree, ['shots'])!.parent!.children![0]!;
    const marker = findNodeAtLocation(tree, ['dailies'])!.parent!;
    // Without the "dailies" marker too, nothing in the text says "production" any more.
    await apply(doc, [
      { offset: shotsKey.offset, length: shotsKey.length, text: '"shotz"' },
      { offset: marker.offset, length: text.indexOf('"title"') - marker.offset, text: '' },
    ]);
    await until('the production to be invalid', () => example(api).problem, {
      seen: () => api.productions(),
    });
    assert.equal(api.productions().length, 1, 'the production is still listed');
    const row = api.treeSnapshot().find((r) => r.contextValue === 'production');
    assert.equal(row?.description, 'invalid project.json');
    const d = await until('a Dailies diagnostic', () => ours(doc.uri)[0], { seen: seen(doc.uri) });
    assert.match(d.message, /"shots"/);
  });

  test('an unknown cast id has a quick fix that puts a known one', async () => {
    const text = doc.getText();
    const cast = valueRange(text, 's01-030', 'cast');
    const mara = text.indexOf('"mara"', cast.offset);
    await apply(doc, [{ offset: mara, length: '"mara"'.length, text: '"maar"' }]);
    const d = await until(
      'the unknown-cast diagnostic',
      () => ours(doc.uri).find((x) => x.code === 'unknown-cast'),
      {
        seen: seen(doc.uri),
      },
    );
    assert.match(d.message, /unknown cast member "maar" \(did you mean "mara"\?\)/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === 'Change to cast member "mara"');
    assert.ok(fix?.edit, `no fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.isPreferred, true);
    assert.ok(
      actions.some((a) => a.title === 'Change to cast member "ilya"'),
      'every known id is offered',
    );
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the fix did not apply');
    assert.equal(doc.getText(), original, 'the fix restores the known id, nothing else');
    await until('the diagnostic to go', () => ours(doc.uri).length === 0, { seen: seen(doc.uri) });
  });

  test('an unknown model has a quick fix that puts a known one', async () => {
    const text = doc.getText();
    const model = valueRange(text, 's01-095', 'model');
    assert.equal(text.slice(model.offset, model.offset + model.length), '"draft/video"');
    await apply(doc, [{ offset: model.offset, length: model.length, text: '"draft/vidoe"' }]);
    const d = await until(
      'the unknown-model diagnostic',
      () => ours(doc.uri).find((x) => x.code === 'unknown-model'),
      { seen: seen(doc.uri) },
    );
    assert.match(d.message, /unknown model "draft\/vidoe" \(did you mean "draft\/video"\?\)/);
    assert.equal(d.range.start.line, doc.positionAt(model.offset).line, 'reported at the model’s line');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === 'Change to model "draft/video"');
    assert.ok(fix?.edit, `no fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the fix did not apply');
    assert.equal(doc.getText(), original, 'the fix restores the known model, nothing else');
    await until('the diagnostic to go', () => ours(doc.uri).length === 0, { seen: seen(doc.uri) });
  });
});
