// The animatic cuts a video take from its clip, not its poster: trimmed to the shot's duration, or its
// last frame held when the shot is longer, re-encoded to the cut's segment format (so the join stays a
// copy). Real ffmpeg, checked frame by frame with the real decoder.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildAnimatic } from '../../src/core/cut/build';
import { animaticOptions } from '../../src/core/cut/options';
import { loadProject } from '../../src/core/project/load';
import { bundledFfmpeg, cutProject, decodeErrors, frameAt, probe } from '../helpers/media';
import { makeImage, type TempProject } from '../helpers/tempProject';

const run = promisify(execFile);
const projects: TempProject[] = [];
afterEach(async () => {
  while (projects.length) await projects.pop()!.cleanup();
});

const W = 160;
const FPS = 12;

/** A 1 s clip: red for its first half, blue for its second (so a frame tells where in the clip it is). */
async function redThenBlue(file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await run(bundledFfmpeg(), [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'color=c=red:s=320x180:d=0.5:r=24',
    '-f',
    'lavfi',
    '-i',
    'color=c=blue:s=320x180:d=0.5:r=24',
    '-filter_complex',
    '[0:v][1:v]concat=n=2:v=1:a=0,format=yuv420p',
    '-c:v',
    'libx264',
    '-movflags',
    '+faststart',
    file,
  ]);
}

/** Mean R, G, B of a decoded frame. */
function mean(rgb: Buffer): [number, number, number] {
  const sum = [0, 0, 0];
  for (let i = 0; i < rgb.length; i += 3) for (let c = 0; c < 3; c++) sum[c]! += rgb[i + c]!;
  const n = rgb.length / 3;
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

const isRed = (f: Buffer) => {
  const [r, g, b] = mean(f);
  return r > 150 && g < 60 && b < 60;
};
const isBlue = (f: Buffer) => {
  const [r, g, b] = mean(f);
  return b > 150 && r < 60 && g < 60;
};

async function withVideoTakes(): Promise<TempProject> {
  const p = await cutProject([
    { id: 'still', duration: 1, color: '#22aa22' },
    { id: 'trim', duration: 0.5 },
    { id: 'hold', duration: 2 },
  ]);
  projects.push(p);
  const json = await p.json();
  for (const i of [1, 2]) {
    const id = json.shots[i]!.id;
    const base = `renders/${id}/${id}_v1`;
    await redThenBlue(path.join(p.dir, `${base}.mp4`));
    // The poster is green: a cut that used it instead of the clip would show green, not red/blue.
    await makeImage(path.join(p.dir, `${base}.jpg`), { width: 320, height: 180, color: '#00ff00' });
    json.shots[i]!.render = {
      status: 'done',
      inputHash: 'a'.repeat(64),
      provider: 'draft',
      model: 'draft/video',
      renderedAt: new Date().toISOString(),
      outputs: [{ variation: 1, image: `${base}.jpg`, video: `${base}.mp4`, seconds: 1, frames: 24 }],
    } as never;
  }
  await p.write(JSON.stringify(json, null, 2));
  return p;
}

describe('animatic: video takes', () => {
  it('trims a longer clip to the shot and holds the last frame of a shorter one, in the cut’s format', async () => {
    const p = await withVideoTakes();
    const doc = await loadProject(p.file);
    const result = await buildAnimatic({
      paths: doc.paths,
      project: doc.project,
      options: animaticOptions({ width: W, fps: FPS }),
      ffmpeg: bundledFfmpeg(),
    });
    assert.deepEqual(
      result.clips.map((c) => [c.shotId, c.startFrame, c.frames, c.video]),
      [
        ['still', 0, 12, undefined],
        ['trim', 12, 6, 'renders/trim/trim_v1.mp4'],
        ['hold', 18, 24, 'renders/hold/hold_v1.mp4'],
      ],
    );
    const info = await probe(result.file);
    const v = info.streams.find((s) => s.codec_type === 'video')!;
    assert.equal(v.codec_name, 'h264');
    assert.equal(v.pix_fmt, 'yuv420p');
    assert.equal(Number(v.nb_read_frames), 42, 'frame-exact: 12 + 6 + 24');
    assert.equal(info.streams.length, 1, 'no audio');
    assert.equal(await decodeErrors(result.file), '', 'segments joined without a decode error');
    // `trim` (0.5 s of a 1 s clip) shows only the clip's first half: red.
    assert.ok(isRed(await frameAt(result.file, 12 / FPS + 0.05)), 'trim starts red');
    assert.ok(isRed(await frameAt(result.file, 17 / FPS)), 'trim ends red (the blue half is cut)');
    // `hold` (2 s of a 1 s clip): red, then blue, then the last (blue) frame held to the end.
    assert.ok(isRed(await frameAt(result.file, 18 / FPS + 0.1)), 'hold starts red');
    assert.ok(isBlue(await frameAt(result.file, 18 / FPS + 0.75)), 'then blue');
    assert.ok(isBlue(await frameAt(result.file, 41 / FPS)), 'the last frame is held blue');
  });

  it('a new clip for the take re-encodes that segment only', async () => {
    const p = await withVideoTakes();
    const doc = await loadProject(p.file);
    const ctx = {
      paths: doc.paths,
      project: doc.project,
      options: animaticOptions({ width: W, fps: FPS }),
      ffmpeg: bundledFfmpeg(),
    };
    await buildAnimatic(ctx);
    await redThenBlue(path.join(p.dir, 'renders/hold/hold_v1.mp4')); // same bytes: nothing to do
    assert.deepEqual((await buildAnimatic(ctx)).encoded, []);
    await run(bundledFfmpeg(), [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'color=c=white:s=320x180:d=1:r=24',
      '-pix_fmt',
      'yuv420p',
      path.join(p.dir, 'renders/hold/hold_v1.mp4'),
    ]);
    assert.deepEqual((await buildAnimatic(ctx)).encoded, ['hold']);
  });
});
