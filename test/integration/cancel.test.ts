// Cancel, then render again: a job the provider already finished is collected (it was paid for), a job
// whose cancel did not take is re-attached by the next run, and a submit that was on the wire when the
// user canceled is never left running unseen. Money is counted at the fakes: jobs that ran to the end.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BatchSummary } from '../../src/shared/events';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { cloudEngine, FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';
import { waitFor } from '../helpers/waitFor';

let fal: FalFake;
let replicate: ReplicateFake;
const temp: TempProject[] = [];
const FAST = { stepMs: 2, steps: 3, queueMs: 5 };
const SHOTS = 3;

before(async () => {
  fal = await startFalFake({ ...FAST, apiKey: FAL_KEY });
  replicate = await startReplicateFake({ ...FAST, apiKey: REPLICATE_TOKEN, maxPreferWaitMs: 20 });
});
after(async () => {
  await fal.close();
  await replicate.close();
});
afterEach(async () => {
  fal.reset();
  fal.configure({ ...FAST, cancelStopsRunner: true });
  replicate.reset();
  replicate.configure(FAST);
  while (temp.length) await temp.pop()!.cleanup();
});

type Phase = 'queued' | 'running' | 'completed' | 'canceled' | 'failed' | undefined;

interface Side {
  name: string;
  model: string;
  submitRoute: string;
  cancelRoute: string;
  fake: () => FalFake | ReplicateFake;
  ids: () => string[];
  phase: (id: string) => Phase;
  /** Jobs the provider charges for: they ran to the end with an output. */
  billed: () => number;
  /** Makes running jobs take long and, for fal, keep running through a cancel. */
  slowJobs: () => void;
}

const sides: Side[] = [
  {
    name: 'fal.ai',
    model: 'fal-ai/flux/schnell',
    submitRoute: 'submit',
    cancelRoute: 'cancel',
    fake: () => fal,
    ids: () => [...fal.jobs.keys()],
    phase: (id) => fal.phaseOf(id),
    billed: () => fal.billedJobs().length,
    slowJobs: () => fal.configure({ queueMs: 5, stepMs: 100, steps: 60, cancelStopsRunner: false }),
  },
  {
    name: 'Replicate',
    model: 'black-forest-labs/flux-schnell',
    submitRoute: 'predictions.create',
    cancelRoute: 'predictions.cancel',
    fake: () => replicate,
    ids: () => [...replicate.jobs.keys()],
    phase: (id) => {
      const s = replicate.statusOf(id);
      return s === 'starting'
        ? 'queued'
        : s === 'processing'
          ? 'running'
          : s === 'succeeded'
            ? 'completed'
            : s;
    },
    billed: () => replicate.billedJobs().length,
    // Replicate's cancel always takes; a cancel that never arrives (the API failing) is what stays.
    slowJobs: () => {
      replicate.configure({ queueMs: 5, stepMs: 100, steps: 60 });
      replicate.inject('predictions.cancel', { kind: 'status', status: 500, body: { detail: 'boom' } });
    },
  },
];

async function project(model: string): Promise<TempProject> {
  const p = await createProject(
    simpleProject(SHOTS, () => ({ model })),
    simpleFiles,
  );
  temp.push(p);
  return p;
}

/** Starts a render, waits for `ready`, cancels everything, and returns the summary of that run. */
async function renderAndCancel(
  file: string,
  side: Side,
  ready: () => boolean,
  layer: Parameters<typeof cloudEngine>[2] = {},
): Promise<BatchSummary> {
  const rig = cloudEngine(file, { fal, replicate }, layer);
  try {
    const running = rig.engine.render();
    await waitFor(ready, `${side.name} to reach the moment of the cancel`);
    rig.engine.cancelAll();
    return await running;
  } finally {
    await rig.dispose();
  }
}

async function renderAgain(file: string): Promise<BatchSummary> {
  const rig = cloudEngine(file, { fal, replicate });
  try {
    return await rig.engine.render();
  } finally {
    await rig.dispose();
  }
}

for (const side of sides) {
  describe(`cancel, then render again (${side.name})`, () => {
    it('a job that finished before the cancel took is collected, not paid for again', async () => {
      const p = await project(side.model);
      // Our polls are slow, so the provider finishes each job long before we would have seen it.
      const first = await renderAndCancel(
        p.file,
        side,
        () => side.ids().length === SHOTS && side.ids().every((id) => side.phase(id) === 'completed'),
        { pollMs: 60_000 },
      );
      const second = await renderAgain(p.file);
      assert.equal(side.fake().count(side.submitRoute), SHOTS, 'each shot submitted once in both runs');
      assert.equal(side.billed(), SHOTS);
      assert.equal(second.shots.failed, 0, JSON.stringify(second.errors));
      const done = (await p.json()).shots.filter((s) => s.render?.status === 'done').length;
      assert.equal(done, SHOTS);
      assert.equal(first.shots.rendered, SHOTS, 'the first run kept what it had paid for');
      assert.ok(Math.abs(first.costUsd - SHOTS * 0.003) < 1e-9, `cost ${first.costUsd}`);
    });

    it('a job whose cancel did not take is re-attached by the next run, not submitted again', async () => {
      side.slowJobs();
      const p = await project(side.model);
      const first = await renderAndCancel(
        p.file,
        side,
        () => side.ids().length === SHOTS && side.ids().every((id) => side.phase(id) === 'running'),
      );
      assert.ok(side.fake().count(side.cancelRoute) >= SHOTS, 'a cancel was sent for every job');
      assert.ok(
        side.ids().every((id) => side.phase(id) !== 'canceled'),
        'the provider did not cancel them: the hostile case is in place',
      );
      assert.equal(first.shots.rendered + first.shots.canceled, SHOTS);
      side.fake().clearFaults();
      const second = await renderAgain(p.file);
      assert.equal(side.fake().count(side.submitRoute), SHOTS, 'no second submit for a job still running');
      assert.equal(second.shots.failed, 0, JSON.stringify(second.errors));
      assert.equal(side.billed(), SHOTS);
      const done = (await p.json()).shots.filter((s) => s.render?.status === 'done').length;
      assert.equal(done, SHOTS);
    });

    it('a submit on the wire at the cancel is canceled at the provider, never left running unseen', async () => {
      // The provider takes the submits, but its answers are slow; the jobs wait in its queue meanwhile.
      side.fake().configure({ queueMs: 1500 });
      side.fake().inject(side.submitRoute, { kind: 'delay', ms: 600 });
      const p = await project(side.model);
      await renderAndCancel(p.file, side, () => side.fake().count(side.submitRoute) === SHOTS);
      side.fake().clearFaults();
      side.fake().configure(FAST);
      const second = await renderAgain(p.file);
      assert.equal(second.shots.failed, 0, JSON.stringify(second.errors));
      // Every job of the first run must have been canceled; otherwise it runs, is billed, and is lost.
      await waitFor(
        () =>
          side.ids().length === side.fake().count(side.submitRoute) &&
          side.ids().every((id) => side.phase(id) === 'canceled' || side.phase(id) === 'completed'),
        'every submit the provider received to end',
      );
      assert.equal(side.billed(), SHOTS, `jobs billed: ${side.billed()} for ${SHOTS} shots`);
    });
  });
}
