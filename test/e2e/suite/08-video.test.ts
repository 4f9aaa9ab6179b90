import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import { dailies, EXTENSION_ID, ensureRendered, example } from './support/dailies';

interface VideoShot {
  id: string;
  from?: string;
  render?: {
    status: string;
    outputs: { image: string; thumb?: string; video?: string; proxy?: string; seconds?: number }[];
  };
}

/** The packaged ffmpeg describes a file (stderr of `ffmpeg -i`, which exits 1 without an output). */
async function describeMedia(file: string): Promise<string> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const bin = path.join(
    ext.extensionPath,
    'node_modules',
    '@ffmpeg-installer',
    `${process.platform}-${process.arch}`,
    'ffmpeg',
  );
  return promisify(execFile)(bin, ['-hide_banner', '-i', file]).then(
    (r) => r.stderr,
    (err: { stderr?: string }) => err.stderr ?? '',
  );
}

suite('Video shots (offline draft clips, rendered by the extension)', () => {
  let api: DailiesApi;
  let shots: VideoShot[];
  let root: string;

  suiteSetup(async function () {
    this.timeout(300_000);
    api = await dailies();
    await ensureRendered(api);
    const file = example(api).file;
    root = path.dirname(file);
    shots = (JSON.parse(readFileSync(file, 'utf8')) as { shots: VideoShot[] }).shots.filter((s) => s.from);
  });

  test('the example has video shots, each recorded with clip, poster, thumbnail and proxy on disk', () => {
    assert.ok(shots.length >= 3, 'the example carries video shots');
    for (const s of shots) {
      const out = s.render?.outputs[0];
      assert.equal(s.render?.status, 'done', `${s.id} rendered`);
      for (const rel of [out?.video, out?.proxy, out?.image, out?.thumb]) {
        assert.ok(rel && existsSync(path.join(root, rel)), `${s.id}: ${rel} is on disk`);
      }
      assert.ok((out?.seconds ?? 0) > 0, `${s.id} records its length`);
    }
  });

  test('each proxy is H.264 yuv420p within 640 px, with no audio (a webview plays it)', async function () {
    this.timeout(60_000);
    for (const s of shots) {
      const info = await describeMedia(path.join(root, s.render!.outputs[0]!.proxy!));
      const size = /Video: h264 [^\n]*yuv420p[^\n]*?, (\d+)x(\d+)/.exec(info);
      assert.ok(size, `${s.id}: ${info.split('\n').find((l) => l.includes('Video:'))}`);
      assert.ok(Number(size[1]) <= 640 && Number(size[2]) <= 640);
      assert.doesNotMatch(info, /Audio:/);
    }
  });

  test('the animatic cuts the video shots from their clips', async function () {
    this.timeout(300_000);
    type Clip = { shotId: string; video?: string };
    const result = await vscode.commands.executeCommand<{ clips: Clip[] } | undefined>(
      'dailies.buildAnimatic',
      {
        projectFile: example(api).file,
      },
    );
    assert.ok(result);
    const clips: Clip[] = result.clips;
    for (const s of shots) {
      const clip = clips.find((c) => c.shotId === s.id);
      assert.equal(clip?.video, s.render!.outputs[0]!.video, `${s.id} is cut from its clip`);
    }
  });
});
