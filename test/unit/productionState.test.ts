import assert from 'node:assert/strict';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { resolveConfig } from '../../src/core/config';
import { shotLines } from '../../src/core/project/edit';
import { RenderEngine } from '../../src/core/render/engine';
import { ProductionState } from '../../src/core/state/productionState';
import { DailiesError } from '../../src/core/util/errors';
import { FakeProvider } from '../helpers/fakeProvider';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

const open: { engine: RenderEngine; p: TempProject }[] = [];
afterEach(async () => {
  while (open.length) {
    const o = open.pop()!;
    await o.engine.dispose();
    await o.p.cleanup();
  }
});

async function setup(fail?: (shotId: string) => boolean) {
  const p = await createProject(
    simpleProject(4, (i) => (i === 3 ? { refs: ['missing.png'] } : {})),
    simpleFiles,
  );
  const engine = new RenderEngine({
    projectFile: p.file,
    config: resolveConfig({ retry: { attempts: 1 } }),
    providers: {
      draft: new FakeProvider({
        latencyMs: 30,
        fail: (r) => (fail?.(r.shotId) ? new DailiesError('validation', 'nsfw filter') : undefined),
      }),
    },
    flushDelayMs: 10,
  });
  open.push({ engine, p });
  const state = new ProductionState();
  const refresh = async () => {
    const { doc, shots } = await engine.plan();
    state.applyPlan(doc, shots, shotLines(doc.text));
  };
  return { p, engine, state, refresh };
}

describe('ProductionState', () => {
  it('derives statuses from the plan, with the line of every shot', async () => {
    const { p, state, refresh } = await setup();
    await refresh();
    assert.deepEqual(
      state.all().map((s) => s.status),
      ['never', 'never', 'never', 'invalid'],
    );
    assert.match(state.get('shot-004')!.reason!, /missing\.png/);
    assert.ok(state.all().every((s, i, all) => s.line > 0 && (i === 0 || s.line > all[i - 1]!.line)));
    assert.equal(state.title, path.basename(p.dir), 'a project without a title is named after its folder');
  });

  it('follows a batch live: queued → running with steps → done; failures stay visible after a re-plan', async () => {
    const { engine, state, refresh } = await setup((id) => id === 'shot-002');
    await refresh();
    const seen = new Map<string, Set<string>>();
    engine.onEvent((e) => {
      for (const id of state.applyEvent(e)) {
        const s = state.get(id)!;
        const set = seen.get(id) ?? new Set<string>();
        set.add(s.progress?.step ? `${s.status}:${s.progress.step}/${s.progress.steps}` : s.status);
        seen.set(id, set);
      }
    });
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 2);
    assert.ok(seen.get('shot-001')!.has('queued'));
    assert.ok(seen.get('shot-001')!.has('running:1/2'));
    assert.ok(seen.get('shot-001')!.has('done'));
    assert.equal(state.get('shot-002')!.status, 'failed');
    assert.equal(state.batch()!.running, false);
    assert.equal(state.batch()!.jobsDone, 3);
    await refresh();
    assert.equal(state.get('shot-001')!.status, 'fresh');
    assert.equal(
      state.get('shot-002')!.status,
      'failed',
      'the failure is not in project.json, but it is still shown',
    );
    assert.equal(state.get('shot-002')!.reason, 'nsfw filter');
    assert.deepEqual(state.counts().fresh, 2);
  });

  it('keeps the last good view while the file is broken, and clears the problem once fixed', async () => {
    const { p, state, refresh } = await setup();
    await refresh();
    const good = await p.read();
    await p.write('{ "shots": [ ');
    await assert.rejects(refresh(), /syntax/);
    state.setProblem('project.json: JSON syntax error');
    assert.equal(state.all().length, 4, 'shots keep their last known state');
    await p.write(good);
    await refresh();
    assert.equal(state.problem, undefined);
  });
});
