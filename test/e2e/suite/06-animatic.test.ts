import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import { dailies, EXTENSION_ID, ensureRendered, example } from './support/dailies';

interface Result {
  file: string;
  rel: string;
  frames: number;
  fps: number;
  clips: { shotId: string; take?: number; frames: number }[];
  encoded: string[];
  reused: string[];
}

suite('Build Animatic (the packaged ffmpeg, in the extension host)', () => {
  let api: DailiesApi;
  let result: Result | undefined;

  suiteSetup(async function () {
    this.timeout(400_000);
    api = await dailies();
    await ensureRendered(api);
    // The UI scenario built it once already (when it ran): this build reuses every segment.
    result = await vscode.commands.executeCommand<Result | undefined>('dailies.buildAnimatic', {
      projectFile: example(api).file,
    });
  });

  test('the command resolves with the animatic: every shot, in order, with its take', () => {
    assert.ok(result, 'dailies.buildAnimatic returned nothing (see the notification / log)');
    const project = JSON.parse(readFileSync(example(api).file, 'utf8')) as { shots: { id: string }[] };
    assert.deepEqual(
      result.clips.map((c) => c.shotId),
      project.shots.map((s) => s.id),
    );
    assert.ok(result.clips.every((c) => c.take === 1));
    assert.equal(
      result.frames,
      result.clips.reduce((n, c) => n + c.frames, 0),
    );
    assert.equal(result.rel, 'cut/animatic.mp4');
    assert.ok(existsSync(result.file));
  });

  test('the VSIX carries a runnable ffmpeg, and the MP4 is H.264 yuv420p without AAC', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const bin = path.join(
      ext.extensionPath,
      'node_modules',
      '@ffmpeg-installer',
      `${process.platform}-${process.arch}`,
      'ffmpeg',
    );
    assert.ok(existsSync(bin), `${bin} is missing from the installed extension`);
    // ffmpeg -i without an output describes the input on stderr and exits 1.
    const info = await promisify(execFile)(bin, ['-hide_banner', '-i', result!.file]).then(
      (r) => r.stderr,
      (err: { stderr?: string }) => err.stderr ?? '',
    );
    assert.match(info, /Video: h264 .*yuv420p/);
    assert.doesNotMatch(info, /Audio: aac/);
  });

  test('a second build with nothing changed encodes nothing', async function () {
    this.timeout(120_000);
    const again = await vscode.commands.executeCommand<Result | undefined>('dailies.buildAnimatic', {
      projectFile: example(api).file,
    });
    assert.ok(again);
    assert.deepEqual(again.encoded, []);
    assert.equal(again.reused.length, again.clips.length);
  });
});
