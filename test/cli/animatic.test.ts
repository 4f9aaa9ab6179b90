// `dailies animatic` and `dailies render --animatic` as a user runs them: exit codes, what is printed,
// and the MP4 on disk (checked with ffprobe).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { cutProject, fileHash, probe } from '../helpers/media';
import { runCli } from '../helpers/runCli';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

const projects: TempProject[] = [];
afterEach(async () => {
  while (projects.length) await projects.pop()!.cleanup();
});

const SMALL = ['--width', '160', '--fps', '12'];

describe('dailies animatic', () => {
  it('writes cut/animatic.mp4 and reports it; --json gives the clips', async () => {
    const p = await cutProject([
      { id: 'a', duration: 1, color: '#aa3322' },
      { id: 'b', duration: 1, color: false },
    ]);
    projects.push(p);
    const run = await runCli(['animatic', p.file, ...SMALL, '--burn-in']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Animatic: cut\/animatic\.mp4 · 2 shots · .* \(24 frames at 12 fps\) · 160×90/);
    assert.match(run.stdout, /2 encoded · 0 reused · 1 slate\(s\) for shots not rendered/);
    const json = JSON.parse((await runCli(['animatic', p.file, ...SMALL, '--burn-in', '--json'])).stdout);
    assert.deepEqual(json.encoded, []);
    assert.deepEqual(
      json.clips.map((c: { shotId: string; take?: number }) => [c.shotId, c.take ?? null]),
      [
        ['a', 1],
        ['b', null],
      ],
    );
    const info = await probe(path.join(p.dir, 'cut', 'animatic.mp4'));
    assert.deepEqual(
      info.streams.map((s) => s.codec_name),
      ['h264'],
    );
  });

  it('bad flags and bad input exit 2 with a clear line, and leave the previous animatic', async () => {
    const p = await cutProject([{ id: 'a', duration: 1, color: '#aa3322' }]);
    projects.push(p);
    assert.equal((await runCli(['animatic', p.file, ...SMALL])).code, 0);
    const out = path.join(p.dir, 'cut', 'animatic.mp4');
    const before = await fileHash(out);
    const width = await runCli(['animatic', p.file, '--width', 'wide']);
    assert.equal(width.code, 2);
    assert.match(width.stderr, /--width takes a whole number/);
    const outside = await runCli(['animatic', p.file, ...SMALL, '--out', '../elsewhere.mp4']);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /animatic not built: the animatic must be written inside the project/);
    assert.ok(!existsSync(path.join(p.dir, '..', 'elsewhere.mp4')));
    const json = await p.json();
    (json.shots[0] as unknown as { duration: number }).duration = 700;
    await p.write(JSON.stringify(json));
    const long = await runCli(['animatic', p.file, ...SMALL]);
    assert.equal(long.code, 2);
    assert.match(long.stderr, /a: shots\[0\]\.duration: duration 700 s is longer than 10 minutes/);
    const ff = await runCli(['animatic', p.file, ...SMALL], { DAILIES_FFMPEG: '/nonexistent/ffmpeg' });
    assert.equal(ff.code, 2);
    assert.match(ff.stderr, /ffmpeg not found at \/nonexistent\/ffmpeg \(from DAILIES_FFMPEG\)/);
    assert.equal(await fileHash(out), before);
  });

  it('render --animatic renders the batch and cuts every shot in', async () => {
    const p = await createProject({ ...simpleProject(3), defaults: { duration: 0.5 } }, simpleFiles);
    projects.push(p);
    const run = await runCli(['render', p.file, '--animatic', ...SMALL, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.shots.rendered, 3);
    assert.deepEqual(
      out.animatic.clips.map((c: { take?: number }) => c.take),
      [1, 1, 1],
    );
    const info = await probe(path.join(p.dir, 'cut', 'animatic.mp4'));
    assert.equal(Number(info.streams[0]!.nb_read_frames), 18);
  });
});
