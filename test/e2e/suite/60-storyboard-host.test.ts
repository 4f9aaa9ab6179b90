// The storyboard's host side in a real VS Code (issue 11, items 17 and 18): what its webview's requests
// do in the workbench. The webview's own clicks are covered in test/webview; here each request goes to
// the panel's handlers exactly as the webview would send it (api.storyboardRequest).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import {
  dailies,
  editorCaughtUp,
  ensureRendered,
  example,
  statuses,
  summary,
  until,
} from './support/dailies';
import { shotValue, valueRange } from './support/projectText';
import { ui, uiAvailable } from './support/ui';

/** One-variation shots of the example, so re-renders are quick. */
const SHOT_A = 's01-020';
const SHOT_B = 's02-010';
const STALE_SHOT = 's03-010';

function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
}

function isStoryboardTab(tab: vscode.Tab | undefined): boolean {
  return tab?.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('dailies.storyboard');
}

function tabUri(tab: vscode.Tab): vscode.Uri | undefined {
  const input = tab.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return undefined;
}

/** Tabs showing a rendered image of the example (renders/…). */
function imageTabs(): vscode.Tab[] {
  return allTabs().filter((t) => tabUri(t)?.path.includes('/renders/'));
}

async function openStoryboard(api: DailiesApi): Promise<string> {
  const file = example(api).file;
  await vscode.commands.executeCommand('dailies.openStoryboard');
  await until('the storyboard panel', () => api.openPanels().storyboards.includes(file));
  await until('the storyboard to be the active tab', () =>
    isStoryboardTab(vscode.window.tabGroups.activeTabGroup.activeTab),
  );
  return file;
}

suite('Storyboard requests in the workbench', () => {
  let api: DailiesApi;

  suiteSetup(async () => {
    api = await dailies();
    await ensureRendered(api);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('opening images reuses one preview tab beside the storyboard, and the storyboard keeps focus', async () => {
    const file = await openStoryboard(api);
    for (const shotId of [SHOT_A, SHOT_B, SHOT_A]) {
      const answer = await api.storyboardRequest(file, 'openImage', { shotId });
      assert.deepEqual(answer, { opened: true });
      await until(`the image of ${shotId} in a tab`, () =>
        imageTabs().some((t) => tabUri(t)?.path.includes(`/renders/${shotId}/`)),
      );
      const images = imageTabs();
      assert.equal(images.length, 1, `image tabs: ${images.map((t) => t.label).join(', ')}`);
      assert.equal(images[0]?.isPreview, true, 'the image tab is not a preview tab');
      assert.ok(
        isStoryboardTab(vscode.window.tabGroups.activeTabGroup.activeTab),
        `the active tab is ${vscode.window.tabGroups.activeTabGroup.activeTab?.label}, not the storyboard`,
      );
      assert.notEqual(
        images[0]?.group,
        vscode.window.tabGroups.activeTabGroup,
        'the image opened over the storyboard instead of beside it',
      );
    }
  });

  test('Copy Prompt puts the whole prompt on the clipboard', async () => {
    const file = await openStoryboard(api);
    const prompt = example(api).shots.find((s) => s.id === SHOT_B)?.prompt;
    assert.ok(prompt);
    await vscode.env.clipboard.writeText('');
    assert.deepEqual(await api.storyboardRequest(file, 'copyPrompt', { shotId: SHOT_B }), { copied: true });
    assert.equal(await vscode.env.clipboard.readText(), prompt);
  });

  test('Reveal in Tree selects the shot in the Shots view', async () => {
    const file = await openStoryboard(api);
    assert.deepEqual(await api.storyboardRequest(file, 'revealInTree', { shotId: SHOT_A }), {
      revealed: true,
    });
    await until(
      `${SHOT_A} selected in a visible Shots view`,
      () => {
        const view = api.shotsView();
        return view.visible && view.selection.length === 1 && view.selection[0]!.endsWith(`:${SHOT_A}`);
      },
      { seen: () => api.shotsView() },
    );
  });

  test('only the two whole-project render commands can be run from the webview', async () => {
    const file = await openStoryboard(api);
    const before = vscode.workspace.textDocuments.filter((d) => d.isUntitled).length;
    await assert.rejects(
      api.storyboardRequest(file, 'runCommand', { command: 'workbench.action.files.newUntitledFile' }),
      /not allowed|unknown/i,
    );
    await assert.rejects(api.storyboardRequest(file, 'runCommand', { command: 'dailies.forceRender' }));
    assert.equal(vscode.workspace.textDocuments.filter((d) => d.isUntitled).length, before);
  });

  test('a page gets the first screen of shots it asks for, then the rest when it asks for more', async () => {
    const file = await openStoryboard(api);
    const total = example(api).shots.length;
    const rows = (answer: unknown) => (JSON.parse((answer as { shots: string }).shots) as unknown[]).length;
    const paged = (await api.storyboardRequest(file, 'ready', { clientId: 'e2e', first: 5 })) as {
      more?: number;
    };
    assert.equal(rows(paged), 5);
    assert.equal(paged.more, total - 5);
    assert.deepEqual(await api.storyboardRequest(file, 'more', {}), {});
    // A first that is not a number asks for the whole board.
    const whole = (await api.storyboardRequest(file, 'ready', { clientId: 'e2e', first: 'all' })) as {
      more?: number;
    };
    assert.equal(rows(whole), total);
    assert.equal(whole.more, undefined);
    // The webview itself now holds another revision: it takes a fresh snapshot at the next change.
  });

  test('a hover on a rendered shot row shows its thumbnail', () => {
    const rows = api.treeSnapshot().filter((i) => i.contextValue?.startsWith('shot.'));
    const row = rows.find((r) => r.label === SHOT_A);
    assert.ok(row?.tooltip, `no tooltip on ${SHOT_A}`);
    const image = /!\[[^\]]*\]\(([^)|\s]+)/.exec(row.tooltip)?.[1];
    assert.ok(image, `the tooltip has no image: ${row.tooltip}`);
    const uri = vscode.Uri.parse(image);
    assert.match(uri.path, new RegExp(`/renders/${SHOT_A}/[^/]+\\.thumb\\.webp$`));
    const root = path.dirname(example(api).file);
    assert.ok(uri.fsPath.startsWith(root), `${uri.fsPath} is outside ${root}`);
  });

  test('a stale shot keeps its old thumbnail in the tree, dimmed; Render Stale from the storyboard renders it', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(example(api).file));
    await editorCaughtUp(doc);
    const text = doc.getText();
    const { offset, length } = valueRange(text, STALE_SHOT, 'prompt');
    const prompt = shotValue(text, STALE_SHOT, 'prompt');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      doc.uri,
      new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + length)),
      JSON.stringify(`${String(prompt)} Rain streaks the window.`),
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    await until(`${STALE_SHOT} to go stale`, () => statuses(api).get(STALE_SHOT) === 'stale', {
      seen: () => summary(api),
    });
    await until(
      `the tree icon of ${STALE_SHOT} to be its dimmed thumbnail`,
      () =>
        /^file:[0-9a-f]{32}\.webp$/.test(api.treeSnapshot().find((i) => i.label === STALE_SHOT)?.icon ?? ''),
      { seen: () => api.treeSnapshot().find((i) => i.label === STALE_SHOT)?.icon },
    );
    if (uiAvailable()) await ui({ kind: 'screenshot', name: '15-edited-shot-goes-stale' });

    const file = await openStoryboard(api);
    assert.deepEqual(await api.storyboardRequest(file, 'runCommand', { command: 'dailies.renderStale' }), {
      started: true,
    });
    await until(
      `${STALE_SHOT} re-rendered by Render Stale`,
      () => statuses(api).get(STALE_SHOT) === 'done' && !example(api).rendering,
      { timeoutMs: 60_000, everyMs: 200, seen: () => summary(api) },
    );
    await editorCaughtUp(doc);
  });
});
