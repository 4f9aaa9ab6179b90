// The review loop inside a real VS Code (issue 13): render, circle a take, request changes with a note,
// edit the prompt, re-render (pending again, the note kept), compare the two versions in the take viewer,
// restore the old one (files from the store, prompt back as one undoable edit, no render at all).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import type { RenderEvent } from '../../../src/shared/events';
import type { ActionResult, ViewerShot } from '../../../src/shared/viewerProtocol';
import { dailies, editorCaughtUp, ensureRendered, example, summary, until } from './support/dailies';
import { shotValue, valueRange } from './support/projectText';
import { type Answered, ui, uiAvailable } from './support/ui';

/** Three takes, and no other suite touches it. */
const SHOT = 's01-050';
const NOTE = 'Warmer lamps; lose the figure on the left.';
/** Three takes, circled from the tree's context menu; no other suite or UI check touches it. */
const TREE_SHOT = 's02-020';
/** Three takes, circled from the palette; no other suite or UI check touches it. */
const PALETTE_SHOT = 's03-050';

/**
 * Accepts the row of an open quick pick (as the servant read it) that contains `text`, with the workbench's
 * own quick input commands: the keyboard's path, with no click to race the list's rendering.
 */
async function acceptRow(pick: Answered, text: string | RegExp): Promise<void> {
  const at = pick.rows?.findIndex((r) => (typeof text === 'string' ? r.includes(text) : text.test(r))) ?? -1;
  assert.ok(at >= 0, `a row with ${String(text)} in ${JSON.stringify(pick.rows)}`);
  for (let i = 0; i < at; i++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

/** What `after` has that `before` has not, provided that is all that changed (else what was lost too). */
function onlyInserted(before: string, after: string): { inserted: string; removed: string } {
  let p = 0;
  while (p < before.length && before[p] === after[p]) p++;
  let q = 0;
  while (q < before.length - p && q < after.length - p && before.at(-1 - q) === after.at(-1 - q)) q++;
  return { inserted: after.slice(p, after.length - q), removed: before.slice(p, before.length - q) };
}

interface Review {
  status?: string;
  by?: string;
  notes?: { text: string; author?: string; status?: string }[];
}

suite('Review: circle, send back, re-render, compare, restore', () => {
  let api: DailiesApi;
  let file: string;
  let doc: vscode.TextDocument;
  let firstPrompt: string;
  /** Earlier suites may have rendered the shot more than once: counts are taken relative to these. */
  let versionsBefore: number;
  let currentBefore: number;
  // Whole values (objects too), parsed from the file as it is on disk.
  const onDisk = (key: string) =>
    (JSON.parse(readFileSync(file, 'utf8')) as { shots: Record<string, unknown>[] }).shots.find(
      (s) => s['id'] === SHOT,
    )?.[key];
  const view = () => example(api).shots.find((s) => s.id === SHOT);

  suiteSetup(async () => {
    api = await dailies();
    await ensureRendered(api);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    file = example(api).file;
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await editorCaughtUp(doc);
    firstPrompt = String(onDisk('prompt'));
    await vscode.commands.executeCommand('dailies.openTakeViewer', { file, shotIds: [SHOT] });
    const before = await until('the take viewer on the shot', async () => {
      const s = (await vscode.commands.executeCommand('dailies.viewerSnapshot', file)) as
        | ViewerShot
        | undefined;
      return s?.shotId === SHOT ? s : undefined;
    });
    versionsBefore = before.versions.length;
    currentBefore = before.versions.find((v) => v.current)?.n ?? 0;
    assert.ok(currentBefore > 0, 'the rendered shot has its render kept as a version');
  });

  suiteTeardown(async () => {
    // The next suite edits project.json in the editor: leave it saved, on disk and planned.
    if (doc.isDirty) await doc.save();
    await editorCaughtUp(doc);
    await api.refresh();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('circling take 2 writes "take": 2 and the tree shows that take', async () => {
    const r = (await vscode.commands.executeCommand('dailies.circleTake', {
      file,
      shotIds: [SHOT],
      take: 2,
    })) as ActionResult;
    assert.equal(r.ok, true, r.message);
    assert.equal(onDisk('take'), 2);
    await until(
      'the tree row to show take 2',
      () => {
        const row = api.treeSnapshot().find((i) => i.label === SHOT);
        return row?.description?.includes('take 2') && row.icon?.endsWith('_v2.thumb.webp') ? row : undefined;
      },
      { seen: () => api.treeSnapshot().find((i) => i.label === SHOT) },
    );
  });

  test('the Shots tree\'s context menu Circle Take…: "take": 3 inserted and nothing else touched; the row shows take 3', async function () {
    if (!uiAvailable()) return this.skip();
    if (doc.isDirty) assert.ok(await doc.save());
    await editorCaughtUp(doc);
    const before = readFileSync(file, 'utf8');
    assert.equal(shotValue(before, TREE_SHOT, 'take'), undefined, `nothing circled on ${TREE_SHOT} yet`);
    // A real right-click on the row: VS Code calls the command with that tree item, as for a user.
    await ui({
      kind: 'treeContext',
      label: TREE_SHOT,
      item: 'Circle Take…',
      screenshot: '17-tree-circle-menu',
    });
    const pick = await ui({ kind: 'quickpickShown', screenshot: '17-tree-circle-takes' });
    assert.equal(pick.placeholder, `Circle which take of ${TREE_SHOT}?`);
    assert.deepEqual(
      pick.rows?.map((r) => /Take (\d)/.exec(r)?.[1]),
      ['1', '2', '3'],
      JSON.stringify(pick.rows),
    );
    await acceptRow(pick, 'Take 3');
    await until('"take": 3 on disk', () => shotValue(readFileSync(file, 'utf8'), TREE_SHOT, 'take') === 3, {
      seen: () => shotValue(readFileSync(file, 'utf8'), TREE_SHOT, 'take'),
    });
    const { inserted, removed } = onlyInserted(before, readFileSync(file, 'utf8'));
    assert.equal(removed, '', 'no byte of the file was lost or changed');
    assert.match(inserted, /^[\s,]*"take": 3[\s,]*$/, 'only the member was inserted');
    await until(
      'the tree row to show take 3 with its thumbnail',
      () => {
        const row = api.treeSnapshot().find((i) => i.label === TREE_SHOT);
        return row?.description?.includes('take 3') && row.icon?.endsWith('_v3.thumb.webp') ? row : undefined;
      },
      { seen: () => api.treeSnapshot().find((i) => i.label === TREE_SHOT) },
    );
    await until(
      'VS Code to have received the row with take 3',
      () => {
        const row = api.treeRows().find((r) => r.shotId === TREE_SHOT);
        return row?.description.includes('take 3') && row.icon.endsWith('_v3.thumb.webp') ? row : undefined;
      },
      { seen: () => api.treeRows().find((r) => r.shotId === TREE_SHOT) },
    );
    await ui({ kind: 'screenshot', name: '17-tree-circled-take-3' });
  });

  test('Circle Take… from the palette with the cursor in a shot asks which take and circles it', async function () {
    if (!uiAvailable()) return this.skip();
    if (doc.isDirty) assert.ok(await doc.save());
    await editorCaughtUp(doc);
    const editor = await vscode.window.showTextDocument(doc);
    const at = doc.positionAt(valueRange(doc.getText(), PALETTE_SHOT, 'prompt').offset + 1);
    editor.selection = new vscode.Selection(at, at);
    // What the palette runs: the command with no arguments.
    void vscode.commands.executeCommand('dailies.circleTake');
    const pick = await ui({ kind: 'quickpickShown' });
    assert.equal(pick.placeholder, `Circle which take of ${PALETTE_SHOT}?`);
    await acceptRow(pick, 'Take 2');
    await until(
      '"take": 2 on disk',
      () => shotValue(readFileSync(file, 'utf8'), PALETTE_SHOT, 'take') === 2,
      { seen: () => shotValue(readFileSync(file, 'utf8'), PALETTE_SHOT, 'take') },
    );
  });

  test('requesting changes saves the note with who and when; the status bar counts it', async () => {
    const r = (await vscode.commands.executeCommand('dailies.requestChanges', {
      file,
      shotIds: [SHOT],
      note: NOTE,
    })) as ActionResult;
    assert.equal(r.ok, true, r.message);
    const review = onDisk('review') as Review;
    assert.equal(review.status, 'changes-requested');
    assert.equal(review.notes?.[0]?.text, NOTE);
    assert.equal(review.notes?.[0]?.status, 'changes-requested');
    assert.ok(review.notes?.[0]?.author, 'the note names its author (git user.name or the OS user)');
    await until(
      'the status bar to count 1 changes requested',
      () => api.statusText().includes('1 changes requested'),
      { seen: () => api.statusText() },
    );
    // The tree: its header counts it; the row says the status, the circled take and the note count.
    const tree = () => ({
      header: api.treeHeader(),
      row: api.treeSnapshot().find((i) => i.label === SHOT)?.description,
    });
    await until(
      'the Shots tree to count it and badge the row',
      () => {
        const { header, row } = tree();
        return (
          header?.includes('1 changes requested') && row?.includes('changes requested · take 2 · 1 note')
        );
      },
      { seen: tree },
    );
  });

  test('"Changes Requested…" lists the shot with its last note; choosing it opens the shot and its notes', async function () {
    if (!uiAvailable()) return this.skip();
    // No take viewer open: the one that shows the shot afterwards is the one this command opened.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('no take viewer open', async () => {
      const s = await vscode.commands.executeCommand('dailies.viewerSnapshot', file);
      return s === undefined;
    });
    void vscode.commands.executeCommand('dailies.changesRequested');
    const pick = await ui({ kind: 'quickpickShown', screenshot: '18-changes-requested' });
    assert.match(pick.placeholder ?? '', /^\d+ shots? with changes requested$/);
    assert.ok(pick.text?.includes(NOTE), `the list shows the last note: ${pick.text}`);
    await acceptRow(pick, SHOT);
    const seen = await ui({
      kind: 'webviewText',
      marker: 'h1.shot-title',
      hasText: SHOT,
      read: '.notes .note-text',
      screenshot: '18-changes-requested-viewer',
    });
    assert.deepEqual(seen.rows, [NOTE], 'the take viewer shows the shot with its note');
    const shot = (await vscode.commands.executeCommand('dailies.viewerSnapshot', file)) as ViewerShot;
    assert.equal(shot.shotId, SHOT);
    assert.equal(shot.review, 'changes-requested');
  });

  test('editing the prompt and re-rendering: pending again, the note kept, two versions', async () => {
    await editorCaughtUp(doc);
    const { offset, length } = valueRange(doc.getText(), SHOT, 'prompt');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      doc.uri,
      new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + length)),
      JSON.stringify(`${firstPrompt} Lantern light only.`),
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    await until(`${SHOT} to go stale`, () => view()?.status === 'stale', { seen: () => summary(api) });
    const [batch] = await api.render({ file, shots: [SHOT] });
    assert.equal(batch?.shots.rendered, 1, JSON.stringify(batch?.errors));
    await until(
      `${SHOT} pending with one more version`,
      () => {
        const v = view();
        return v?.status === 'done' && v.review?.status === 'pending' && v.versions === versionsBefore + 1;
      },
      { seen: () => ({ status: view()?.status, review: view()?.review, versions: view()?.versions }) },
    );
    const review = onDisk('review') as Review;
    assert.equal(review.status, 'pending');
    assert.deepEqual(
      review.notes?.map((n) => n.text),
      [NOTE],
      'the note is kept as history',
    );
    assert.equal(onDisk('take'), 2, 'the circled take stays circled');
    // The tree row: no status badge (pending), the take, the note kept, the new version counted.
    const row = () => api.treeSnapshot().find((i) => i.label === SHOT)?.description;
    await until(
      'the tree row to count the note and the versions',
      () => row()?.endsWith(` · take 2 · 1 note · ${versionsBefore + 1} versions`),
      { seen: row },
    );
    assert.ok(!row()?.includes('changes requested'), row());
  });

  test('the take viewer shows the three takes and both versions, the note as history', async () => {
    await vscode.commands.executeCommand('dailies.openTakeViewer', { file, shotIds: [SHOT] });
    const shot = await until('the take viewer on the shot', async () => {
      const s = (await vscode.commands.executeCommand('dailies.viewerSnapshot', file)) as
        | ViewerShot
        | undefined;
      return s?.shotId === SHOT && s.versions.length === versionsBefore + 1 ? s : undefined;
    });
    assert.deepEqual(
      shot.takes.map((t) => t.variation),
      [1, 2, 3],
    );
    assert.equal(shot.take, 2);
    assert.equal(shot.circled, true);
    assert.equal(shot.review, 'pending');
    assert.equal(shot.versions.at(-1)?.current, true, 'the new render is the newest version');
    const old = shot.versions.find((v) => v.n === currentBefore);
    assert.equal(old?.prompt, firstPrompt);
    assert.equal(old?.current, false);
    assert.equal(shot.notes[0]?.earlier, true, 'written before the current render');
    // Old versions load from the content store, through the webview's own URIs.
    assert.ok(
      old?.takes.every((t) => t.image.includes('.dailies/store/')),
      JSON.stringify(old?.takes),
    );
  });

  test("the tree's Show Versions… lists the shot's versions newest first; Compare opens the take viewer", async function () {
    if (!uiAvailable()) return this.skip();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('no take viewer open', async () => {
      const s = await vscode.commands.executeCommand('dailies.viewerSnapshot', file);
      return s === undefined;
    });
    await ui({ kind: 'treeContext', label: SHOT, item: 'Show Versions…' });
    const versions = await ui({ kind: 'quickpickShown', screenshot: '19-show-versions' });
    assert.equal(versions.placeholder, `Versions of ${SHOT}, newest first`);
    assert.deepEqual(
      versions.rows?.map((r) => Number(/Version (\d+)/.exec(r)?.[1])),
      Array.from({ length: versionsBefore + 1 }, (_, i) => versionsBefore + 1 - i),
      JSON.stringify(versions.rows),
    );
    await acceptRow(versions, new RegExp(`Version ${currentBefore}\\b`));
    const action = await ui({ kind: 'quickpickShown' });
    assert.deepEqual(
      action.rows?.map((r) => (/Compare|Restore/.exec(r) ?? [''])[0]),
      ['Compare', 'Restore'],
      'an old version can be compared or restored',
    );
    await acceptRow(action, 'Compare');
    await ui({ kind: 'webviewText', marker: 'h1.shot-title', hasText: SHOT, read: '.notes .note-text' });
    const shot = (await vscode.commands.executeCommand('dailies.viewerSnapshot', file)) as ViewerShot;
    assert.equal(shot.shotId, SHOT);
    assert.equal(onDisk('prompt'), `${firstPrompt} Lantern light only.`, 'comparing changes nothing');
  });

  test('restoring the old version: images from the store, the prompt back as one undoable edit, no render', async () => {
    // A restore into an editor with unsaved changes leaves its edit unsaved too (the user's to save): start
    // from a saved file, so what is on disk says what the restore did.
    if (doc.isDirty) assert.ok(await doc.save());
    await editorCaughtUp(doc);
    const events: RenderEvent[] = [];
    const sub = api.onRenderEvent((_f, e) => events.push(e));
    try {
      const r = (await vscode.commands.executeCommand('dailies.restoreVersion', {
        file,
        shotIds: [SHOT],
        version: String(currentBefore),
      })) as ActionResult;
      assert.equal(r.ok, true, r.message);
      assert.equal(onDisk('prompt'), firstPrompt);
      const outputs = (onDisk('render') as { outputs: { image: string }[] }).outputs;
      assert.ok(
        outputs.every((o) => o.image.startsWith(`renders/${SHOT}/versions/`)),
        JSON.stringify(outputs),
      );
      await until(`${SHOT} up to date on the restored version`, () => view()?.status === 'done', {
        seen: () => view()?.status,
      });
      // Undo in the editor brings the newer prompt back; redo restores again: an ordinary edit.
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      assert.equal(shotValue(doc.getText(), SHOT, 'prompt'), `${firstPrompt} Lantern light only.`);
      await vscode.commands.executeCommand('redo');
      assert.equal(shotValue(doc.getText(), SHOT, 'prompt'), firstPrompt);
      if (doc.isDirty) assert.ok(await doc.save());
      await until(`${SHOT} still up to date`, () => view()?.status === 'done', {
        seen: () => view()?.status,
      });
    } finally {
      sub.dispose();
    }
    assert.deepEqual(
      events.filter((e) => e.type === 'batch-start' || e.type === 'job').map((e) => e.type),
      [],
      'a restore never renders',
    );
  });
});
