// The engine asks its confirmSpend hook once per batch, after planning and before any upload or submit,
// whenever the batch would render on an available cloud provider (issue 11 item 9, issue 10 item 15).
// The extension bakes its one confirmation into every engine through this hook.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { SpendRequest } from '../../src/core/render/engine';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type CloudRig, cloudEngine, FAL_KEY } from '../helpers/cloud';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

let fal: FalFake;
const open: { rig: CloudRig; project: TempProject }[] = [];

before(async () => {
  fal = await startFalFake({ stepMs: 5, steps: 4, queueMs: 10, apiKey: FAL_KEY });
});
after(() => fal.close());
afterEach(async () => {
  fal.reset();
  while (open.length) {
    const o = open.pop()!;
    await o.rig.dispose();
    await o.project.cleanup();
  }
});

async function rig(project: object, answer: boolean, keys?: { fal?: string }, viaFake = true) {
  const p = await createProject(project, simpleFiles);
  const asked: SpendRequest[] = [];
  const requestsWhenAsked: number[] = [];
  // Without a base URL and without a key, fal is unavailable (with a base URL it is a keyless proxy).
  const r = cloudEngine(p.file, viaFake ? { fal } : {}, {}, keys, {
    confirmSpend: async (req) => {
      asked.push(req);
      requestsWhenAsked.push(fal.requests.length);
      return answer;
    },
  });
  open.push({ rig: r, project: p });
  const events = () => r.events.map((e) => e.type);
  return { p, engine: r.engine, asked, requestsWhenAsked, events };
}

const falShots = (n: number) =>
  simpleProject(n, (i) => ({ model: i === 0 ? 'fal-ai/flux-pro/kontext' : 'fal-ai/flux/schnell' }));

describe('confirmSpend', () => {
  it('no: nothing is uploaded or submitted, no batch starts, and the render says it was declined', async () => {
    const { engine, asked, requestsWhenAsked, events } = await rig(falShots(3), false);
    await assert.rejects(engine.render(), (err: { code?: string }) => err.code === 'declined');
    assert.equal(asked.length, 1);
    assert.deepEqual(requestsWhenAsked, [0]);
    assert.equal(fal.requests.length, 0, fal.requests.map((r) => r.route).join(', '));
    assert.ok(!events().includes('batch-start'));
    const e = asked[0]!.estimate;
    assert.equal(e.variations.toRender, 3);
    assert.equal(e.uploads.needed > 0, true, 'the kontext shot needs its refs uploaded');
    assert.equal(e.estCostUsd, 0.046);
  });

  it('yes: asked before the first request, then the batch renders', async () => {
    const { engine, asked, requestsWhenAsked } = await rig(falShots(2), true);
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 2);
    assert.equal(asked.length, 1);
    assert.deepEqual(requestsWhenAsked, [0]);
    assert.ok(fal.count('submit') >= 2);
  });

  it('force is part of the question, and a forced re-render of cached shots still asks', async () => {
    const { engine, asked } = await rig(falShots(1), true);
    await engine.render();
    await engine.render();
    assert.equal(asked.length, 1, 'a fresh batch spends nothing and asks nothing');
    await engine.render({ force: true });
    assert.equal(asked.length, 2);
    assert.equal(asked[1]!.force, true);
    assert.equal(asked[1]!.estimate.variations.toRender, 1);
  });

  it('draft-only batches, and cloud shots without a key, never ask', async () => {
    const draft = await rig(simpleProject(2), false);
    assert.equal((await draft.engine.render()).shots.rendered, 2);
    assert.equal(draft.asked.length, 0);
    const keyless = await rig(falShots(1), false, {}, false);
    const summary = await keyless.engine.render();
    assert.equal(summary.shots.failed, 1);
    assert.equal(keyless.asked.length, 0, 'nothing can be spent without a key: nothing to confirm');
    assert.equal(fal.requests.length, 0);
  });
});
