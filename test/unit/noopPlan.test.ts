// A production with nothing to render must cost little however many shots it has: refs shared by every
// shot are resolved once per plan, the same text is not parsed twice, and a batch that recorded nothing
// does not re-read the file to check its records.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { RefHasher } from '../../src/core/cache/refHasher';
import { resolveConfig } from '../../src/core/config';
import { documentFromText, loadProject } from '../../src/core/project/load';
import { ProjectPaths } from '../../src/core/project/paths';
import type { RefSpec } from '../../src/core/project/spec';
import { FileProjectIO, type ProjectIO } from '../../src/core/project/write';
import { ModelRegistry } from '../../src/core/providers/registry';
import { RenderEngine } from '../../src/core/render/engine';
import { planBatch } from '../../src/core/render/plan';
import { FakeProvider } from '../helpers/fakeProvider';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project(n: number): Promise<TempProject> {
  const p = await createProject(simpleProject(n), simpleFiles);
  cleanups.push(() => p.cleanup());
  return p;
}

describe('a no-op plan at scale', () => {
  it('resolves and checks each shared ref once per plan, not once per shot', async () => {
    const p = await project(60);
    const paths = new ProjectPaths(p.file);
    const hasher = new RefHasher(paths);
    const asked: string[] = [];
    const hash = hasher.hash.bind(hasher);
    hasher.hash = (spec: RefSpec) => {
      asked.push(spec.ref);
      return hash(spec);
    };
    const registry = new ModelRegistry();
    const doc = await loadProject(p.file, { modelCheck: registry.modelCheck });
    const shots = await planBatch({
      doc,
      registry,
      config: resolveConfig({}),
      hasher,
      providers: { draft: new FakeProvider() },
    });
    assert.equal(shots.length, 60);
    assert.ok(shots.every((s) => s.refs.length >= 2 && s.refs.every((r) => r.sha256.length === 64)));
    assert.deepEqual(asked.sort(), ['cast/ann.png', 'cast/bo.png', 'decor/platform.jpg']);
  });

  it('parses the same text once while its document is in use', async () => {
    const p = await project(3);
    const registry = new ModelRegistry();
    const text = await p.read();
    const paths = new ProjectPaths(p.file);
    const a = documentFromText(paths, text, { modelCheck: registry.modelCheck });
    const b = documentFromText(paths, `${text}`, { modelCheck: registry.modelCheck });
    assert.equal(b.project, a.project, 'the second load reused the first parse');
    const c = documentFromText(paths, text.replace('Shot number 1,', 'Shot number one,'), {
      modelCheck: registry.modelCheck,
    });
    assert.notEqual(c.project, a.project);
    assert.equal(c.project.shots[0]!.prompt.startsWith('Shot number one'), true);
  });

  it('a batch with nothing to render reads project.json once, for its plan', async () => {
    const p = await project(5);
    const file = new FileProjectIO(p.file);
    let reads = 0;
    const io: ProjectIO = {
      withLock: (fn) => file.withLock(fn),
      read: () => {
        reads++;
        return file.read();
      },
      write: (before, after) => file.write(before, after),
    };
    const engine = new RenderEngine({
      projectFile: p.file,
      config: resolveConfig({}),
      providers: { draft: new FakeProvider() },
      io,
      flushDelayMs: 10,
    });
    cleanups.push(() => engine.dispose());
    assert.equal((await engine.render()).shots.rendered, 5);
    reads = 0;
    const again = await engine.render();
    assert.equal(again.shots.skipped, 5);
    assert.equal(reads, 1);
  });

  it('plans from the text its IO already read while the file is unchanged, and reads an edited file again', async () => {
    const p = await project(4);
    const file = new FileProjectIO(p.file);
    const reads: string[] = [];
    const read = file.read.bind(file);
    file.read = async () => {
      const text = await read();
      reads.push(text);
      return text;
    };
    const first = new RenderEngine({
      projectFile: p.file,
      config: resolveConfig({}),
      providers: { draft: new FakeProvider() },
      flushDelayMs: 10,
    });
    assert.equal((await first.render()).shots.rendered, 4);
    await first.dispose();
    // As the CLI does: the project is loaded through an IO, and the engine is handed that IO.
    await file.read();
    const engine = new RenderEngine({
      projectFile: p.file,
      config: resolveConfig({}),
      providers: { draft: new FakeProvider() },
      io: file,
      flushDelayMs: 10,
    });
    cleanups.push(() => engine.dispose());
    reads.length = 0;
    assert.equal((await engine.render()).shots.skipped, 4);
    assert.equal(reads.length, 0, 'the unchanged file was not read again');

    const text = await p.read();
    await p.write(text.replace('Shot number 2,', 'Shot number two,'));
    const again = await engine.render();
    assert.ok(reads.length >= 1, 'the edited file was read');
    assert.ok(reads[0]!.includes('Shot number two,'));
    assert.deepEqual([again.shots.rendered, again.shots.skipped], [1, 3]);
  });
});
