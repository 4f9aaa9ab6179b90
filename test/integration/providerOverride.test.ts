// A provider override that cannot work with the shots' models (issue 11 item 8): `defaultProvider: fal`
// with the default `draft/storyboard` model used to submit "draft/storyboard" to fal and fail every shot
// with a 404. It is refused before any call, naming what to change, in core (so the CLI refuses too).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { type CloudRig, cloudEngine, FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import { runCli } from '../helpers/runCli';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

let fal: FalFake;
let replicate: ReplicateFake;
const open: { rig?: CloudRig; project: TempProject }[] = [];

before(async () => {
  fal = await startFalFake({ stepMs: 5, steps: 4, queueMs: 10, apiKey: FAL_KEY });
  replicate = await startReplicateFake({ stepMs: 5, steps: 4, queueMs: 10, apiKey: REPLICATE_TOKEN });
});
after(async () => {
  await fal.close();
  await replicate.close();
});
afterEach(async () => {
  fal.reset();
  replicate.reset();
  while (open.length) {
    const o = open.pop()!;
    await o.rig?.dispose();
    await o.project.cleanup();
  }
});

async function rig(project: object, layer: Parameters<typeof cloudEngine>[2]) {
  const p = await createProject(project, simpleFiles);
  const r = cloudEngine(p.file, { fal, replicate }, layer);
  open.push({ rig: r, project: p });
  return { p, ...r };
}

describe('a provider override that does not fit the models', () => {
  it('fal with the default draft model: refused before any request, naming the model and the override', async () => {
    const { engine } = await rig(simpleProject(4), { providerOverride: 'fal' });
    await assert.rejects(engine.render(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'config');
      assert.match(err.message, /draft\/storyboard/);
      assert.match(err.message, /fal/);
      return true;
    });
    await assert.rejects(engine.estimate(), /draft\/storyboard/);
    await assert.rejects(engine.prewarm(), /draft\/storyboard/);
    assert.equal(fal.requests.length, 0, `fal received ${fal.requests.map((r) => r.route).join(', ')}`);
  });

  it('replicate forced onto a shot that names a fal model: refused, no request to either', async () => {
    const { engine } = await rig(
      simpleProject(2, () => ({ model: 'fal-ai/flux/dev' })),
      {
        providerOverride: 'replicate',
      },
    );
    await assert.rejects(engine.render(), /fal-ai\/flux\/dev/);
    assert.equal(fal.requests.length + replicate.requests.length, 0);
  });

  it("a shot's own provider that does not fit its model fails that shot alone, at its JSON path", async () => {
    const { engine } = await rig(
      simpleProject(3, (i) => (i === 1 ? { model: 'draft/storyboard', provider: 'fal' } : {})),
      {},
    );
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 2);
    assert.equal(summary.shots.failed, 1);
    assert.match(
      summary.errors[0]?.message ?? '',
      /^shots\[1\]\.provider: shot shot-002 uses model "draft\/storyboard"/,
    );
    assert.equal(fal.requests.length, 0);
  });

  it('an override that fits (fal + a fal default model) still renders through it', async () => {
    const { engine } = await rig(simpleProject(2), {
      providerOverride: 'fal',
      defaultModel: 'fal-ai/flux/schnell',
    });
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 2);
    assert.ok(fal.count('submit') >= 2);
  });

  it('the CLI refuses too, with exit code 2 and the flag to change', async () => {
    const p = await createProject(simpleProject(2), simpleFiles);
    open.push({ project: p });
    const run = await runCli(['render', p.file, '--provider', 'fal'], {
      FAL_KEY,
      DAILIES_FAL_URL: fal.origin,
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--provider/);
    assert.match(run.stderr, /draft\/storyboard/);
    assert.equal(fal.requests.length, 0);
  });
});
