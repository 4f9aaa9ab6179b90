// Two engines on one project (as two windows would be), with the real clients against the fakes: a job
// is paid for by whichever claims it first; the other takes its result, or — when the first one stops
// with the job still running at the provider — re-attaches to that job instead of submitting it again.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { cloudEngine, FAL_KEY } from '../helpers/cloud';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';
import { waitFor } from '../helpers/waitFor';

const SHOTS = 4;
const FAST = { stepMs: 5, steps: 4, queueMs: 10 };
let fal: FalFake;
const temp: TempProject[] = [];

before(async () => {
  fal = await startFalFake({ ...FAST, apiKey: FAL_KEY });
});
after(async () => {
  await fal.close();
});
afterEach(async () => {
  fal.reset();
  fal.configure({ ...FAST, cancelStopsRunner: true });
  while (temp.length) await temp.pop()!.cleanup();
});

async function project(): Promise<TempProject> {
  const p = await createProject(
    simpleProject(SHOTS, () => ({ model: 'fal-ai/flux/schnell' })),
    simpleFiles,
  );
  temp.push(p);
  return p;
}

describe('claims between two engines on one project', () => {
  it('rendering the same shots side by side pays for each once; both end with every shot', async () => {
    const p = await project();
    const a = cloudEngine(p.file, { fal });
    const b = cloudEngine(p.file, { fal });
    const [sa, sb] = await Promise.all([a.engine.render(), b.engine.render()]);
    await Promise.all([a.dispose(), b.dispose()]);
    assert.equal(fal.count('submit'), SHOTS);
    for (const s of [sa, sb]) assert.equal(s.shots.failed, 0, JSON.stringify(s.errors));
    assert.equal(sa.shots.rendered + sb.shots.rendered + sa.shots.cached + sb.shots.cached, 2 * SHOTS);
  });

  it('a job left running by a canceled engine is re-attached by the one waiting on its claim', async () => {
    fal.configure({ queueMs: 5, stepMs: 50, steps: 60, cancelStopsRunner: false });
    const p = await project();
    const a = cloudEngine(p.file, { fal });
    const first = a.engine.render();
    await waitFor(
      () => fal.jobs.size === SHOTS && [...fal.jobs.keys()].every((id) => fal.phaseOf(id) === 'running'),
      'the first engine to have every job running',
    );
    const b = cloudEngine(p.file, { fal });
    const second = b.engine.render();
    await waitFor(
      () => b.events.some((e) => e.type === 'log' && /another Dailies .* is rendering it/.test(e.message)),
      'the second engine to wait on the claims',
    );
    a.engine.cancelAll();
    await first;
    await a.dispose();
    const s = await second;
    await b.dispose();
    assert.equal(s.shots.failed, 0, JSON.stringify(s.errors));
    assert.equal(fal.count('submit'), SHOTS, 'the second engine submitted nothing');
    assert.equal(fal.billedJobs().length, SHOTS);
  });
});
