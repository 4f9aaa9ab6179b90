// Issue 11 item 9 (the rest): the status bar item opens a small menu (storyboard, metrics, cancel while
// rendering, log), and a longer batch shows a progress notification whose Cancel stops it.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import type { BatchSummary } from '../../../src/shared/events';
import { dailies, until } from './support/dailies';
import { type Lab, makeLab, UserSettings } from './support/lab';
import { ui, uiAvailable } from './support/ui';

suite('Status bar menu and the cancellable progress notification', () => {
  let api: DailiesApi;
  const settings = new UserSettings();
  let lab: Lab | undefined;

  suiteSetup(async function () {
    if (!uiAvailable()) return this.skip();
    api = await dailies();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    await lab?.dispose();
    await settings.restore();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('clicking the status bar item offers the storyboard, metrics and the log', async () => {
    assert.equal(api.productions().length, 1, 'an earlier suite left a production behind');
    await ui({ kind: 'statusBar' });
    const menu = await ui({ kind: 'quickpick', pick: ['Open Metrics'] });
    // A row's accessible label starts with its icon's name ("layout  Open Storyboard").
    const labels = (menu.rows ?? []).map((r) => r.replace(/^\$?\(?[\w-]+\)?\s{2,}/, '').trim());
    assert.deepEqual(labels, ['Open Storyboard', 'Open Metrics', 'Show Log']);
    await until('the metrics panel to open', () => api.openPanels().metrics.length > 0);
  });

  test('a long batch shows a progress notification; its Cancel stops the batch', async () => {
    await settings.set('dailies.draft.latencyMs', 4000);
    lab = await makeLab(
      api,
      'lab-progress',
      ['pg-010', 'pg-020', 'pg-030', 'pg-040'].map((id) => ({ id })),
      { limits: { light: 1 } },
    );
    let result: BatchSummary[] | undefined;
    api.render({ file: lab.file }).then((r) => {
      result = r;
    });
    await until('the batch to start', () => lab?.info().rendering === true);
    await ui({ kind: 'statusBar' });
    const menu = await ui({ kind: 'quickpick', pick: null });
    assert.ok(
      menu.rows?.some((r) => r.includes('Cancel Rendering')),
      `while rendering the menu offers Cancel: ${JSON.stringify(menu.rows)}`,
    );
    const toast = await ui({
      kind: 'notification',
      containing: 'Dailies: rendering Lab lab-progress',
      click: 'Cancel',
      screenshot: '14-progress-notification',
    });
    assert.match(toast.text ?? '', /\d+\/4 variations/);
    await until('the render to end', () => result !== undefined, { timeoutMs: 60_000 });
    const [summary] = result ?? [];
    assert.ok(summary && summary.shots.canceled > 0, JSON.stringify(summary?.shots));
    assert.ok(summary.shots.rendered < 4);
  });
});
