// Bad input and failures never cost the user their animatic: every error names the shot (where there is
// one), the previous MP4 stays byte for byte, no half-written file is left, and no ffmpeg outlives a
// cancel or a hang. Written against the real ffmpeg (a wrapper script only to make it fail on cue).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { type BuildContext, buildAnimatic } from '../../src/core/cut/build';
import { CutError } from '../../src/core/cut/errors';
import { locateFfmpeg } from '../../src/core/cut/ffmpeg';
import { animaticOptions } from '../../src/core/cut/options';
import { runFfmpeg } from '../../src/core/cut/runner';
import { loadProject } from '../../src/core/project/load';
import { bundledFfmpeg, cutProject, fileHash, isAlive, repaint } from '../helpers/media';
import { type TempProject, tempDir } from '../helpers/tempProject';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project(shots: Parameters<typeof cutProject>[0], extra?: Record<string, unknown>) {
  const p = await cutProject(shots, extra);
  cleanups.push(() => p.cleanup());
  return p;
}

async function build(
  p: TempProject,
  o: Partial<BuildContext> & { width?: number; kenBurns?: boolean; out?: string } = {},
) {
  const doc = await loadProject(p.file);
  return buildAnimatic({
    paths: doc.paths,
    project: doc.project,
    options: animaticOptions({ width: o.width ?? 160, fps: 12, kenBurns: o.kenBurns, out: o.out }),
    ffmpeg: bundledFfmpeg(),
    ...o,
  });
}

const THREE = [
  { id: 's01-010', duration: 1, color: '#aa3322' },
  { id: 's01-020', duration: 1, color: '#22aa33' },
  { id: 's01-030', duration: 1, color: '#2233aa' },
];

/** Builds a first animatic and returns a check that it is still there, unchanged, with no leftovers. */
async function withPrevious(p: TempProject) {
  const first = await build(p);
  const hash = await fileHash(first.file);
  assert.ok(hash);
  return async () => {
    assert.equal(await fileHash(first.file), hash, 'the previous animatic must be kept as it was');
    for (const dir of [path.dirname(first.file), path.join(p.dir, '.dailies', 'cut', 'segments')]) {
      const partial = (await fs.readdir(dir)).filter((f) => f.includes('.partial.'));
      assert.deepEqual(partial, [], `half-written files left in ${dir}`);
    }
  };
}

async function rejectsCut(promise: Promise<unknown>, code: string, message: RegExp, shotId?: string) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof CutError, `expected a CutError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    assert.equal(err.shotId, shotId);
    return true;
  });
}

function editShot(p: TempProject, index: number, edit: (shot: Record<string, unknown>) => void) {
  return (async () => {
    const json = await p.json();
    edit(json.shots[index] as unknown as Record<string, unknown>);
    await p.write(JSON.stringify(json, null, 2));
  })();
}

describe('animatic: bad input keeps the previous animatic', () => {
  for (const [label, value, where] of [
    ['zero', 0, 'shots\\[1\\]\\.duration'],
    ['absurd (> 10 min)', 601, 'shots\\[1\\]\\.duration'],
  ] as const) {
    it(`a ${label} duration is refused, naming the shot and where it is written`, async () => {
      const p = await project(THREE);
      const unchanged = await withPrevious(p);
      await editShot(p, 1, (s) => {
        s['duration'] = value;
      });
      await rejectsCut(
        build(p),
        'validation',
        new RegExp(`^s01-020: ${where}: duration ${value} s`),
        's01-020',
      );
      await unchanged();
    });
  }

  it('a bad defaults.duration is blamed on the first shot that uses it', async () => {
    const p = await project(
      [
        { id: 'a', duration: 1, color: '#111111' },
        { id: 'b', color: '#222222' },
      ],
      {
        defaults: { duration: 0 },
      },
    );
    await rejectsCut(build(p), 'validation', /^b: defaults\.duration: duration 0 s/, 'b');
  });

  it('a missing circled take file is an error naming the shot and the file', async () => {
    const p = await project(THREE);
    const unchanged = await withPrevious(p);
    await fs.rm(path.join(p.dir, 'renders/s01-030/s01-030_v1.png'));
    await rejectsCut(
      build(p),
      'ref-missing',
      /^s01-030: its circled take 1 \(renders\/s01-030\/s01-030_v1\.png\) is missing/,
      's01-030',
    );
    await unchanged();
  });

  it('a circled take that is a symlink out of the project is refused, not read', async () => {
    const p = await project(THREE);
    const outside = tempDir('dailies-outside-');
    cleanups.push(() => fs.rm(outside, { recursive: true, force: true }));
    const secret = path.join(outside, 'secret.png');
    await fs.copyFile(path.join(p.dir, 'renders/s01-010/s01-010_v1.png'), secret);
    const take = path.join(p.dir, 'renders/s01-020/s01-020_v1.png');
    await fs.rm(take);
    await fs.symlink(secret, take);
    await rejectsCut(build(p), 'ref-missing', /^s01-020: .* leads outside the project/, 's01-020');
  });

  it('--out outside the project, or through a symlinked folder, writes nothing there', async () => {
    const p = await project(THREE);
    const outside = tempDir('dailies-outside-');
    cleanups.push(() => fs.rm(outside, { recursive: true, force: true }));
    await rejectsCut(build(p, { out: path.join(outside, 'a.mp4') }), 'path-escape', /inside the project/);
    await rejectsCut(build(p, { out: '../escape.mp4' }), 'path-escape', /inside the project/);
    await fs.symlink(outside, path.join(p.dir, 'linked'));
    await assert.rejects(build(p, { out: 'linked/a.mp4' }), /leads outside the project/);
    assert.deepEqual(await fs.readdir(outside), []);
  });

  it('ffmpeg missing: a clear error from the lookup and from a build', async () => {
    assert.throws(
      () => locateFfmpeg({ setting: '/nonexistent/ffmpeg' }),
      /ffmpeg not found at \/nonexistent\/ffmpeg \(from the dailies\.ffmpegPath setting\)/,
    );
    assert.throws(
      () => locateFfmpeg({ env: { DAILIES_FFMPEG: '/nonexistent/ff' } }),
      /ffmpeg not found at \/nonexistent\/ff \(from DAILIES_FFMPEG\)/,
    );
    const p = await project(THREE);
    const unchanged = await withPrevious(p);
    await repaint(p, 's01-020', '#ffffff');
    await rejectsCut(
      build(p, { ffmpeg: '/nonexistent/ffmpeg' }),
      'not-found',
      /^s01-020: ffmpeg not found at \/nonexistent\/ffmpeg/,
      's01-020',
    );
    await unchanged();
  });

  it('the default ffmpeg is the npm package, not the system one', () => {
    const found = locateFfmpeg({ env: {} });
    assert.equal(found.source, 'package');
    assert.match(
      found.path.split(path.sep).join('/'),
      /node_modules\/@ffmpeg-installer\/[a-z0-9]+-[a-z0-9]+\/ffmpeg(\.exe)?$/,
    );
  });

  it("ffmpeg failing: the error names the shot and carries ffmpeg's own words", async () => {
    const p = await project(THREE);
    const unchanged = await withPrevious(p);
    await repaint(p, 's01-030', '#ffffff');
    const dir = tempDir('dailies-ff-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const wrapper = path.join(dir, 'ffmpeg');
    await fs.writeFile(wrapper, `#!/bin/sh\nexec "${bundledFfmpeg()}" -definitely_not_an_option 1 "$@"\n`, {
      mode: 0o755,
    });
    await rejectsCut(
      build(p, { ffmpeg: wrapper }),
      'bad-output',
      /^s01-030: ffmpeg failed: .*definitely_not_an_option/,
      's01-030',
    );
    await unchanged();
  });
});

describe('animatic: cancel and hangs', () => {
  it('cancel kills the running ffmpeg, removes its temp output and keeps the previous animatic', async () => {
    const p = await project([
      { id: 's01-010', duration: 1, color: '#aa3322' },
      { id: 's01-020', duration: 1, color: '#22aa33' },
    ]);
    const unchanged = await withPrevious(p);
    // Long, large, pushed-in shots: seconds of work, so the cancel lands mid-encode.
    for (const i of [0, 1]) {
      await editShot(p, i, (s) => {
        s['duration'] = 120;
      });
    }
    const controller = new AbortController();
    const pids: number[] = [];
    const building = build(p, {
      width: 1280,
      kenBurns: true,
      signal: controller.signal,
      onSpawn: (pid) => pids.push(pid),
      onEvent: (e) => {
        if (e.type === 'progress' && e.framesDone > 0) controller.abort();
      },
    });
    await assert.rejects(building, (err: unknown) => (err as { code?: string }).code === 'canceled');
    assert.ok(pids.length > 0);
    for (const pid of pids) assert.equal(isAlive(pid), false, `ffmpeg ${pid} still running`);
    await unchanged();
    const segments = await fs.readdir(path.join(p.dir, '.dailies', 'cut', 'segments'));
    assert.equal(segments.filter((f) => f.endsWith('.mp4')).length, 2, "only the first build's segments");
  });

  it('an ffmpeg that hangs (prints nothing) is killed after the idle timeout', async () => {
    const dir = tempDir('dailies-fifo-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const fifo = path.join(dir, 'never');
    execFileSync('mkfifo', [fifo]);
    let pid = 0;
    await assert.rejects(
      runFfmpeg(
        bundledFfmpeg(),
        ['-f', 'rawvideo', '-s', '16x16', '-pix_fmt', 'rgb24', '-i', fifo, '-f', 'null', '-'],
        {
          idleTimeoutMs: 500,
          onSpawn: (p) => {
            pid = p;
          },
        },
      ),
      /ffmpeg printed nothing for 1 s and was stopped/,
    );
    assert.ok(pid > 0);
    assert.equal(isAlive(pid), false);
  });
});
