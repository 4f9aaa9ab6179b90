// Video shots through the real @fal-ai/client and replicate clients against the fakes, which serve real
// MP4s (made with ffmpeg) after long queue states: the still's circled take goes up through the upload
// cache as the start frame, the clip comes down, is proved by decoding, and lands as clip + poster +
// thumbnail + H.264 proxy, priced per second. Bad input is refused before any upload or submit.
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { ProjectPaths } from '../../src/core/project/paths';
import type { SpendRequest } from '../../src/core/render/engine';
import { restoreVersion } from '../../src/core/review/restore';
import { VersionStore } from '../../src/core/review/versions';
import { storePath } from '../../src/extension/webviews/viewerModel';
import type { RenderEvent } from '../../src/shared/events';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { DEFAULT_VIDEO_SIZE } from '../fakes/video';
import { type CloudRig, cloudEngine, FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import { probe } from '../helpers/media';
import { createProject, type TempProject } from '../helpers/tempProject';
import { waitFor } from '../helpers/waitFor';

const KLING_FAL = 'fal-ai/kling-video/v2.1/standard/image-to-video';
const KLING_REPLICATE = 'kwaivgi/kling-v2.1';
const STILL_FAL = 'fal-ai/flux/schnell';
const STILL_REPLICATE = 'black-forest-labs/flux-schnell';

let fal: FalFake;
let replicate: ReplicateFake;
const open: { rig: CloudRig; project: TempProject }[] = [];

before(async () => {
  // Queued long enough to report positions, running long enough (8 × 30 ms) for a 15 ms poller's logs.
  fal = await startFalFake({ stepMs: 30, steps: 8, queueMs: 150, apiKey: FAL_KEY });
  replicate = await startReplicateFake({
    stepMs: 30,
    steps: 8,
    queueMs: 150,
    apiKey: REPLICATE_TOKEN,
    maxPreferWaitMs: 20,
  });
});
after(async () => {
  await fal.close();
  await replicate.close();
});
afterEach(async () => {
  fal.reset();
  replicate.reset();
  const clean = {
    truncateVideos: false,
    corruptOutputs: false,
    expireOutputsAfterMs: undefined,
    queueMs: 150,
    videoSize: DEFAULT_VIDEO_SIZE,
  };
  fal.configure(clean);
  replicate.configure(clean);
  while (open.length) {
    const o = open.pop()!;
    await o.rig.dispose();
    await o.project.cleanup();
  }
});

interface ShotJson {
  id: string;
  render?: {
    status: string;
    costUsd?: number;
    error?: string;
    outputs: {
      image: string;
      thumb?: string;
      sha256?: string;
      video?: string;
      proxy?: string;
      seconds?: number;
      frames?: number;
      fps?: number;
    }[];
  };
}

function videoProject(still: string, video: string, extra: Record<string, unknown> = {}, stillExtra = {}) {
  return {
    dailies: 1,
    aspectRatio: '16:9',
    shots: [
      { id: 's01-010', prompt: 'A wet platform at night, lamps in the rain', model: still, ...stillExtra },
      {
        id: 's01-010v',
        prompt: 'Slow push-in, rain falling',
        model: video,
        from: 's01-010',
        duration: 4,
        ...extra,
      },
    ],
  };
}

async function rig(project: object): Promise<{ p: TempProject } & CloudRig> {
  const p = await createProject(project);
  const r = cloudEngine(p.file, { fal, replicate });
  open.push({ rig: r, project: p });
  return { p, ...r };
}

async function shots(p: TempProject): Promise<ShotJson[]> {
  return (await p.json()).shots as ShotJson[];
}

const jobs = (events: RenderEvent[], shotId: string) =>
  events.filter((e): e is Extract<RenderEvent, { type: 'job' }> => e.type === 'job' && e.shotId === shotId);

/** The proxy plays in a webview: H.264, yuv420p, at most 640 px, and no audio track at all (no AAC). */
async function assertReviewable(dir: string, rec: NonNullable<ShotJson['render']>['outputs'][number]) {
  for (const rel of [rec.image, rec.thumb, rec.video, rec.proxy]) {
    assert.ok(rel && existsSync(path.join(dir, rel)), `${rel} is on disk`);
  }
  const proxy = await probe(path.join(dir, rec.proxy!));
  const streams = proxy.streams;
  assert.deepEqual(
    streams.map((s) => s.codec_type),
    ['video'],
    'the proxy has one video stream and no audio',
  );
  const v = streams[0]!;
  assert.equal(v.codec_name, 'h264');
  assert.equal(v.pix_fmt, 'yuv420p');
  assert.ok(v.width! <= 640 && v.height! <= 640, `${v.width}×${v.height} fits 640 px`);
  assert.equal(Number(v.nb_read_frames), rec.frames, 'every decoded frame is in the proxy');
  const clip = await probe(path.join(dir, rec.video!));
  assert.ok(Math.abs(Number(clip.format.duration) - rec.seconds!) < 0.2, 'recorded length is the clip’s');
}

describe('fal.ai image-to-video (Kling 2.1 through the real client)', () => {
  it('starts from the still’s circled take (uploaded by content), follows the queue, stores clip + poster + thumb + proxy', async () => {
    const { p, engine, events } = await rig(videoProject(STILL_FAL, KLING_FAL));
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 2, JSON.stringify(summary.errors));
    const [still, video] = await shots(p);
    const submits = fal.requests.filter((r) => r.route === 'submit');
    assert.equal(submits.length, 2, 'one still, one video');
    const input = submits[1]!.json as Record<string, unknown>;
    assert.equal(input.duration, '5', 'fal’s enum is a string; 4 s in the edit asks for the 5 s clip');
    assert.equal(typeof input.image_url, 'string');
    assert.equal(input.num_images, undefined, 'no image-model inputs');
    // The start frame is the still's take, byte for byte, through the upload cache.
    const uploaded = [...fal.uploads.values()];
    assert.equal(uploaded.length, 1);
    const take = await fs.readFile(path.join(p.dir, still!.render!.outputs[0]!.image));
    assert.ok(uploaded[0]!.bytes.equals(take), 'the uploaded start frame is the circled take');
    // Long-job progress: queue positions while queued, steps from the logs while running.
    const progress = jobs(events, 's01-010v');
    assert.ok(progress.some((e) => e.state === 'submitted' && e.queuePosition !== undefined));
    assert.ok(progress.some((e) => e.state === 'running' && e.step !== undefined && e.steps === 8));
    const out = video!.render!.outputs[0]!;
    assert.match(out.video!, /^renders\/s01-010v\/s01-010v_v1\.mp4$/);
    assert.equal(out.seconds, 5);
    await assertReviewable(p.dir, out);
    assert.equal(video!.render!.costUsd, 0.28, '5 s × $0.056');
    assert.ok(Math.abs(summary.costUsd - (0.003 + 0.28)) < 1e-9);
  });

  it('a fresh video shot is skipped; circling another take of its still makes it stale', async () => {
    const { p, engine } = await rig(videoProject(STILL_FAL, KLING_FAL, {}, { variations: 2, seed: 7 }));
    assert.equal((await engine.render()).shots.rendered, 2);
    let plan = await engine.plan();
    assert.deepEqual(
      plan.shots.map((s) => s.freshness),
      ['fresh', 'fresh'],
    );
    const json = await p.json();
    (json.shots[0] as Record<string, unknown>).take = 2;
    await p.write(JSON.stringify(json, null, 2));
    plan = await engine.plan();
    assert.equal(plan.shots[0]!.freshness, 'fresh', 'circling does not re-render the still');
    assert.equal(plan.shots[1]!.freshness, 'stale', 'the video starts from another frame now');
    fal.clearRecords();
    const again = await engine.render();
    assert.equal(again.shots.rendered, 1);
    assert.equal(fal.count('submit'), 1, 'only the video is rendered again');
    const take2 = await fs.readFile(path.join(p.dir, (await shots(p))[0]!.render!.outputs[1]!.image));
    assert.ok(
      [...fal.uploads.values()].some((u) => u.bytes.equals(take2)),
      'take 2 went up as the new start frame',
    );
  });

  it('a truncated MP4 from the CDN is a clear per-shot failure, and its spend is counted', async () => {
    fal.configure({ truncateVideos: true });
    const { p, engine } = await rig(videoProject(STILL_FAL, KLING_FAL));
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 1, 'the still is fine');
    assert.equal(summary.shots.failed, 1);
    const error = summary.errors.find((e) => e.shotId === 's01-010v')!;
    assert.equal(error.code, 'bad-output');
    assert.match(error.message, /truncated or damaged video: only \d+ frames decoded of the 120/);
    assert.ok(Math.abs(summary.costUsd - (0.003 + 0.28)) < 1e-9, 'fal finished the job: it was paid');
    assert.equal((await shots(p))[1]!.render, undefined, 'nothing recorded for the broken clip');
  });

  it('a clip larger than the download bound is refused mid-stream: a clear per-shot failure, nothing kept', async () => {
    const project = videoProject(STILL_FAL, KLING_FAL);
    const first = await rig(project);
    assert.equal((await first.engine.render({ shots: ['s01-010'] })).shots.rendered, 1);
    // The same project, with a bound far below the fake's MP4 (its queue states first, then the download).
    const bounded = cloudEngine(first.p.file, { fal }, { downloads: { maxBytes: 16 * 1024 } });
    open.push({ rig: bounded, project: first.p });
    const summary = await bounded.engine.render({ shots: ['s01-010v'] });
    assert.equal(summary.shots.failed, 1);
    const error = summary.errors.find((e) => e.shotId === 's01-010v')!;
    assert.equal(error.code, 'bad-output');
    assert.match(error.message, /^Download of https:\/\/\S+\.mp4: the answer is larger than .*; refused/);
    const stored = await fs
      .readdir(path.join(first.p.dir, '.dailies', 'store'), { recursive: true })
      .then((names) => names.map(String));
    assert.deepEqual(
      stored.filter((n) => n.endsWith('.mp4')),
      [],
      'no clip or proxy reached the store',
    );
    const tmp = await fs.readdir(path.join(first.p.dir, '.dailies', 'tmp')).catch(() => []);
    assert.deepEqual(tmp, [], 'the partial download is gone');
    const [, video] = await shots(first.p);
    assert.equal(video!.render?.status ?? 'failed', 'failed');
  });

  it('an expired output URL is a clear per-shot failure, counted as spend', async () => {
    const { engine } = await rig(videoProject(STILL_FAL, KLING_FAL));
    assert.equal((await engine.render({ shots: ['s01-010'] })).shots.rendered, 1);
    fal.configure({ expireOutputsAfterMs: 0 });
    const summary = await engine.render();
    const error = summary.errors.find((e) => e.shotId === 's01-010v');
    assert.equal(error?.code, 'not-found', JSON.stringify(summary.errors));
    assert.match(error!.message, /expired or deleted/);
    assert.ok(summary.costUsd >= 0.28);
  });

  it('a non-video output (an HTML page where the clip should be) is refused as not a video', async () => {
    const { engine } = await rig(videoProject(STILL_FAL, KLING_FAL));
    assert.equal((await engine.render({ shots: ['s01-010'] })).shots.rendered, 1);
    fal.configure({ corruptOutputs: true });
    const summary = await engine.render();
    const error = summary.errors.find((e) => e.shotId === 's01-010v');
    assert.equal(error?.code, 'bad-output', JSON.stringify(summary.errors));
    assert.match(error!.message, /^not a video/);
  });
});

describe('versions of a video shot', () => {
  it('keeps each render’s review proxy in the store, with the clip’s own frame rate, so an older version still plays', async () => {
    const { p, engine } = await rig(videoProject(STILL_FAL, KLING_FAL));
    assert.equal((await engine.render()).shots.rendered, 2);
    const first = (await shots(p))[1]!.render!.outputs[0]!;
    assert.equal(first.fps, 24, 'the rate ffmpeg read off the clip is recorded');
    const firstProxy = await fs.readFile(path.join(p.dir, first.proxy!));
    // The prompt is edited and the model now delivers 30 fps: a new clip, in the same renders/ files.
    fal.configure({ videoSize: { ...DEFAULT_VIDEO_SIZE, fps: 30 } });
    const json = await p.json();
    (json.shots[1] as Record<string, unknown>).prompt = 'Slow pan left, rain easing';
    await p.write(JSON.stringify(json, null, 2));
    assert.equal((await engine.render()).shots.rendered, 1);
    const second = (await shots(p))[1]!.render!.outputs[0]!;
    assert.equal(second.fps, 30);
    assert.equal(second.proxy, first.proxy, 'renders/ holds only the newest proxy');
    assert.ok(!(await fs.readFile(path.join(p.dir, second.proxy!))).equals(firstProxy));

    const store = new VersionStore(new ProjectPaths(p.file));
    let versions = await store.list('s01-010v');
    await waitFor(async () => {
      versions = await store.list('s01-010v');
      return versions.length === 2;
    }, 'both versions kept');
    const proxies = versions.map((v) => v.proxies?.['1']);
    assert.ok(proxies[0] && proxies[1] && proxies[0] !== proxies[1], JSON.stringify(proxies));
    const stored = (sha: string, ext = 'mp4') => path.join(p.dir, storePath(sha, ext));
    assert.ok(
      (await fs.readFile(stored(proxies[0]!))).equals(firstProxy),
      'the first version’s proxy is still in the store, byte for byte',
    );
    const v2 = (await probe(stored(proxies[1]!))).streams[0]!;
    assert.equal(v2.r_frame_rate, '30/1', 'the second version’s proxy keeps its clip’s frames');
    assert.deepEqual(
      versions.map((v) => v.render.outputs[0]!.fps),
      [24, 30],
    );

    // Restoring the first version brings back its own clip and proxy (renders/ holds the second's), with
    // no provider call.
    const calls = fal.count('submit');
    const back = await restoreVersion(new ProjectPaths(p.file), 's01-010v', '1', {
      thumbnails: { size: 64, quality: 70 },
    });
    const out = back.render.outputs[0]!;
    assert.match(out.video ?? '', /versions\//, 'the clip goes into the version’s own folder');
    assert.notEqual(out.video, second.video);
    assert.ok(
      (await fs.readFile(path.join(p.dir, out.video!))).equals(
        await fs.readFile(stored(versions[0]!.render.outputs[0]!.videoSha256!, 'mp4')),
      ),
      'the restored clip is the first render’s, byte for byte',
    );
    assert.ok((await fs.readFile(path.join(p.dir, out.proxy!))).equals(firstProxy), 'and so is its proxy');
    assert.equal((await probe(path.join(p.dir, out.video!))).streams[0]!.r_frame_rate, '24/1');
    assert.equal(fal.count('submit'), calls, 'nothing was asked of the provider');
  });
});

describe('canceling a queued clip', () => {
  it('asks fal.ai to cancel it: nothing is billed, the shot is canceled, the still is kept', async () => {
    const { p, engine } = await rig(videoProject(STILL_FAL, KLING_FAL));
    assert.equal((await engine.render({ shots: ['s01-010'] })).shots.rendered, 1);
    fal.configure({ queueMs: 60_000 });
    const controller = new AbortController();
    const running = engine.render({ signal: controller.signal });
    const video = () => [...fal.jobs.values()].find((j) => j.endpointId === KLING_FAL);
    await waitFor(() => video() !== undefined, 'the clip to be submitted');
    controller.abort();
    const summary = await running;
    assert.equal(summary.shots.canceled, 1);
    assert.equal(fal.count('cancel'), 1, 'the provider was asked to cancel');
    assert.equal(fal.phaseOf(video()!.id), 'canceled');
    assert.equal(fal.billedJobs().filter((j) => j.endpointId === KLING_FAL).length, 0);
    assert.equal(summary.costUsd, 0);
    assert.equal((await shots(p))[0]!.render?.status, 'done');
  });
});

describe('Replicate image-to-video (Kling through the real client)', () => {
  it('sends start_image and an integer duration, stores the clip and its review media', async () => {
    const { p, engine, events } = await rig(videoProject(STILL_REPLICATE, KLING_REPLICATE));
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 2, JSON.stringify(summary.errors));
    const create = replicate.requests.filter((r) => r.route === 'predictions.create')[1]!;
    const input = (create.json as { input: Record<string, unknown> }).input;
    assert.equal(input.duration, 5);
    assert.match(String(input.start_image), /\/v1\/files\//, 'the start frame went up through the files API');
    assert.equal(input.num_outputs, undefined);
    assert.ok(
      jobs(events, 's01-010v').some((e) => e.state === 'running' && e.steps === 8),
      'tqdm steps',
    );
    const out = (await shots(p))[1]!.render!.outputs[0]!;
    await assertReviewable(p.dir, out);
    assert.equal((await shots(p))[1]!.render!.costUsd, 0.25, '5 s × $0.05');
  });

  it('an output deleted by Replicate (its hour is up) fails the shot clearly, counted as spend', async () => {
    const { engine } = await rig(videoProject(STILL_REPLICATE, KLING_REPLICATE));
    assert.equal((await engine.render({ shots: ['s01-010'] })).shots.rendered, 1);
    replicate.configure({ expireOutputsAfterMs: 0 });
    const summary = await engine.render();
    const error = summary.errors.find((e) => e.shotId === 's01-010v');
    assert.equal(error?.code, 'not-found', JSON.stringify(summary.errors));
    assert.ok(summary.costUsd >= 0.25);
  });
});

describe('refused before paying', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['no start frame', { from: undefined }, /needs a start frame: set "from"/],
    [
      'a length the model does not make',
      { videoDuration: 7 },
      /videoDuration 7 is not a clip length this model makes \(5 or 10 s\)/,
    ],
    [
      'a length in params the model does not make',
      { params: { duration: '6' } },
      /params\.duration "6" is not a clip length/,
    ],
    ['an end frame the model cannot take', { to: 's01-010' }, /takes no end frame/],
    // The Problems panel's wording (the shot fails with the same message the panel shows, on its JSON path).
    [
      'a start frame that names no shot and no image',
      { from: 's09-999' },
      /shots\[1\]\.from: unknown shot "s09-999"/,
    ],
  ];
  for (const [what, extra, message] of cases) {
    it(`${what}: the shot fails with a clear message; nothing is uploaded or submitted`, async () => {
      const project = videoProject(STILL_FAL, KLING_FAL, extra);
      // The still is already rendered elsewhere: only the video shot is asked for.
      const { engine } = await rig(project);
      const estimate = await engine.estimate({ shots: ['s01-010v'] });
      assert.equal(estimate.shots.invalid, 1);
      assert.match(estimate.invalid[0]!.message, message);
      const summary = await engine.render({ shots: ['s01-010v'] });
      assert.equal(summary.shots.failed, 1);
      assert.match(summary.errors[0]!.message, message);
      assert.equal(fal.count('submit'), 0);
      assert.equal(fal.count('upload.initiate'), 0);
      assert.equal(summary.costUsd, 0);
    });
  }

  it('a video shot whose still has never been rendered, asked for alone, says to render the still', async () => {
    const { engine } = await rig(videoProject(STILL_FAL, KLING_FAL));
    const summary = await engine.render({ shots: ['s01-010v'] });
    assert.equal(summary.errors[0]?.code, 'ref-missing');
    assert.match(summary.errors[0]!.message, /shot s01-010 has no rendered take yet; render it first/);
    assert.equal(fal.count('submit'), 0);
  });

  it('before anything is rendered, a video shot waiting for its still is "not rendered", not invalid', async () => {
    const { engine } = await rig(videoProject(STILL_FAL, KLING_FAL));
    const { shots: planned } = await engine.plan();
    assert.equal(planned[1]!.freshness, 'never');
    assert.equal(planned[1]!.reason, 'waits for its still s01-010 to be rendered');
    assert.equal(planned[1]!.jobs.length, 0, 'nothing to pay for until its start frame exists');
  });

  it('when the still fails, the video shot waiting for it fails too, naming it, and is never submitted', async () => {
    fal.failJobs({
      status: 422,
      body: { detail: [{ loc: ['body', 'prompt'], msg: 'nope', type: 'value_error' }] },
      times: 1,
    });
    const { engine } = await rig(videoProject(STILL_FAL, KLING_FAL));
    const summary = await engine.render();
    assert.equal(summary.shots.failed, 2, JSON.stringify(summary.errors));
    const video = summary.errors.find((e) => e.shotId === 's01-010v')!;
    assert.match(video.message, /shot s01-010 has no rendered take yet/);
    assert.equal(fal.requests.filter((r) => r.route === 'submit' && r.path.includes('kling')).length, 0);
  });

  it('the estimate prices a clip per second of output', async () => {
    const { engine } = await rig(videoProject(STILL_FAL, KLING_FAL, { videoDuration: 10 }));
    const est = await engine.estimate();
    const row = est.byModel.find((r) => r.model === KLING_FAL)!;
    assert.equal(row.class, 'video');
    assert.ok(Math.abs(row.costUsd - 0.56) < 1e-9, '10 s × $0.056');
    assert.equal(row.videoSeconds, 10);
    assert.ok(Math.abs(est.estCostUsd - (0.56 + 0.003)) < 1e-9);
  });
});

describe('one spend confirmation for a batch with a clip waiting for its still', () => {
  async function asking(project: object, answer: boolean) {
    const p = await createProject(project);
    const asked: SpendRequest[] = [];
    const r = cloudEngine(p.file, { fal, replicate }, {}, undefined, {
      confirmSpend: async (req) => {
        asked.push(req);
        return answer;
      },
    });
    open.push({ rig: r, project: p });
    return { engine: r.engine, asked };
  }

  it('a draft still and a fal clip from it: the clip is in the question, and a no pays nothing', async () => {
    // The first wave (the draft still) spends nothing; only the clip that waits for it does.
    const { engine, asked } = await asking(videoProject('draft/storyboard', KLING_FAL), false);
    await assert.rejects(engine.render(), (err: { code?: string }) => err.code === 'declined');
    assert.equal(asked.length, 1, 'asked once, before anything');
    const row = asked[0]!.estimate.byModel.find((r) => r.model === KLING_FAL);
    assert.ok(row, JSON.stringify(asked[0]!.estimate.byModel));
    assert.ok(Math.abs(row.costUsd - 0.28) < 1e-9, '5 s × $0.056');
    assert.equal(fal.requests.length, 0, fal.requests.map((r) => r.route).join(', '));
  });

  it('a yes covers both waves: the clip renders after its still without a second question', async () => {
    const { engine, asked } = await asking(videoProject(STILL_FAL, KLING_FAL), true);
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 2, JSON.stringify(summary.errors));
    assert.equal(asked.length, 1);
    assert.ok(Math.abs(asked[0]!.estimate.estCostUsd - (0.28 + 0.003)) < 1e-9);
  });
});

describe('canceling a clip while it waits for its still', () => {
  it('the clip is canceled and never submitted; the still renders', async () => {
    const { engine, events } = await rig(videoProject(STILL_FAL, KLING_FAL));
    const done = engine.render();
    await waitFor(() => events.some((e) => e.type === 'batch-start'), 'batch start');
    assert.equal(engine.cancelShot('s01-010v'), true, 'a waiting clip can be canceled');
    const summary = await done;
    assert.equal(summary.shots.rendered, 1, JSON.stringify(summary.errors));
    assert.equal(summary.shots.canceled, 1);
    assert.equal(fal.requests.filter((r) => r.route === 'submit' && r.path.includes('kling')).length, 0);
  });
});
