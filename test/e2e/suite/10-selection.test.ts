// Issue 11 item 7: "Render Selected Shot(s)" and "Force Re-render" from the palette act on what the user
// selected last — in the Shots tree, in a storyboard, or the shot under the cursor — and with nothing
// selected they ask. (They used to take a whole production: "2 of 24 shots", or all 24 re-rendered.)
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import { dailies, until } from './support/dailies';
import { type Lab, makeLab, UserSettings } from './support/lab';
import { renderedAt, valueRange } from './support/projectText';
import { ui, uiAvailable } from './support/ui';

const IDS = ['sl-010', 'sl-020', 'sl-030', 'sl-040'];

suite('Selected means selected (palette commands)', () => {
  let api: DailiesApi;
  let lab: Lab;
  const settings = new UserSettings();

  /** Runs a palette command (not awaited: it may wait on UI) and returns the shots it re-rendered. */
  const rerendered = async (trigger: () => Promise<unknown>, expected: number): Promise<string[]> => {
    const before = renderedAt(lab.file);
    let failure: unknown;
    vscode.commands.executeCommand('dailies.forceRender').then(undefined, (err: unknown) => {
      failure = err;
    });
    await trigger();
    const changed = () =>
      [...renderedAt(lab.file)].filter(([id, at]) => at !== before.get(id)).map(([id]) => id);
    await until(
      `${expected} shot(s) re-rendered`,
      () => {
        if (failure) throw failure;
        return changed().length >= expected && !lab.info().rendering;
      },
      { timeoutMs: 60_000, seen: () => [changed(), lab.info().rendering] },
    );
    return changed();
  };

  suiteSetup(async function () {
    if (!uiAvailable()) return this.skip();
    api = await dailies();
    await settings.set('dailies.draft.latencyMs', 0);
    // What the selection tracker decides is in the log at debug: the first thing to read when this fails.
    await settings.set('dailies.logLevel', 'debug');
    lab = await makeLab(
      api,
      'lab-select',
      IDS.map((id) => ({ id })),
    );
    await api.render({ file: lab.file });
    await until(
      'the lab rendered',
      () => lab.info().shots.every((s) => s.status === 'done' || s.status === 'cached'),
      {
        timeoutMs: 60_000,
      },
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await lab?.dispose();
    await settings.restore();
  });

  test('with nothing selected, Force Re-render asks which shots (after which production)', async () => {
    const changed = await rerendered(async () => {
      const production = await ui({ kind: 'quickpick', pick: [lab.title] });
      assert.ok(
        production.rows?.some((r) => r.includes(lab.title)),
        JSON.stringify(production.rows),
      );
      const shots = await ui({ kind: 'quickpick', pick: ['sl-040'], screenshot: '11-pick-shots' });
      assert.deepEqual(
        shots.rows?.map((r) => r.split(/[\s,]/)[0]),
        IDS,
        `the shots of ${lab.title} are offered`,
      );
    }, 1);
    assert.deepEqual(changed, ['sl-040']);
  });

  test('one shot selected in the Shots tree: only that one', async () => {
    await ui({ kind: 'treeSelect', labels: ['sl-020'] });
    assert.deepEqual(await rerendered(async () => undefined, 1), ['sl-020']);
  });

  test('two shots selected in the tree: those two', async () => {
    await ui({ kind: 'treeSelect', labels: ['sl-010', 'sl-030'] });
    assert.deepEqual((await rerendered(async () => undefined, 2)).sort(), ['sl-010', 'sl-030']);
  });

  test("a storyboard's selection, when it is the latest", async () => {
    await vscode.window.showTextDocument(vscode.Uri.file(lab.file));
    await vscode.commands.executeCommand('dailies.openStoryboard');
    await ui({ kind: 'storyboard', select: ['sl-030'] });
    // The webview reports its selection to the host by message: wait for it rather than for a fixed time.
    await until(
      'the storyboard selection to reach the host',
      () => api.paletteSelection()?.join() === 'sl-030',
      {
        seen: () => api.paletteSelection(),
      },
    );
    assert.deepEqual(await rerendered(async () => undefined, 1), ['sl-030']);
  });

  test('the shot under the cursor in project.json, when that is the latest', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(lab.file));
    const editor = await vscode.window.showTextDocument(doc);
    const at = doc.positionAt(valueRange(doc.getText(), 'sl-010', 'prompt').offset + 1);
    editor.selection = new vscode.Selection(at, at);
    assert.deepEqual(await rerendered(async () => undefined, 1), ['sl-010']);
  });
});
