// Issue 10 item 15 and issue 11 item 9: before any cloud spend, from any surface, one confirmation that
// shows the estimate; "no" sends nothing. The storyboard's Force re-render used to skip it. Every surface
// is driven for real (the UI servant clicks the storyboard and answers the dialog) against the fal fake.
import * as assert from 'node:assert/strict';
import { setup, suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import { dailies, until } from './support/dailies';
import { E2E_FAL_KEY, fakesAvailable, fakeUrl, received, resetFake } from './support/fakes';
import { type Lab, makeLab, UserSettings, writeWorkspaceSettings } from './support/lab';
import { ui, uiAvailable } from './support/ui';

const submits = async () => (await received('fal')).filter((r) => r.route === 'submit');

suite('Spending needs a yes, from every surface (fal fake)', () => {
  let api: DailiesApi;
  let lab: Lab;
  const settings = new UserSettings();
  const status = (id: string) => lab.info().shots.find((s) => s.id === id)?.status;
  const idle = () => until('the lab to stop rendering', () => !lab.info().rendering, { timeoutMs: 60_000 });

  suiteSetup(async function () {
    if (!uiAvailable() || !fakesAvailable()) return this.skip();
    api = await dailies();
    process.env['FAL_KEY'] = E2E_FAL_KEY;
    await settings.set('dailies.defaultProvider', 'auto');
    await settings.set('dailies.baseUrl.fal', fakeUrl('fal'));
    await settings.set('dailies.draft.latencyMs', 0);
    lab = await makeLab(api, 'lab-spend', [
      { id: 'sp-010', model: 'fal-ai/flux/schnell' },
      { id: 'sp-020', model: 'fal-ai/flux/schnell', variations: 2 },
    ]);
  });

  setup(async function () {
    if (!lab) return this.skip();
    await resetFake('fal');
  });

  suiteTeardown(async () => {
    await lab?.dispose();
    await settings.restore();
    delete process.env['FAL_KEY'];
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test("the storyboard's Force re-render asks with the estimate; Cancel sends nothing", async () => {
    await vscode.window.showTextDocument(vscode.Uri.file(lab.file));
    await vscode.commands.executeCommand('dailies.openStoryboard');
    await ui({ kind: 'storyboard', select: ['sp-010'], button: 'force' });
    const dialog = await ui({ kind: 'dialog', click: null, screenshot: '10-spend-confirmation' });
    assert.match(dialog.text ?? '', /Force re-render 1 variation of 1 shot on fal\.ai, about \$0\.003\?/);
    assert.match(dialog.text ?? '', /Uploads: \d+ new reference/);
    assert.match(dialog.text ?? '', /fal-ai\/flux\/schnell: 1 × \$0\.003 = \$0\.003/);
    await idle();
    assert.deepEqual(await received('fal'), [], 'fal was called although the spend was not confirmed');
    assert.equal(status('sp-010'), 'not-rendered');
  });

  test('…and Re-render renders that shot alone, through fal', async () => {
    await ui({ kind: 'storyboard', select: ['sp-010'], button: 'force' });
    await ui({ kind: 'dialog', click: 'Re-render' });
    await until('sp-010 rendered', () => status('sp-010') === 'done', {
      timeoutMs: 60_000,
      seen: () => lab.info().shots.map((s) => [s.id, s.status, s.reason]),
    });
    const sent = await submits();
    assert.equal(sent.length, 1, `${sent.length} submits`);
    assert.equal(status('sp-020'), 'not-rendered');
  });

  const declined = async (what: string, trigger: () => void, expected: RegExp) => {
    trigger();
    const dialog = await ui({ kind: 'dialog', click: null });
    assert.match(dialog.text ?? '', expected, `${what}: ${dialog.text}`);
    await idle();
    assert.deepEqual(await received('fal'), [], `${what}: fal was called without a yes`);
  };

  test('Render All Shots from the palette asks', async () => {
    await declined(
      'Render All',
      () => void vscode.commands.executeCommand('dailies.renderAll'),
      /Render 2 variations of 1 shot on fal\.ai, about \$0\.006\?/,
    );
  });

  test('Force Re-render from the palette asks, for the shot selected in the tree', async () => {
    await ui({ kind: 'treeSelect', labels: ['sp-020'] });
    await declined(
      'Force Re-render (tree selection)',
      () => void vscode.commands.executeCommand('dailies.forceRender'),
      /Force re-render 2 variations of 1 shot on fal\.ai/,
    );
  });

  test('renderOnSave asks before the render a save starts', async () => {
    await settings.set('dailies.renderOnSave', true);
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(lab.file));
      await vscode.window.showTextDocument(doc);
      const text = doc.getText();
      const at = text.indexOf('Lab shot 2');
      assert.ok(at > 0);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, doc.positionAt(at + 'Lab shot 2'.length), ', rain');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await declined('renderOnSave', () => void doc.save(), /Render 2 variations of 1 shot on fal\.ai/);
    } finally {
      await settings.set('dailies.renderOnSave', false);
    }
  });

  test('the extension API asks too', async () => {
    let result: unknown;
    await declined(
      'api.render',
      () => {
        api.render({ file: lab.file }).then((r) => {
          result = r;
        });
      },
      /Render 2 variations of 1 shot on fal\.ai/,
    );
    await until('api.render to resolve', () => result !== undefined);
    assert.deepEqual(result, [], 'a declined render has no summary');
  });

  test('a workspace can lower dailies.confirmSpendAboveUsd but never raise it', async () => {
    await settings.set('dailies.confirmSpendAboveUsd', 0.001);
    const undo = await writeWorkspaceSettings({ 'dailies.confirmSpendAboveUsd': 1000 });
    try {
      await declined(
        'threshold raised by the workspace',
        () => void api.render({ file: lab.file }),
        /Render 2 variations/,
      );
    } finally {
      await undo();
    }
  });

  test('below dailies.confirmSpendAboveUsd a batch starts without asking', async () => {
    await settings.set('dailies.confirmSpendAboveUsd', 1);
    try {
      // Were a dialog shown, this render would wait on it and never resolve.
      const [summary] = await api.render({ file: lab.file });
      assert.equal(summary?.shots.rendered, 1, JSON.stringify(summary));
      assert.equal((await submits()).length, 2);
    } finally {
      await settings.set('dailies.confirmSpendAboveUsd', undefined);
    }
  });
});
