// The real @fal-ai/client and replicate clients, driven by the engine against wire-faithful fakes.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { RenderEvent } from '../../src/shared/events';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { type CloudRig, cloudEngine, FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

let fal: FalFake;
let replicate: ReplicateFake;
const open: { rig?: CloudRig; project: TempProject }[] = [];

before(async () => {
  // Steps long enough (6 × 25 ms) that a 15 ms poller sees a job running even on a loaded machine.
  fal = await startFalFake({ stepMs: 25, steps: 6, queueMs: 20, apiKey: FAL_KEY });
  replicate = await startReplicateFake({
    stepMs: 25,
    steps: 6,
    queueMs: 20,
    apiKey: REPLICATE_TOKEN,
    maxPreferWaitMs: 50,
  });
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

async function rig(
  project: object,
  files: Record<string, { color?: string; width?: number; height?: number } | string> = simpleFiles,
) {
  const p = await createProject(project, files);
  const r = cloudEngine(p.file, { fal, replicate });
  open.push({ rig: r, project: p });
  return { p, ...r };
}

function jobEvents(events: RenderEvent[]) {
  return events.filter((e): e is Extract<RenderEvent, { type: 'job' }> => e.type === 'job');
}

describe('fal.ai provider (real @fal-ai/client against the fake)', () => {
  it('uploads refs, submits, follows queue and logs, downloads real images, records results', async () => {
    const { p, engine, events } = await rig(
      simpleProject(3, (i) => ({
        model: i === 2 ? 'fal-ai/flux/dev' : 'fal-ai/flux-pro/kontext/multi',
        variations: i === 0 ? 2 : 1,
      })),
    );
    const summary = await engine.render();
    assert.deepEqual(
      summary.shots,
      { total: 3, rendered: 3, cached: 0, skipped: 0, failed: 0, canceled: 0 },
      JSON.stringify(summary.errors),
    );
    assert.equal(summary.uploads.new, 3, 'ann, bo and the platform decor, once each');
    assert.equal(fal.count('upload.initiate'), 3);
    assert.equal(fal.count('submit'), 4);
    assert.ok(Math.abs(summary.costUsd - (3 * 0.04 + 0.025)) < 1e-9);

    const jobs = [...fal.jobs.values()];
    const kontext = jobs.find((j) => j.endpointId === 'fal-ai/flux-pro/kontext/multi')!.input as Record<
      string,
      unknown
    >;
    assert.equal(typeof kontext.prompt, 'string');
    assert.ok(
      Array.isArray(kontext.image_urls) &&
        kontext.image_urls.every((u: string) => u.startsWith('https://v3.fal.media/')),
    );
    assert.equal(kontext.aspect_ratio, '16:9');
    assert.equal(kontext.num_images, 1);
    const dev = jobs.find((j) => j.endpointId === 'fal-ai/flux/dev')!.input as Record<string, unknown>;
    assert.deepEqual(dev.image_size, { width: 1360, height: 768 });
    assert.equal(dev.num_inference_steps, 28);
    assert.equal(dev.image_urls, undefined, 'a text-only model gets no refs');

    const states = jobEvents(events);
    assert.ok(
      states.some((e) => e.state === 'submitted' && typeof e.queuePosition === 'number'),
      'queue position surfaced',
    );
    assert.ok(
      states.some((e) => e.state === 'running' && e.step !== undefined && e.steps === 6),
      'steps parsed from logs',
    );

    const project = await p.json();
    for (const shot of project.shots) {
      for (const out of shot.render!.outputs) {
        const meta = await sharp(path.join(p.dir, out.image)).metadata();
        assert.equal(meta.format, 'png');
        await fs.access(path.join(p.dir, out.thumb!));
      }
    }
    const metrics = engine.metrics.snapshot();
    assert.equal(
      metrics.series.find(
        (s) => s.provider === 'fal' && s.feature === 'render' && s.model === 'fal-ai/flux/dev',
      )?.success,
      1,
    );
  });

  it('cancel reaches the fake', async () => {
    fal.configure({ stepMs: 200, steps: 20 });
    const { engine } = await rig(simpleProject(2, () => ({ model: 'fal-ai/flux/schnell' })));
    engine.onEvent((e) => {
      if (e.type === 'job' && e.state === 'running' && e.shotId === 'shot-001') engine.cancelShot('shot-001');
    });
    const summary = await engine.render();
    assert.equal(summary.shots.canceled, 1);
    assert.equal(summary.shots.rendered, 1);
    assert.equal(fal.count('cancel'), 1);
    assert.equal(fal.canceled.size, 1);
  });

  it('prescales a large reference before uploading it', async () => {
    const { engine } = await rig(
      simpleProject(1, () => ({
        model: 'fal-ai/flux-pro/kontext',
        cast: [],
        scene: undefined,
        refs: ['big.png'],
      })),
      {
        ...simpleFiles,
        'big.png': { width: 3000, height: 2000 },
      },
    );
    await engine.render();
    const [upload] = [...fal.uploads.values()];
    const meta = await sharp(upload!.bytes).metadata();
    assert.ok(meta.width! * meta.height! <= 2_000_000, `${meta.width}x${meta.height}`);
    assert.ok(Math.abs(meta.width! / meta.height! - 1.5) < 0.01);
  });
});

describe('Replicate provider (real replicate client against the fake)', () => {
  it('uploads through the files API, creates predictions, parses tqdm progress, downloads outputs', async () => {
    const { p, engine, events } = await rig(
      simpleProject(3, (i) => ({
        model: i === 0 ? 'black-forest-labs/flux-kontext-pro' : 'black-forest-labs/flux-schnell',
      })),
    );
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 3, JSON.stringify(summary.errors));
    assert.equal(replicate.count('files.create'), 1, 'kontext takes one ref: only the first is uploaded');
    assert.equal(replicate.count('predictions.create'), 3);
    const [kontext] = [...replicate.jobs.values()].filter((j) =>
      JSON.stringify(j).includes('flux-kontext-pro'),
    );
    const input = (kontext as unknown as { input: Record<string, unknown> }).input;
    assert.match(String(input.input_image), /\/v1\/files\//);
    assert.equal(input.aspect_ratio, '16:9');
    assert.equal(input.output_format, 'png');
    const running = jobEvents(events).filter((e) => e.state === 'running' && e.steps === 6);
    assert.ok(running.length > 0, 'tqdm progress became step events');
    assert.ok(replicate.count('delivery') >= 3, 'outputs were downloaded from the delivery host');
    for (const shot of (await p.json()).shots) assert.equal(shot.render?.status, 'done');
  });

  it('cancel reaches the fake', async () => {
    replicate.configure({ stepMs: 200, steps: 20 });
    const { engine } = await rig(simpleProject(1, () => ({ model: 'black-forest-labs/flux-schnell' })));
    engine.onEvent((e) => {
      if (e.type === 'job' && e.state === 'running') engine.cancelAll();
    });
    const summary = await engine.render();
    assert.equal(summary.shots.canceled, 1);
    assert.equal(replicate.count('predictions.cancel'), 1);
  });
});

describe('secrets', () => {
  it('never writes a key into the project, .dailies/, events or logs', async () => {
    const { p, engine, events } = await rig(
      simpleProject(2, (i) => ({
        model: i ? 'fal-ai/flux-pro/kontext/multi' : 'black-forest-labs/flux-kontext-pro',
      })),
    );
    await engine.render();
    await engine.dispose();
    const files = await fs.readdir(p.dir, { recursive: true });
    for (const rel of files) {
      const abs = path.join(p.dir, String(rel));
      if (!(await fs.stat(abs)).isFile()) continue;
      const text = (await fs.readFile(abs)).toString('latin1');
      assert.ok(!text.includes('fal-test-key') && !text.includes(REPLICATE_TOKEN), `${rel} contains a key`);
    }
    const stream = JSON.stringify(events);
    assert.ok(!stream.includes('fal-test-key') && !stream.includes(REPLICATE_TOKEN));
  });
});

describe('base URL override', () => {
  it('routes every request, uploads and downloads included, through DAILIES_*_URL (nothing else is reachable)', async () => {
    const { engine } = await rig(simpleProject(1, () => ({ model: 'fal-ai/flux-pro/kontext/multi' })));
    await engine.render();
    const hosts = new Set(fal.requests.map((r) => r.host));
    for (const h of ['rest.fal.ai', 'upload.fal.media', 'queue.fal.run', 'v3.fal.media'])
      assert.ok(hosts.has(h), `${h} went through the fake`);
  });
});
