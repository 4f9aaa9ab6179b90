// A batch feeds its shots to the limiters a window at a time (memory stays flat with the batch size),
// without leaving a slot idle, and a shot still waiting for its turn can be canceled like a running one.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { resolveConfig } from '../../src/core/config';
import { RenderEngine } from '../../src/core/render/engine';
import { runWindowed } from '../../src/core/render/window';
import type { RenderEvent } from '../../src/shared/events';
import { FakeProvider } from '../helpers/fakeProvider';
import { createProject } from '../helpers/tempProject';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(n: number, light: number, latencyMs: number) {
  const p = await createProject({
    dailies: 1,
    shots: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, prompt: `shot ${i}`, seed: i })),
  });
  const fake = new FakeProvider({ latencyMs });
  const engine = new RenderEngine({
    projectFile: p.file,
    config: resolveConfig({ limits: { light } }),
    providers: { draft: fake },
    flushDelayMs: 20,
  });
  const events: RenderEvent[] = [];
  engine.onEvent((e) => events.push(e));
  cleanups.push(async () => {
    await engine.dispose();
    await p.cleanup();
  });
  return { engine, fake, events };
}

describe('batch window', () => {
  it('starts a window of shots, not the whole batch, and still fills every slot', async () => {
    const { engine, fake, events } = await setup(120, 2, 5);
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 120);
    const firstDone = events.findIndex((e) => e.type === 'job' && e.state === 'done');
    const queuedBefore = events
      .slice(0, firstDone)
      .filter((e) => e.type === 'job' && e.state === 'queued').length;
    assert.ok(queuedBefore <= 2 * 2 + 4, `${queuedBefore} shots were started before the first finished`);
    assert.equal(fake.peak, 2, 'both slots were used');
  });

  it('cancels a shot that is still waiting for its turn: it never reaches the provider', async () => {
    const { engine, fake, events } = await setup(40, 1, 10);
    engine.onEvent((e) => {
      if (e.type === 'batch-start') assert.ok(engine.cancelShot('s35'), 'the waiting shot can be canceled');
    });
    const summary = await engine.render();
    assert.equal(summary.shots.canceled, 1);
    assert.equal(summary.shots.rendered, 39);
    assert.ok(!fake.calls.some((c) => c.shotId === 's35'));
    const outcome = events.find((e) => e.type === 'shot' && e.shotId === 's35');
    assert.ok(outcome?.type === 'shot' && outcome.outcome === 'canceled');
    assert.equal(engine.cancelShot('s35'), false, 'nothing is left to cancel after the batch');
  });

  it('runWindowed keeps order within a group, bounds each group, and reports the first failure', async () => {
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    const order: number[] = [];
    await runWindowed(
      Array.from({ length: 30 }, (_, i) => i),
      (i) => (i % 3 === 0 ? 'a' : 'b'),
      (g) => (g === 'a' ? 2 : 3),
      async (i) => {
        const g = i % 3 === 0 ? 'a' : 'b';
        running.set(g, (running.get(g) ?? 0) + 1);
        peak.set(g, Math.max(peak.get(g) ?? 0, running.get(g)!));
        order.push(i);
        await new Promise((r) => setTimeout(r, 2));
        running.set(g, running.get(g)! - 1);
      },
    );
    assert.deepEqual([peak.get('a'), peak.get('b')], [2, 3]);
    assert.deepEqual(
      order.filter((i) => i % 3 === 0),
      [0, 3, 6, 9, 12, 15, 18, 21, 24, 27],
    );
    await assert.rejects(
      runWindowed(
        [1, 2, 3],
        () => 'g',
        () => 1,
        async (i) => {
          if (i === 2) throw new Error('boom');
        },
      ),
      /boom/,
    );
    await runWindowed(
      [],
      () => 'g',
      () => 1,
      async () => undefined,
    );
  });
});
