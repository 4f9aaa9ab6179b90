// Output checks are blocking stats while the disk answers in microseconds, and go back to the thread
// pool (several at a time) once stats are slow (a network share): either way the answer is the same.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { RefHasher } from '../../src/core/cache/refHasher';
import { resolveConfig } from '../../src/core/config';
import { loadProject } from '../../src/core/project/load';
import { ModelRegistry } from '../../src/core/providers/registry';
import { RenderEngine } from '../../src/core/render/engine';
import { OutputCheck, STAT_SAMPLE, type StatFunctions } from '../../src/core/render/outputCheck';
import { planBatch } from '../../src/core/render/plan';
import { FakeProvider } from '../helpers/fakeProvider';
import { createProject, simpleFiles, simpleProject, tempDir } from '../helpers/tempProject';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Real stats, on a clock that advances `msPerStat(n)` for the n-th blocking one; counts both kinds. */
function timedStats(msPerStat: number | ((n: number) => number)) {
  let clock = 0;
  const calls = { sync: 0, pooled: 0 };
  const io: StatFunctions = {
    statSync: (file) => {
      calls.sync++;
      clock += typeof msPerStat === 'number' ? msPerStat : msPerStat(calls.sync);
      return fs.statSync(file, { throwIfNoEntry: false });
    },
    stat: (file, done) => {
      calls.pooled++;
      fs.stat(file, done);
    },
    now: () => clock,
  };
  return { io, calls };
}

describe('output checks', () => {
  let dir: string;
  before(() => {
    dir = tempDir('dailies-outputs-');
    fs.writeFileSync(path.join(dir, 'a.png'), 'x');
    fs.mkdirSync(path.join(dir, 'folder.png'));
    fs.symlinkSync(path.join(dir, 'gone.png'), path.join(dir, 'dangling.png'));
    fs.symlinkSync(path.join(dir, 'a.png'), path.join(dir, 'link.png'));
  });
  after(() => fs.promises.rm(dir, { recursive: true, force: true }));
  const cases: [string, boolean][] = [
    ['a.png', true],
    ['link.png', true],
    ['folder.png', false],
    ['dangling.png', false],
    ['missing.png', false],
    ['a.png/inside', false], // ENOTDIR: an error other than "no such file" is still "not there"
  ];

  it('answers at once while stats are fast, and only a regular file counts', async () => {
    const { io, calls } = timedStats(0.005);
    const check = new OutputCheck(io);
    for (let round = 0; round < 20; round++)
      for (const [name, want] of cases) {
        const got = check.isFile(path.join(dir, name));
        assert.equal(typeof got, 'boolean', 'a synchronous answer');
        assert.equal(got, want, name);
      }
    assert.equal(calls.pooled, 0);
  });

  it('stays with blocking stats when only a few are slow (the thread descheduled on a busy machine)', () => {
    const { io, calls } = timedStats((n) => (n % 8 === 0 ? 30 : 0.005));
    const check = new OutputCheck(io);
    for (let i = 0; i < 10 * STAT_SAMPLE; i++) assert.equal(check.isFile(path.join(dir, 'a.png')), true);
    assert.equal(calls.pooled, 0);
  });

  it('hands the checks to the thread pool once stats are slow, with the same answers', async () => {
    const { io, calls } = timedStats(1);
    const check = new OutputCheck(io);
    const answers: (boolean | Promise<boolean>)[] = [];
    for (let round = 0; round < 20; round++)
      for (const [name] of cases) answers.push(check.isFile(path.join(dir, name)));
    assert.equal(calls.sync, STAT_SAMPLE, 'blocking stats stop after the first sample');
    assert.equal(calls.pooled, answers.length - STAT_SAMPLE);
    assert.ok(answers[answers.length - 1] instanceof Promise);
    const got = await Promise.all(answers);
    for (const [i, ok] of got.entries()) {
      const [name, want] = cases[i % cases.length]!;
      assert.equal(ok, want, name);
    }
  });

  it('a plan on a slow disk still finds the output that is gone, through the pooled checks', async () => {
    const p = await createProject(simpleProject(40), simpleFiles);
    cleanups.push(() => p.cleanup());
    const engine = new RenderEngine({
      projectFile: p.file,
      config: resolveConfig({}),
      providers: { draft: new FakeProvider() },
      flushDelayMs: 10,
    });
    assert.equal((await engine.render()).shots.rendered, 40);
    await engine.dispose();
    const registry = new ModelRegistry();
    const doc = await loadProject(p.file, { modelCheck: registry.modelCheck });
    const lost = doc.project.shots[39]!;
    await fs.promises.rm(path.join(p.dir, lost.render!.outputs[0]!.image));
    const { io, calls } = timedStats(1);
    const shots = await planBatch({
      doc,
      registry,
      config: resolveConfig({}),
      hasher: new RefHasher(doc.paths),
      providers: { draft: new FakeProvider() },
      outputs: new OutputCheck(io),
    });
    assert.ok(calls.pooled > 0, 'the later checks went through the thread pool');
    assert.deepEqual(
      shots.filter((s) => s.freshness !== 'fresh').map((s) => [s.shot.id, s.freshness]),
      [[lost.id, 'missing-output']],
    );
  });
});
