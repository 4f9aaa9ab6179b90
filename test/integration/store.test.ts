// The content store against the fal fake with the real client: a damaged stored image is never served as
// "cached" (the estimate counts it, the job renders again, the log says why); a deleted renders/ comes back
// from the store without a single submit; renders/ shares the store's bytes instead of copying them; and
// a render edited in place through its link never leads to a payment the estimate did not show.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { RenderEvent } from '../../src/shared/events';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { cloudEngine } from '../helpers/cloud';
import { createProject, type TempProject } from '../helpers/tempProject';

const FAL_KEY = 'fal-test-key:secret';

function project(n: number) {
  return {
    dailies: 1,
    shots: Array.from({ length: n }, (_, i) => ({
      id: `st${i}`,
      prompt: `stored shot ${i}`,
      seed: 100 + i,
      model: 'fal-ai/flux/schnell',
    })),
  };
}

interface Output {
  shotId: string;
  image: string;
  thumb?: string;
  sha256: string;
}

async function outputs(p: TempProject): Promise<Output[]> {
  const doc = (await p.json()) as unknown as {
    shots: { id: string; render?: { outputs: { image: string; thumb?: string; sha256: string }[] } }[];
  };
  return doc.shots.flatMap((s) => (s.render?.outputs ?? []).map((o) => ({ shotId: s.id, ...o })));
}

const storeFile = (p: TempProject, sha: string, ext: string) =>
  path.join(p.dir, '.dailies', 'store', sha.slice(0, 2), `${sha}.${ext}`);

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function decodes(file: string): Promise<boolean> {
  try {
    await sharp(file).stats();
    return true;
  } catch {
    return false;
  }
}

/** Whether the project's filesystem can clone files (then renders must be reflinks, else hard links). */
async function reflinks(dir: string): Promise<boolean> {
  const probe = path.join(dir, '.reflink-probe');
  await fs.mkdir(probe);
  try {
    await fs.writeFile(path.join(probe, 'a'), 'x');
    await fs.copyFile(path.join(probe, 'a'), path.join(probe, 'b'), constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    return false;
  } finally {
    await fs.rm(probe, { recursive: true, force: true });
  }
}

const logs = (events: RenderEvent[]) =>
  events.flatMap((e) => (e.type === 'log' ? [`[${e.tag}] ${e.level} ${e.message}`] : []));

describe('content store (fal fake)', () => {
  let fal: FalFake;
  const cleanups: (() => Promise<void>)[] = [];
  before(async () => {
    fal = await startFalFake({ stepMs: 1, steps: 2, queueMs: 1, apiKey: FAL_KEY });
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  after(() => fal.close());

  async function rendered(n: number) {
    const p = await createProject(project(n));
    cleanups.push(() => p.cleanup());
    fal.clearRecords();
    const rig = cloudEngine(p.file, { fal });
    const s = await rig.engine.render();
    await rig.dispose();
    assert.equal(s.shots.rendered, n, JSON.stringify(s.errors));
    assert.equal(fal.count('submit'), n);
    return p;
  }

  it('damaged stored images are never served: estimate counts them, the run renders them again and says why', async () => {
    const p = await rendered(5);
    for (const o of await outputs(p)) {
      const file = storeFile(p, o.sha256, 'png');
      const { size } = await fs.stat(file);
      await fs.chmod(file, 0o644);
      await fs.writeFile(file, randomBytes(size)); // same size, in place: only a hash can tell
    }
    await fs.rm(path.join(p.dir, 'renders'), { recursive: true, force: true });

    const rig = cloudEngine(p.file, { fal });
    const est = await rig.engine.estimate();
    assert.equal(est.variations.cached, 0, 'a damaged image is not a cache hit');
    assert.equal(est.variations.toRender, 5);
    fal.clearRecords();
    const s = await rig.engine.render();
    const after = await rig.engine.estimate();
    await rig.dispose();
    assert.equal(s.shots.cached, 0);
    assert.equal(s.shots.rendered, 5, JSON.stringify(s.errors));
    assert.equal(fal.count('submit'), 5);
    for (const o of await outputs(p)) {
      const file = path.join(p.dir, o.image);
      assert.ok(await decodes(file), `${o.image} decodes`);
      assert.equal(sha256(await fs.readFile(file)), o.sha256);
    }
    assert.ok(
      logs(rig.events).some((l) => /^\[CACHE\] warn .*no longer matches its hash/.test(l)),
      logs(rig.events).join('\n'),
    );
    assert.equal(after.shots.fresh, 5);
  });

  it('renders/ deleted, store intact: every image comes back from the store with no submit', async () => {
    const p = await rendered(5);
    const before = await outputs(p);
    await fs.rm(path.join(p.dir, 'renders'), { recursive: true, force: true });
    fal.clearRecords();
    const rig = cloudEngine(p.file, { fal });
    const est = await rig.engine.estimate();
    const s = await rig.engine.render();
    await rig.dispose();
    assert.equal(est.variations.toRender, 0);
    assert.equal(est.variations.cached, 5);
    assert.equal(fal.count('submit'), 0, 'nothing paid for');
    assert.equal(s.shots.cached, 5);
    for (const o of before) {
      assert.equal(sha256(await fs.readFile(path.join(p.dir, o.image))), o.sha256);
      assert.ok(o.thumb && (await decodes(path.join(p.dir, o.thumb))), `${o.thumb} restored`);
    }
  });

  it('a damaged stored thumbnail is made again from the image, never paid for', async () => {
    const p = await rendered(2);
    const before = await outputs(p);
    for (const o of before) {
      const file = path.join(p.dir, o.thumb!);
      const digest = sha256(await fs.readFile(file));
      const stored = storeFile(p, digest, 'webp');
      await fs.chmod(stored, 0o644);
      await fs.writeFile(stored, randomBytes((await fs.stat(stored)).size));
    }
    await fs.rm(path.join(p.dir, 'renders'), { recursive: true, force: true });
    fal.clearRecords();
    const rig = cloudEngine(p.file, { fal });
    const s = await rig.engine.render();
    await rig.dispose();
    assert.equal(fal.count('submit'), 0);
    assert.equal(s.shots.cached, 2, JSON.stringify(s.errors));
    for (const o of before) assert.ok(await decodes(path.join(p.dir, o.thumb!)), `${o.thumb} decodes`);
  });

  it('renders/ shares the stored bytes (reflink, else hard link) and stored objects are read-only', async () => {
    const p = await rendered(3);
    const clone = await reflinks(p.dir);
    for (const o of await outputs(p)) {
      for (const [rel, sha, ext] of [
        [o.image, o.sha256, 'png'],
        [o.thumb!, undefined, 'webp'],
      ] as const) {
        const render = await fs.stat(path.join(p.dir, rel));
        const digest = sha ?? sha256(await fs.readFile(path.join(p.dir, rel)));
        const stored = await fs.stat(storeFile(p, digest, ext));
        if (clone) assert.notEqual(render.ino, stored.ino, `${rel} is a reflink, editable on its own`);
        else assert.equal(render.ino, stored.ino, `${rel} is a hard link to the store, not a copy`);
        if (process.platform !== 'win32')
          assert.equal(stored.mode & 0o222, 0, `${rel}: stored object is read-only`);
      }
    }
  });

  it('a render edited in place through its link: never paid for without the estimate showing it', async () => {
    const p = await rendered(2);
    const [o] = await outputs(p);
    const render = path.join(p.dir, o!.image);
    // What a user's image editor does when told to overwrite a read-only file (or any tool run as root).
    await fs.chmod(render, 0o644);
    const edit = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff00ff' } })
      .png()
      .toBuffer();
    const handle = await fs.open(render, 'r+');
    await handle.truncate(0);
    await handle.write(edit, 0, edit.length, 0);
    await handle.close();

    // The edited render is the user's: a plain run leaves it alone and pays nothing.
    fal.clearRecords();
    let rig = cloudEngine(p.file, { fal });
    await rig.engine.render();
    await rig.dispose();
    assert.equal(fal.count('submit'), 0);
    assert.deepEqual(await fs.readFile(render), edit, 'the user’s edit is kept');

    // Deleting the render asks the store for it: whatever happens, what is paid is what the estimate said.
    await fs.rm(render);
    rig = cloudEngine(p.file, { fal });
    const est = await rig.engine.estimate();
    fal.clearRecords();
    const s = await rig.engine.render();
    await rig.dispose();
    assert.equal(fal.count('submit'), est.variations.toRender, 'paid exactly what the estimate showed');
    assert.equal(s.errors.length, 0, JSON.stringify(s.errors));
    const now = await fs.readFile(render);
    const [after] = await outputs(p);
    assert.equal(sha256(now), after!.sha256, 'the render is a verified image again');
    if (est.variations.toRender > 0) {
      assert.ok(
        logs(rig.events).some((l) => /edited in place/.test(l)),
        `the log says why it renders again:\n${logs(rig.events).join('\n')}`,
      );
    }
  });
});
