// Issue 16, "the take viewer plays takes side by side in sync", inside a real VS Code: a video shot of the
// example gets a second take (the draft provider renders real H.264 clips offline), the take viewer opens
// on it, the transport's play button is clicked in the real webview, and the page's own playback reports
// (through Take Viewer Snapshot) show both takes' proxies advancing within two frames of each other; the
// same button pauses both, and paused they stay where they are.
import * as assert from 'node:assert/strict';
import { applyEdits, modify } from 'jsonc-parser';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import type { ViewerSnapshot } from '../../../src/extension/webviews/viewerPanel';
import type { PlaybackReport } from '../../../src/shared/viewerProtocol';
import { sleep } from '../harness/wait';
import { dailies, editorCaughtUp, ensureRendered, example, summary, until } from './support/dailies';
import { shotValue } from './support/projectText';
import { ui, uiAvailable } from './support/ui';

/** A draft video shot of the example (3 s, from the circled take of s02-080); no other suite renders it again. */
const SHOT = 's02-085';

type Report = PlaybackReport & { seq: number };

suite('Take viewer: video takes play side by side, in sync', () => {
  let api: DailiesApi;
  let file: string;
  const view = () => example(api).shots.find((s) => s.id === SHOT);

  const snapshot = async () =>
    (await vscode.commands.executeCommand('dailies.viewerSnapshot', file)) as ViewerSnapshot | undefined;

  /** The first playback report newer than `after` that satisfies `ok` (the snapshot asks for fresh ones). */
  const report = (what: string, ok: (r: Report) => boolean, after = 0) => {
    let last: Report | undefined;
    return until(
      what,
      async () => {
        const r = (await snapshot())?.playback;
        if (r && r.seq > after && r.shotId === SHOT) last = r;
        return last && last.seq > after && ok(last) ? last : undefined;
      },
      { timeoutMs: 60_000, everyMs: 100, seen: () => last },
    );
  };

  suiteSetup(async function () {
    this.timeout(300_000);
    // The play button is clicked in the webview: only the UI servant (code-server) has a hand there.
    if (!uiAvailable()) return this.skip();
    api = await dailies();
    await ensureRendered(api);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    file = example(api).file;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await editorCaughtUp(doc);
    if (shotValue(doc.getText(), SHOT, 'variations') !== 2) {
      // Two takes of the clip, as a user asks for them: one property added in the editor, saved.
      const shots = (JSON.parse(doc.getText()) as { shots: { id: string }[] }).shots;
      const at = shots.findIndex((s) => s.id === SHOT);
      const edits = modify(doc.getText(), ['shots', at, 'variations'], 2, {
        formattingOptions: { insertSpaces: true, tabSize: 2 },
      });
      const text = applyEdits(doc.getText(), edits);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await doc.save());
      await until(`${SHOT} to want its second take`, () => view()?.status !== 'done', {
        seen: () => view()?.status,
      });
      const [batch] = await api.render({ file, shots: [SHOT] });
      assert.equal(batch?.errors.length, 0, JSON.stringify(batch?.errors));
    }
    await until(
      `${SHOT} rendered with two takes`,
      () => view()?.status === 'done' && view()!.outputs.length === 2,
      {
        timeoutMs: 180_000,
        seen: () => ({ shot: view()?.status, outputs: view()?.outputs.length, all: summary(api) }),
      },
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the viewer shows both takes as proxies at the clip’s recorded rate, loaded and paused', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('dailies.openTakeViewer', { file, shotIds: [SHOT] });
    const shot = await until('the take viewer on the video shot', async () => {
      const s = await snapshot();
      return s && 'shotId' in s && s.shotId === SHOT && s.takes.length === 2 ? s : undefined;
    });
    assert.ok(
      shot.takes.every((t) => t.video?.includes(`${SHOT}_v${t.variation}.proxy.mp4`)),
      JSON.stringify(shot.takes),
    );
    assert.deepEqual(
      shot.takes.map((t) => t.fps),
      [24, 24],
      'the draft clips’ rate, recorded from ffprobe',
    );
    const r = await report(
      'both proxies loaded in the page',
      (x) => x.videos.length === 2 && x.videos.every((v) => v.ready >= 2),
    );
    assert.equal(r.playing, false);
    assert.equal(r.fps, 24);
    assert.deepEqual(
      r.videos.map((v) => v.pane),
      ['t1', 't2'],
    );
  });

  test('play: both takes advance, within two frames of each other; pause stops both', async function () {
    this.timeout(180_000);
    const start = (await snapshot())?.playback?.seq ?? 0;
    await ui({ kind: 'viewer', click: 'playPause', screenshot: '20-viewer-video-playing' });
    const frame = 1 / 24;
    const inSync = (x: Report) => Math.abs(x.videos[0]!.time - x.videos[1]!.time) <= 2 * frame;
    // The first report after the click: the group started every take, not only its clock.
    let prev = await report('the viewer to report playing', (x) => x.playing, start);
    assert.deepEqual(
      prev.videos.map((v) => v.paused),
      [false, false],
      `play starts both takes: ${JSON.stringify(prev.videos)}`,
    );
    assert.ok(inSync(prev), `they start together: ${JSON.stringify(prev.videos)}`);
    // Several samples while they play: each one in sync, and each take moved on since the last.
    for (let i = 0; i < 5; i++) {
      const before = prev;
      const moved = (x: Report) =>
        x.playing && x.videos.length === 2 && x.videos.every((v, k) => v.time !== before.videos[k]!.time);
      const next = await report(`sample ${i + 1}: both takes moved on`, moved, before.seq);
      assert.ok(inSync(next), `in sync: ${JSON.stringify(next.videos)}`);
      prev = next;
    }

    await ui({ kind: 'viewer', click: 'playPause' });
    const paused = await report(
      'both takes paused',
      (x) => !x.playing && x.videos.length === 2 && x.videos.every((v) => v.paused),
      prev.seq,
    );
    assert.ok(inSync(paused), `paused together: ${JSON.stringify(paused.videos)}`);
    // A while later, a fresh report: neither take has moved.
    await sleep(1500);
    const later = await report('a fresh report while paused', () => true, paused.seq);
    assert.equal(later.playing, false);
    assert.deepEqual(
      later.videos.map((v) => [v.paused, v.time]),
      paused.videos.map((v) => [v.paused, v.time]),
    );
  });
});
