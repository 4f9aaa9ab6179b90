// Dailies writes only inside the project folder, by real path, and never through a link on a state file.
// Each case plants a symbolic link the way a cloned repository (or an unlucky `ln -s`) could, renders,
// and checks that nothing outside the project changed — byte for byte, file for file.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { resolveConfig } from '../../src/core/config';
import { migrateRemoteMedia } from '../../src/core/media/migrate';
import { parseProjectText } from '../../src/core/project/load';
import { FileProjectIO } from '../../src/core/project/write';
import { RenderEngine } from '../../src/core/render/engine';
import { DailiesError } from '../../src/core/util/errors';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { cloudEngine, FAL_KEY } from '../helpers/cloud';
import { FakeProvider } from '../helpers/fakeProvider';
import { createProject, simpleFiles, simpleProject, type TempProject, tempDir } from '../helpers/tempProject';

/** Every file under `dir` (links not followed) with a hash of its bytes, or the link's target. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(d, e.name);
      const rel = path.relative(dir, full);
      if (e.isSymbolicLink()) out[rel] = `link:${await fs.readlink(full)}`;
      else if (e.isDirectory()) {
        out[`${rel}/`] = 'dir';
        await walk(full);
      } else
        out[rel] = createHash('sha256')
          .update(await fs.readFile(full))
          .digest('hex');
    }
  };
  await walk(dir);
  return out;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A project with `n` draft shots and a folder `outside` beside it (not in it) holding a bait file. */
async function projectWithOutside(
  n = 3,
): Promise<{ p: TempProject; outside: string; engine: RenderEngine; fake: FakeProvider }> {
  const p = await createProject(simpleProject(n), simpleFiles);
  const outside = tempDir('dailies-outside-');
  await fs.writeFile(path.join(outside, 'bait.txt'), 'not Dailies’ to touch');
  const fake = new FakeProvider();
  const engine = new RenderEngine({
    projectFile: p.file,
    config: resolveConfig({ retry: { attempts: 2, baseMs: 5, maxMs: 100 } }),
    providers: { draft: fake },
    flushDelayMs: 20,
  });
  cleanups.push(async () => {
    await engine.dispose();
    await p.cleanup();
    await fs.rm(outside, { recursive: true, force: true });
  });
  return { p, outside, engine, fake };
}

const isEscape = (err: unknown) =>
  err instanceof DailiesError && err.code === 'path-escape' && /outside the project/.test(err.message);

describe('folders on an output path that are links to outside the project', () => {
  for (const folder of ['renders', '.dailies']) {
    it(`${folder}/ → outside: refused before anything is rendered; nothing written outside`, async () => {
      const { p, outside, engine, fake } = await projectWithOutside();
      await fs.symlink(outside, path.join(p.dir, folder));
      const before = await snapshot(outside);
      await assert.rejects(engine.render(), isEscape);
      assert.equal(fake.calls.length, 0, 'nothing paid for');
      assert.deepEqual(await snapshot(outside), before);
    });
  }

  for (const folder of ['.dailies/store', '.dailies/results', 'renders/shot-002']) {
    it(`${folder} → outside: the shots fail clearly; nothing written outside`, async () => {
      const { p, outside, engine } = await projectWithOutside();
      await fs.mkdir(path.dirname(path.join(p.dir, folder)), { recursive: true });
      await fs.symlink(outside, path.join(p.dir, folder));
      const before = await snapshot(outside);
      const summary = await engine.render().catch((err: unknown) => {
        assert.ok(isEscape(err), String(err));
        return undefined;
      });
      if (summary) {
        assert.ok(summary.errors.length > 0, 'some shot must fail');
        for (const e of summary.errors) assert.equal(e.code, 'path-escape', e.message);
      }
      assert.deepEqual(await snapshot(outside), before);
    });
  }

  for (const folder of ['renders', '.dailies']) {
    it(`${folder} as a dangling link to a folder outside: refused; nothing is created there`, async () => {
      const { p, outside, engine, fake } = await projectWithOutside();
      const ghost = path.join(outside, 'ghost');
      await fs.symlink(ghost, path.join(p.dir, folder));
      await assert.rejects(engine.render(), isEscape);
      assert.equal(fake.calls.length, 0);
      await assert.rejects(fs.lstat(ghost), /ENOENT/);
    });
  }

  it('a link that stays inside the project is followed: renders land in the real folder', async () => {
    const { p, engine } = await projectWithOutside(2);
    await fs.mkdir(path.join(p.dir, 'big-disk', 'renders'), { recursive: true });
    await fs.symlink(path.join(p.dir, 'big-disk', 'renders'), path.join(p.dir, 'renders'));
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 2, JSON.stringify(summary.errors));
    const files = await fs.readdir(path.join(p.dir, 'big-disk', 'renders', 'shot-001'));
    assert.ok(files.includes('shot-001_v1.png'), files.join(','));
  });

  it('migrate: media/remote → outside: the download is refused; nothing written outside', async () => {
    const p = await createProject(
      { dailies: 1, shots: [{ id: 'a', prompt: 'x', refs: ['https://v3.fal.media/files/aa/one.png'] }] },
      {},
    );
    const outside = tempDir('dailies-outside-');
    cleanups.push(async () => {
      await p.cleanup();
      await fs.rm(outside, { recursive: true, force: true });
    });
    await fs.mkdir(path.join(p.dir, 'media'));
    await fs.symlink(outside, path.join(p.dir, 'media', 'remote'));
    const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#884422' } })
      .png()
      .toBuffer();
    const report = await migrateRemoteMedia({
      root: p.dir,
      io: new FileProjectIO(p.file),
      validate: (text) => parseProjectText(text, p.file),
      config: resolveConfig({}),
      fetch: async () => new Response(png, { headers: { 'content-type': 'image/png' } }),
    });
    assert.equal(report.migrated.length, 0);
    assert.equal(report.failed.length, 1);
    assert.match(report.failed[0]!.error, /outside the project/);
    assert.deepEqual(await fs.readdir(outside), []);
  });
});

describe('state files in .dailies/ that are links to outside files', () => {
  let fal: FalFake;
  before(async () => {
    fal = await startFalFake({ stepMs: 1, steps: 2, queueMs: 1, apiKey: FAL_KEY });
  });
  after(() => fal.close());

  it('metrics, hashes, uploads and journal links: the outside files stay as they were; Dailies keeps working', async () => {
    const p = await createProject(
      {
        dailies: 1,
        shots: [0, 1, 2].map((i) => ({
          id: `k${i}`,
          prompt: `shot ${i}`,
          seed: i,
          model: 'fal-ai/flux-pro/kontext/multi',
          refs: ['refs/a.png'],
        })),
      },
      { 'refs/a.png': { color: '#aa2222', width: 64, height: 48 } },
    );
    const outside = tempDir('dailies-outside-');
    cleanups.push(async () => {
      await p.cleanup();
      await fs.rm(outside, { recursive: true, force: true });
    });
    await fs.mkdir(path.join(p.dir, '.dailies'));
    const names = ['metrics.json', 'hashes.json', 'uploads.json', 'journal.jsonl'];
    for (const name of names) {
      await fs.writeFile(path.join(outside, name), `precious ${name}\n`);
      await fs.symlink(path.join(outside, name), path.join(p.dir, '.dailies', name));
    }
    // A dangling link must not create its target either.
    await fs.symlink(path.join(outside, 'results-ghost.json'), path.join(p.dir, '.dailies', 'ghost.json'));
    const before = await snapshot(outside);

    const rig = cloudEngine(p.file, { fal });
    const summary = await rig.engine.render();
    await rig.dispose();
    assert.equal(summary.shots.rendered, 3, JSON.stringify(summary.errors));
    assert.deepEqual(
      await snapshot(outside),
      before,
      'no outside file was replaced, truncated or appended to',
    );
    for (const name of ['metrics.json', 'hashes.json', 'uploads.json']) {
      const st = await fs.lstat(path.join(p.dir, '.dailies', name));
      assert.ok(st.isFile(), `${name} is now a regular file inside the project`);
    }
    // The state written inside the project is real: a second run pays for nothing and uploads nothing.
    fal.clearRecords();
    const again = cloudEngine(p.file, { fal });
    const s2 = await again.engine.render({ shots: ['k0'], force: false });
    await again.dispose();
    assert.equal(s2.shots.rendered, 0);
    assert.equal(fal.count('submit'), 0);
    assert.deepEqual(await snapshot(outside), before);
  });
});
