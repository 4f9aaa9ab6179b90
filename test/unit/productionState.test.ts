import assert from 'node:assert/strict';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { resolveConfig } from '../../src/core/config';
import { RenderEngine } from '../../src/core/render/engine';
import { ProductionState } from '../../src/core/state/productionState';
import { DailiesError } from '../../src/core/util/errors';
import { BatchProgress } from '../../src/shared/batchProgress';
import { SHOT_STATES } from '../../src/shared/shotState';
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

async function setup(options: { fail?: (shotId: string) => boolean; latencyMs?: number } = {}) {
  const p = await createProject(
    simpleProject(4, (i) => (i === 3 ? { refs: ['missing.png'] } : {})),
    simpleFiles,
  );
  const provider = new FakeProvider({
    latencyMs: options.latencyMs ?? 30,
    fail: (r) => (options.fail?.(r.shotId) ? new DailiesError('validation', 'nsfw filter') : undefined),
  });
  const engine = new RenderEngine({
    projectFile: p.file,
    config: resolveConfig({ retry: { attempts: 1 } }),
    providers: { draft: provider },
    flushDelayMs: 10,
  });
  open.push({ engine, p });
  const state = new ProductionState();
  const refresh = async () => {
    const { doc, shots } = await engine.plan();
    return state.applyPlan(doc, shots);
  };
  return { p, engine, state, refresh, provider };
}

describe('ProductionState', () => {
  it('derives states in the shared vocabulary from the plan, with the line of every shot', async () => {
    const { p, state, refresh } = await setup();
    await refresh();
    assert.deepEqual(
      state.all().map((s) => s.status),
      ['not-rendered', 'not-rendered', 'not-rendered', 'invalid'],
    );
    for (const s of state.all())
      assert.ok(SHOT_STATES.includes(s.status), `${s.status} is in the vocabulary`);
    assert.match(state.get('shot-004')!.reason!, /missing\.png/);
    assert.ok(state.all().every((s, i, all) => s.line > 0 && (i === 0 || s.line > all[i - 1]!.line)));
    const text = await p.read();
    for (const s of state.all())
      assert.match(text.split('\n')[s.line + 1]!, new RegExp(`"id": "${s.id}"`), `line of ${s.id}`);
    assert.equal(state.title, path.basename(p.dir), 'a project without a title is named after its folder');
  });

  it('follows a batch live: queued → running with steps → done; failures stay visible after a re-plan', async () => {
    const { engine, state, refresh } = await setup({ fail: (id) => id === 'shot-002' });
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
    assert.equal(state.get('shot-004')!.status, 'invalid', 'an invalid shot is never queued or "failed"');
    assert.ok(!seen.get('shot-004')?.has('queued'));
    const batch = state.batch()!;
    assert.equal(batch.running, false);
    assert.deepEqual(
      [batch.shotsDone, batch.shotsTotal],
      [4, 4],
      'shots are the unit (the invalid one finished too)',
    );
    assert.equal(batch.jobsDone, 3);
    await refresh();
    assert.equal(state.get('shot-001')!.status, 'done');
    assert.equal(
      state.get('shot-002')!.status,
      'failed',
      'the failure is not in project.json, but it is still shown',
    );
    assert.equal(state.get('shot-002')!.reason, 'nsfw filter');
    assert.equal(state.counts().done, 2);
  });

  it('a re-plan of a file the write-back has not reached yet keeps a finished shot done', async () => {
    const { engine, state, refresh } = await setup();
    await refresh();
    // The plan as it was before the batch: shot-001 stale on disk.
    const before = await engine.plan();
    assert.equal(state.get('shot-001')!.status, 'not-rendered');
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 3);
    const shots = [{ shotId: 'shot-001', variations: 1, stale: true }];
    state.applyEvent({ type: 'batch-start', batchId: 'b', projectFile: '', startedAt: 0, shots, jobs: 1 });
    state.applyEvent({ type: 'shot', batchId: 'b', shotId: 'shot-001', outcome: 'rendered' });
    assert.equal(state.get('shot-001')!.status, 'done');
    // A file change from an earlier flush is re-planned while the batch runs: still done.
    state.applyPlan(before.doc, before.shots);
    assert.equal(state.get('shot-001')!.status, 'done');
    // After the batch every record is on disk, so the file is the truth again.
    state.applyEvent({ type: 'batch-end', batchId: 'b', summary });
    state.applyPlan(before.doc, before.shots);
    assert.equal(state.get('shot-001')!.status, 'not-rendered');
    await refresh();
    assert.equal(state.get('shot-001')!.status, 'done');
  });

  it('after Cancel, a shot that failed before shows canceled — also after a re-plan, and in the counts', async () => {
    const { p, engine, state, refresh } = await setup({ fail: () => true });
    await refresh();
    const sub = engine.onEvent((e) => state.applyEvent(e));
    await engine.render();
    sub.dispose();
    assert.equal(state.get('shot-001')!.status, 'failed');
    await refresh();
    // The same production with a slow provider: Cancel while the shots run.
    const slow = new RenderEngine({
      projectFile: p.file,
      config: resolveConfig({ retry: { attempts: 1 } }),
      providers: { draft: new FakeProvider({ latencyMs: 5_000 }) },
      flushDelayMs: 10,
    });
    open.push({ engine: slow, p });
    slow.onEvent((e) => {
      state.applyEvent(e);
      if (e.type === 'job' && e.state === 'running') slow.cancelAll();
    });
    await slow.render();
    assert.equal(state.get('shot-001')!.status, 'canceled');
    assert.equal(state.get('shot-001')!.reason, 'canceled before it finished');
    const { doc, shots } = await slow.plan();
    state.applyPlan(doc, shots);
    assert.equal(state.get('shot-001')!.status, 'canceled', 'not the earlier failure');
    const counts = state.counts();
    assert.equal(counts.failed, 0, JSON.stringify(counts));
    assert.equal(counts.canceled, 3, JSON.stringify(counts));
  });

  it('a re-plan reports only the shots whose view changed, and a structural change as such', async () => {
    const { p, refresh } = await setup();
    assert.equal((await refresh()).structural, true, 'the first plan builds everything');
    const again = await refresh();
    assert.deepEqual(again, { structural: false, ids: [] }, 'nothing changed, nothing to redraw');
    const project = await p.json();
    project.shots[1]!.prompt = 'A new prompt';
    await p.write(JSON.stringify(project, null, 2));
    assert.deepEqual(await refresh(), { structural: false, ids: ['shot-002'] });
    project.shots.reverse();
    await p.write(JSON.stringify(project, null, 2));
    assert.equal((await refresh()).structural, true, 'a reorder rebuilds');
  });

  it('keeps the last good view while the file is broken, and clears the problem once fixed', async () => {
    const { p, state, refresh } = await setup();
    await refresh();
    const good = await p.read();
    await p.write('{ "shots": [ ');
    await assert.rejects(refresh(), /syntax/);
    assert.equal(state.setProblem('project.json: JSON syntax error'), true);
    assert.equal(state.setProblem('project.json: JSON syntax error'), false, 'the same problem is no news');
    assert.equal(state.all().length, 4, 'shots keep their last known state');
    await p.write(good);
    assert.equal((await refresh()).structural, true, 'leaving the problem redraws everything');
    assert.equal(state.problem, undefined);
  });
});

describe('BatchProgress', () => {
  it('counts the shots a batch renders, not the fresh ones it skips, and never variations', () => {
    const b = new BatchProgress();
    b.apply({
      type: 'batch-start',
      batchId: 'b',
      projectFile: 'p',
      startedAt: 0,
      shots: [
        { shotId: 'a', variations: 3, stale: true },
        { shotId: 'b', variations: 1, stale: false },
        { shotId: 'c', variations: 2, stale: true },
      ],
      jobs: 5,
    });
    b.apply({ type: 'shot', batchId: 'b', shotId: 'b', outcome: 'skipped' });
    assert.deepEqual([b.shotsDone, b.shotsTotal], [0, 2]);
    b.apply({ type: 'shot', batchId: 'b', shotId: 'a', outcome: 'canceled' });
    assert.deepEqual([b.shotsDone, b.shotsTotal, b.shotsCanceled], [1, 2, 1]);
  });
});
