// The animatic with the real ffmpeg from @ffmpeg-installer, checked with the real ffprobe: frame-exact
// shots, H.264/yuv420p without AAC, the segment cache (only what changed is encoded again, damaged
// segments are found and repaired), slates, burn-in, subtitles, push-in, and a scratch-voice track muxed
// without touching the picture.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { assemble } from '../../src/core/cut/assemble';
import { type BuildContext, buildAnimatic } from '../../src/core/cut/build';
import { slateFrame } from '../../src/core/cut/frames';
import { animaticOptions } from '../../src/core/cut/options';
import { buildTimeline } from '../../src/core/cut/timeline';
import { sharp } from '../../src/core/media/sharpSetup';
import { loadProject } from '../../src/core/project/load';
import {
  bundledFfmpeg,
  cutProject,
  decodeErrors,
  frameAt,
  keyframeTimes,
  probe,
  regionDiff,
  repaint,
} from '../helpers/media';
import type { TempProject } from '../helpers/tempProject';

const projects: TempProject[] = [];
afterEach(async () => {
  while (projects.length) await projects.pop()!.cleanup();
});

const W = 160;
const FPS = 12;

async function build(
  p: TempProject,
  o: Partial<BuildContext> & { burnIn?: boolean; kenBurns?: boolean } = {},
) {
  const doc = await loadProject(p.file);
  const spawned: number[] = [];
  const result = await buildAnimatic({
    paths: doc.paths,
    project: doc.project,
    options: animaticOptions({ width: W, fps: FPS, burnIn: o.burnIn, kenBurns: o.kenBurns }),
    ffmpeg: bundledFfmpeg(),
    onSpawn: (pid) => spawned.push(pid),
    ...o,
  });
  return { result, spawned, doc };
}

const FOUR = [
  { id: 's01-010', duration: 1, color: '#aa3322' },
  { id: 's01-020', duration: 0.5, color: '#22aa33' },
  { id: 's01-030', color: '#2233aa' },
  { id: 's01-040', duration: 1.25, color: '#aaaa22' },
];

describe('animatic: build and segment cache', () => {
  it('cuts every shot to its frame count: H.264 yuv420p, no audio, shot starts on the frame', async () => {
    const p = await cutProject(FOUR, { defaults: { duration: 2 } });
    projects.push(p);
    const { result } = await build(p);
    // 1 s, 0.5 s, defaults.duration 2 s, 1.25 s at 12 fps → 12 + 6 + 24 + 15 frames.
    assert.deepEqual(
      result.clips.map((c) => [c.shotId, c.startFrame, c.frames]),
      [
        ['s01-010', 0, 12],
        ['s01-020', 12, 6],
        ['s01-030', 18, 24],
        ['s01-040', 42, 15],
      ],
    );
    assert.equal(result.rel, 'cut/animatic.mp4');
    const info = await probe(result.file);
    assert.deepEqual(
      info.streams.map((s) => [s.codec_type, s.codec_name, s.pix_fmt]),
      [['video', 'h264', 'yuv420p']],
    );
    assert.ok(!info.streams.some((s) => s.codec_name === 'aac'));
    assert.equal(Number(info.streams[0]!.nb_read_frames), 57);
    assert.equal(info.streams[0]!.width, 160);
    assert.equal(info.streams[0]!.height, 90);
    assert.ok(Math.abs(Number(info.format.duration) - 57 / FPS) < 1 / FPS, info.format.duration);
    // Every segment begins with a key frame: each shot starts within a frame of where the timeline says.
    const keys = await keyframeTimes(result.file);
    for (const c of result.clips) {
      const at = c.startFrame / FPS;
      assert.ok(
        keys.some((k) => Math.abs(k - at) < 0.5 / FPS),
        `${c.shotId} should start at ${at}s; key frames at ${keys.join(', ')}`,
      );
    }
    assert.equal(await decodeErrors(result.file), '');
  });

  it('encodes each segment once: a second build encodes nothing, a re-rendered shot only itself', async () => {
    const p = await cutProject(FOUR);
    projects.push(p);
    const first = await build(p);
    assert.deepEqual(first.result.encoded.sort(), FOUR.map((s) => s.id).sort());
    assert.equal(first.spawned.length, 5, 'four encodes and one join');

    const second = await build(p);
    assert.deepEqual(second.result.encoded, []);
    assert.equal(second.result.reused.length, 4);
    assert.equal(second.spawned.length, 1, 'only the join runs');

    await repaint(p, 's01-030', '#ffffff');
    const third = await build(p);
    assert.deepEqual(third.result.encoded, ['s01-030']);
    assert.deepEqual(third.result.reused, ['s01-010', 's01-020', 's01-040']);
    assert.equal(third.spawned.length, 2, 'one encode and one join');
    const info = await probe(third.result.file);
    assert.equal(Number(info.streams[0]!.nb_read_frames), first.result.frames);
    // The new image is in the cut: the middle of s01-030 is now near white.
    const frame = await frameAt(third.result.file, (18 + 18) / FPS);
    assert.ok(frame[(45 * W + 80) * 3]! > 200, 'the repainted shot shows its new image');
  });

  it('finds a damaged segment on use and encodes it again', async () => {
    const p = await cutProject(FOUR);
    projects.push(p);
    await build(p);
    const dir = path.join(p.dir, '.dailies', 'cut', 'segments');
    const mp4s = (await fs.readdir(dir)).filter((f) => f.endsWith('.mp4')).sort();
    assert.equal(mp4s.length, 4);
    // Same size, different bytes: only a hash can tell.
    const victim = path.join(dir, mp4s[0]!);
    const bytes = await fs.readFile(victim);
    bytes.fill(0x42, 64, bytes.length - 64);
    await fs.writeFile(victim, bytes);
    // And one truncated to nothing.
    await fs.writeFile(path.join(dir, mp4s[1]!), '');
    const { result } = await build(p);
    assert.equal(result.repaired.length, 2);
    assert.deepEqual(result.encoded.sort(), result.repaired.sort());
    assert.equal(await decodeErrors(result.file), '');
    assert.equal(Number((await probe(result.file)).streams[0]!.nb_read_frames), result.frames);
  });

  it('a shot with no render is a slate of the right length', async () => {
    const p = await cutProject([
      { id: 's01-010', duration: 1, color: '#aa3322' },
      { id: 's01-020', duration: 2, color: false },
      { id: 's01-030', duration: 1, color: '#2233aa' },
    ]);
    projects.push(p);
    const { result, doc } = await build(p);
    assert.deepEqual(
      result.clips.map((c) => c.take),
      [1, undefined, 1],
    );
    assert.equal(Number((await probe(result.file)).streams[0]!.nb_read_frames), 48);
    // The decoded frame is the slate card sharp drew (within encoding noise), not black or a neighbour.
    const timeline = buildTimeline(doc.project, doc.paths, animaticOptions({ width: W, fps: FPS }));
    const slate = await sharp(await slateFrame(timeline.clips[1]!, 160, 90))
      .removeAlpha()
      .raw()
      .toBuffer();
    const decoded = await frameAt(result.file, 2);
    const whole = { x0: 0, y0: 0, x1: 1, y1: 1 };
    assert.ok(regionDiff(decoded, slate, W, whole) < 8, `slate diff ${regionDiff(decoded, slate, W, whole)}`);
    const neighbour = await frameAt(result.file, 0.5);
    assert.ok(regionDiff(neighbour, slate, W, whole) > 20);
  });

  it('uses the circled take when it names a rendered variation, else variation 1', async () => {
    const p = await cutProject([
      { id: 'a', duration: 1, variations: ['#000000', '#ffffff'], take: 2 },
      { id: 'b', duration: 1, variations: ['#000000', '#ffffff'], take: 7 },
    ]);
    projects.push(p);
    const { result } = await build(p);
    assert.deepEqual(
      result.clips.map((c) => c.take),
      [2, 1],
    );
    const a = await frameAt(result.file, 0.5);
    const b = await frameAt(result.file, 1.5);
    const corner = { x0: 0.02, y0: 0.1, x1: 0.15, y1: 0.3 };
    assert.ok(regionDiff(a, b, W, corner) > 100, 'take 2 (white) differs from variation 1 (black)');
  });
});

describe('animatic: what is burned in', () => {
  it('burn-in draws the label and timecode at the top and leaves the middle alone', async () => {
    const p = await cutProject([{ id: 's01-010', duration: 1, color: '#336699' }]);
    projects.push(p);
    const plain = await build(p);
    const plainFrame = await frameAt(plain.result.file, 0.5);
    const burned = await build(p, { burnIn: true });
    assert.deepEqual(burned.result.encoded, ['s01-010'], 'burn-in is part of the segment key');
    const burnedFrame = await frameAt(burned.result.file, 0.5);
    const top = regionDiff(plainFrame, burnedFrame, W, { x0: 0, y0: 0, x1: 1, y1: 0.15 });
    const middle = regionDiff(plainFrame, burnedFrame, W, { x0: 0.3, y0: 0.4, x1: 0.7, y1: 0.6 });
    assert.ok(top > 10, `top band should carry text (diff ${top})`);
    assert.ok(middle < 3, `middle should be untouched (diff ${middle})`);
  });

  it('a dialogue line is a subtitle on its shot, and changing it re-encodes only that shot', async () => {
    const line = { speaker: 'mara', text: 'Tickets, please.' };
    const p = await cutProject([
      { id: 's01-010', duration: 1, color: '#336699' },
      { id: 's01-020', duration: 1, color: '#336699', dialogue: [line] },
    ]);
    projects.push(p);
    const { result } = await build(p);
    const silent = await frameAt(result.file, 0.5);
    const spoken = await frameAt(result.file, 1.5);
    const bottom = regionDiff(silent, spoken, W, { x0: 0, y0: 0.75, x1: 1, y1: 1 });
    const top = regionDiff(silent, spoken, W, { x0: 0, y0: 0, x1: 1, y1: 0.4 });
    assert.ok(bottom > 10, `subtitle expected at the bottom (diff ${bottom})`);
    assert.ok(top < 3, `nothing else differs (diff ${top})`);

    const json = await p.json();
    (json.shots[1] as unknown as { dialogue: unknown }).dialogue = [
      { ...line, text: 'No ticket, no train.' },
    ];
    await p.write(JSON.stringify(json));
    const again = await build(p);
    assert.deepEqual(again.result.encoded, ['s01-020']);
  });

  it('Ken Burns pushes in: same frame count, the last frame is a closer view than the first', async () => {
    const p = await cutProject([{ id: 's01-010', duration: 2, color: '#336699' }]);
    projects.push(p);
    const { result } = await build(p, { kenBurns: true });
    assert.equal(Number((await probe(result.file)).streams[0]!.nb_read_frames), 24);
    const first = await frameAt(result.file, 0);
    const last = await frameAt(result.file, 23 / FPS);
    // The test image's circle (radius 22.5 px here) grows by 8 %: its left edge moves out by ~2 px.
    const edge = { x0: 50 / 160, y0: 40 / 90, x1: 60 / 160, y1: 50 / 90 };
    const moved = regionDiff(first, last, W, edge);
    assert.ok(moved > 5, `the circle's edge should move (diff ${moved})`);
    const still = await build(p);
    const a = await frameAt(still.result.file, 0);
    const b = await frameAt(still.result.file, 23 / FPS);
    assert.ok(regionDiff(a, b, W, edge) < 1, 'without Ken Burns the frame holds');
  });
});

describe('animatic: paths ffmpeg must parse', () => {
  it('a project folder with quotes, colons, brackets and commas still burns in and joins', async () => {
    const p = await cutProject([
      {
        id: 's01-010',
        duration: 1,
        color: '#336699',
        dialogue: [{ speaker: 'mara', text: "It's 23:40, [late]; hurry" }],
      },
      { id: 's01-020', duration: 1, color: '#993366' },
    ]);
    projects.push(p);
    const nasty = path.join(p.dir, "it's a: [test], ok; 100%");
    await fs.mkdir(nasty);
    for (const f of await fs.readdir(p.dir)) {
      if (f !== path.basename(nasty)) await fs.rename(path.join(p.dir, f), path.join(nasty, f));
    }
    const moved = { ...p, dir: nasty, file: path.join(nasty, 'project.json') } as TempProject;
    const { result } = await build(moved, { burnIn: true });
    assert.equal(Number((await probe(result.file)).streams[0]!.nb_read_frames), 24);
    assert.ok(result.file.startsWith(nasty));
    // The work folder under .dailies has the same name troubles: text files and the concat list live there.
    assert.equal(await decodeErrors(result.file), '');
  });
});

describe('animatic: audio model', () => {
  it('muxes an MP3 track under the copied picture (never AAC), frames unchanged', async () => {
    const p = await cutProject([{ id: 's01-010', duration: 1, color: '#336699' }]);
    projects.push(p);
    const { result } = await build(p);
    const mp3 = path.join(p.dir, 'line.mp3');
    await promisify(execFile)(bundledFfmpeg(), [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=1',
      '-c:a',
      'libmp3lame',
      mp3,
    ]);
    const out = path.join(p.dir, 'cut', 'with-voice.mp4');
    await assemble({
      ffmpeg: bundledFfmpeg(),
      segments: [path.join(p.dir, '.dailies', 'cut', 'segments', (await segmentFiles(p))[0]!)],
      out,
      workDir: path.join(p.dir, '.dailies', 'cut', 'work'),
      audio: mp3,
    });
    const info = await probe(out);
    assert.deepEqual(info.streams.map((s) => s.codec_name).sort(), ['h264', 'mp3']);
    assert.equal(Number(info.streams.find((s) => s.codec_type === 'video')!.nb_read_frames), result.frames);
  });
});

async function segmentFiles(p: TempProject): Promise<string[]> {
  return (await fs.readdir(path.join(p.dir, '.dailies', 'cut', 'segments'))).filter((f) =>
    f.endsWith('.mp4'),
  );
}
