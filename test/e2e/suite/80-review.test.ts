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

/** Three takes, and no other suite touches it. */
const SHOT = 's01-050';
const NOTE = 'Warmer lamps; lose the figure on the left.';

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
