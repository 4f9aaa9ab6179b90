import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import { sleep } from '../harness/wait';
import {
  dailies,
  editorCaughtUp,
  ensureRendered,
  example,
  statuses,
  summary,
  until,
} from './support/dailies';
import { renderedAt, shotValue, valueRange } from './support/projectText';

/** The tree icon of a stale shot: its last thumbnail, dimmed (a copy in the extension's storage). */
const DIMMED = /^file:[0-9a-f]{32}\.webp$/;

/** A one-variation shot, so its re-render is quick. */
const SHOT = 's02-030';

function notFresh(api: DailiesApi): [string, string][] {
  return [...statuses(api)].filter(([, s]) => s !== 'done');
}

suite('Editing one prompt', () => {
  let api: DailiesApi;
  let doc: vscode.TextDocument;

  suiteSetup(async () => {
    api = await dailies();
    await ensureRendered(api);
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(example(api).file));
    await vscode.window.showTextDocument(doc);
    await editorCaughtUp(doc);
  });

  test('makes that shot stale and no other', async () => {
    const text = doc.getText();
    const { offset, length } = valueRange(text, SHOT, 'prompt');
    const prompt = shotValue(text, SHOT, 'prompt');
    assert.equal(typeof prompt, 'string');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      doc.uri,
      new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + length)),
      JSON.stringify(`${prompt} The table lamps flicker as the train takes a curve.`),
    );
    assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');
    assert.ok(await doc.save(), 'project.json was not saved');
    await until(`${SHOT} to go stale`, () => statuses(api).get(SHOT) === 'stale', {
      seen: () => summary(api),
    });
    // The watcher debounces (300 ms): give any wrong extra staleness time to show before judging.
    await sleep(1200);
    assert.deepEqual(notFresh(api), [[SHOT, 'stale']]);
  });

  test('the status bar counts it and the tree shows its old thumbnail, dimmed', async () => {
    await until('status "… 1 stale"', () => /· 1 stale\b/.test(api.statusText()), {
      timeoutMs: 5000,
      seen: () => api.statusText(),
    });
    const shots = api.treeSnapshot().filter((i) => i.contextValue?.startsWith('shot.'));
    // The dimmed copy is made in the background: the status icon stands in until it exists.
    const mine = await until(
      `${SHOT}'s dimmed thumbnail`,
      () => {
        const row = api.treeSnapshot().find((i) => i.label === SHOT);
        return row?.icon && DIMMED.test(row.icon) ? row : undefined;
      },
      { timeoutMs: 10_000, seen: () => api.treeSnapshot().find((i) => i.label === SHOT)?.icon },
    );
    assert.ok(mine);
    assert.deepEqual(
      shots
        .filter((i) => i.label !== SHOT && !/^file:.+\.thumb\.webp$/.test(i.icon ?? ''))
        .map((i) => i.label),
      [],
    );
  });

  test('Render Selected Shot(s) with the cursor in that shot re-renders it alone', async () => {
    const file = example(api).file;
    const before = renderedAt(file);
    const editor = await vscode.window.showTextDocument(doc);
    const at = doc.positionAt(valueRange(doc.getText(), SHOT, 'prompt').offset + 1);
    editor.selection = new vscode.Selection(at, at);
    let failure: unknown;
    // Not awaited: a render that outlasts the quiet period resolves only once its notification closes.
    vscode.commands.executeCommand('dailies.renderSelected').then(undefined, (err: unknown) => {
      failure = err;
    });
    await until(
      `${SHOT} re-rendered and fresh`,
      () => {
        if (failure) throw failure;
        return (
          !example(api).rendering &&
          notFresh(api).length === 0 &&
          renderedAt(file).get(SHOT) !== before.get(SHOT)
        );
      },
      { timeoutMs: 60_000, everyMs: 200, seen: () => summary(api) },
    );
    const after = renderedAt(file);
    const moved = [...after].filter(([id, at]) => id !== SHOT && at !== before.get(id)).map(([id]) => id);
    assert.deepEqual(moved, [], 'shots other than the stale one were re-rendered');
    await editorCaughtUp(doc);
    await until('status "… up to date"', () => api.statusText().includes('up to date'), {
      timeoutMs: 5000,
      seen: () => api.statusText(),
    });
  });

  test('batches with project.json open in an editor are not re-planned after each of their write-backs', async () => {
    // Each write-back to disk makes VS Code reload the open editor; that change is ours, and re-planning a
    // 20,000-shot production after every flush stalled the host for the whole batch.
    await vscode.window.showTextDocument(doc);
    await editorCaughtUp(doc);
    assert.equal(doc.isDirty, false);
    const shots = example(api)
      .shots.filter((s) => s.variations === 1 && !/video|kling|wan|luma|hailuo/i.test(s.model))
      .map((s) => s.id);
    const BATCHES = 4;
    const before = example(api);
    for (let b = 0; b < BATCHES; b++) {
      const [summary] = await api.render({
        file: before.file,
        shots: [shots[b % shots.length]!],
        force: true,
      });
      assert.equal(summary?.shots.failed, 0, JSON.stringify(summary?.errors));
      await editorCaughtUp(doc);
      await sleep(1200); // past the registry's debounce: a re-plan the reload caused has started by now
    }
    const after = example(api);
    const writeBacks = after.writeBacks - before.writeBacks;
    const plans = after.plans - before.plans;
    assert.ok(writeBacks >= BATCHES, `${BATCHES} batches wrote back ${writeBacks} time(s)`);
    // Each batch is planned before it starts and re-planned when it ends; one more for each reload of
    // the editor is the bug.
    assert.ok(
      plans <= 2 * BATCHES + 1,
      `${plans} re-plans for ${BATCHES} batches and ${writeBacks} write-backs`,
    );
    assert.equal(doc.isDirty, false);
  });
});
