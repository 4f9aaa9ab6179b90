// Refs enter a shot's hash by content, not by path and not by (mtime, size): a ref rewritten in place —
// same path, same size, same inode, mtime put back — must make exactly the shots that use it stale (directly,
// through a cast member, through a scene), and no other shot, not even one using a copy with the old bytes.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import sharp from 'sharp';
import { resolveConfig } from '../../src/core/config';
import { RenderEngine } from '../../src/core/render/engine';
import { FakeProvider } from '../helpers/fakeProvider';
import { createProject, type TempProject } from '../helpers/tempProject';

/** Uncompressed PNG: its size depends on the dimensions only, so new bytes can keep the old size. */
const png = (color: string) =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: color } })
    .png({ compressionLevel: 0, adaptiveFiltering: false })
    .toBuffer();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function engineFor(p: TempProject) {
  const fake = new FakeProvider();
  const engine = new RenderEngine({
    projectFile: p.file,
    config: resolveConfig({}),
    providers: { draft: fake },
    flushDelayMs: 20,
  });
  cleanups.push(() => engine.dispose());
  return { engine, fake };
}

async function staleShots(engine: RenderEngine): Promise<string[]> {
  const { shots } = await engine.plan();
  return shots.filter((s) => s.freshness !== 'fresh').map((s) => s.shot.id);
}

describe('stale detection by ref content', () => {
  it('a ref rewritten in place (same size, inode and mtime) makes exactly its shots stale', async () => {
    const p = await createProject({
      dailies: 1,
      cast: [{ id: 'ann', refs: ['refs/a.png'] }],
      scenes: [{ id: 'sc', decor: ['refs/c.png'] }],
      shots: [
        { id: 'uses-a', prompt: 'one', refs: ['refs/a.png'] },
        { id: 'uses-b', prompt: 'two', refs: ['refs/b.png'] },
        { id: 'cast-a', prompt: 'three', cast: ['ann'] },
        { id: 'scene-c', prompt: 'four', scene: 'sc' },
        { id: 'no-refs', prompt: 'five' },
        { id: 'copy-of-a', prompt: 'six', refs: ['refs/a-copy.png'] },
      ],
    });
    cleanups.push(() => p.cleanup());
    const a = path.join(p.dir, 'refs', 'a.png');
    await fs.mkdir(path.dirname(a));
    const original = await png('#aa2222');
    await fs.writeFile(a, original);
    await fs.writeFile(path.join(p.dir, 'refs', 'a-copy.png'), original);
    await fs.writeFile(path.join(p.dir, 'refs', 'b.png'), await png('#2222aa'));
    await fs.writeFile(path.join(p.dir, 'refs', 'c.png'), await png('#22aa22'));
    // Whole seconds, so putting the mtime back restores it exactly.
    const when = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
    await fs.utimes(a, when, when);

    const first = engineFor(p);
    const s = await first.engine.render();
    assert.equal(s.shots.rendered, 6, JSON.stringify(s.errors));
    assert.deepEqual(await staleShots(first.engine), []);
    const before = await fs.stat(a);

    // An editor (or a script) that rewrites the file in place and keeps its timestamp.
    const edited = await png('#ff00ff');
    assert.equal(edited.length, original.length);
    assert.notDeepEqual(edited, original);
    const handle = await fs.open(a, 'r+');
    await handle.write(edited, 0, edited.length, 0);
    await handle.close();
    await fs.utimes(a, when, when);
    const now = await fs.stat(a);
    assert.deepEqual([now.ino, now.size, now.mtimeMs], [before.ino, before.size, before.mtimeMs]);

    const expected = ['cast-a', 'uses-a'];
    // The same engine (an open VS Code window) and a new one (the next CLI run, reading hashes.json).
    assert.deepEqual((await staleShots(first.engine)).sort(), expected);
    const second = engineFor(p);
    assert.deepEqual((await staleShots(second.engine)).sort(), expected);
    const again = await second.engine.render();
    assert.deepEqual(second.fake.calls.map((c) => c.shotId).sort(), expected);
    assert.equal(again.shots.rendered, 2);
  });
});
