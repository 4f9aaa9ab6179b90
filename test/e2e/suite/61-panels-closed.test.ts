// Closing the storyboard and metrics panels while a batch is running (issue 11, item 19): after close,
// nothing may reach the disposed webviews, so the host log stays free of "Webview is disposed".
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import { WebviewHost } from '../../../src/extension/webviews/webviewHost';
import { dailies, EXTENSION_ID, ensureRendered, example, summary, until } from './support/dailies';
import { hostLogSince, markHostLog } from './support/hostLog';

function dailiesWebviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter(
      (t) =>
        t.input instanceof vscode.TabInputWebview && /dailies\.(storyboard|metrics)$/.test(t.input.viewType),
    );
}

suite('Closing panels mid-render', () => {
  let api: DailiesApi;

  suiteSetup(async () => {
    api = await dailies();
    await ensureRendered(api);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('no "Webview is disposed" errors after the storyboard and metrics close during a batch', async () => {
    const mark = markHostLog();
    const file = example(api).file;
    await vscode.commands.executeCommand('dailies.openStoryboard');
    await vscode.commands.executeCommand('dailies.openMetrics');
    await until('both panels open', () => {
      const open = api.openPanels();
      return open.storyboards.includes(file) && open.metrics.includes(file);
    });
    // Force re-renders cost nothing with the draft provider and keep the batch busy for a few seconds.
    const shots = example(api)
      .shots.slice(0, 6)
      .map((s) => s.id);
    const batch = api.render({ file, shots, force: true });
    await until('the batch to be running', () => example(api).rendering, { seen: () => summary(api) });
    // Hide the storyboard behind an editor, show it again, then close both while the batch runs.
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('dailies.openStoryboard');
    // The tab model follows the workbench a moment later than the panels exist.
    await until('both webview tabs', () => dailiesWebviewTabs().length === 2);
    await vscode.window.tabGroups.close(dailiesWebviewTabs());
    await until('the panels to be gone', () => {
      const open = api.openPanels();
      return open.storyboards.length === 0 && open.metrics.length === 0;
    });
    assert.ok(example(api).rendering, 'the batch ended before the panels closed: the test proves nothing');
    const summaries = await batch;
    assert.equal(summaries[0]?.shots.rendered, shots.length);
    // Reopen and close once more after the batch, as a user does.
    await vscode.commands.executeCommand('dailies.openStoryboard');
    await until('the storyboard again', () => api.openPanels().storyboards.includes(file));
    await until('its tab', () => dailiesWebviewTabs().length === 1);
    await vscode.window.tabGroups.close(dailiesWebviewTabs());
    await until('the storyboard gone again', () => api.openPanels().storyboards.length === 0);
    const logged = await hostLogSince(mark);
    const disposed = logged.split('\n').filter((l) => /Webview is disposed/i.test(l));
    assert.deepEqual(disposed, [], `the host logged:\n${logged.slice(0, 4000)}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test("a closed panel's host ignores every later use instead of throwing", async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const mark = markHostLog();
    const panel = vscode.window.createWebviewPanel('dailies.e2e.probe', 'Probe', vscode.ViewColumn.Active, {
      enableScripts: true,
    });
    const host = new WebviewHost<Record<string, never>, { delta: unknown }>({
      panel,
      extensionUri: ext.extensionUri,
      view: 'storyboard',
      title: 'Probe',
      resourceRoots: [],
      handlers: {},
    });
    let disposedEvents = 0;
    host.onDidDispose(() => disposedEvents++);
    panel.dispose();
    assert.equal(disposedEvents, 1);
    // Each of these throws "Webview is disposed" when it reaches a disposed panel.
    assert.equal(host.visible, false);
    assert.equal(host.isClosed, true);
    assert.equal(host.asWebviewUri(ext.extensionUri), undefined);
    host.emit('delta', { from: 1, rev: 2 });
    host.reveal();
    host.close();
    const logged = await hostLogSince(mark);
    assert.deepEqual(
      logged.split('\n').filter((l) => /Webview is disposed/i.test(l)),
      [],
    );
  });
});
