// Video shots without a network or a child process: the model registry (built-in and a project's own
// models), clip lengths and prices, the input each provider gets, what ffmpeg's probe text means, the
// start frame a shot's spec resolves, which shots wait for their stills, the storyboard row of a video
// take, the take's media type, and an ETA for long jobs that report no steps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../src/core/config';
import { cameraMove, draftVideoSize } from '../../src/core/media/draftVideo';
import { parseProbe, proxySize } from '../../src/core/media/video';
import type { Project } from '../../src/core/project/schema';
import { shotSpec } from '../../src/core/project/spec';
import { validateProjectValue } from '../../src/core/project/validate';
import { buildInput } from '../../src/core/providers/inputs';
import { ModelRegistry } from '../../src/core/providers/registry';
import type { GenerationRequest, RefInput } from '../../src/core/providers/types';
import { allowedText, clipLength, jobCostUsd } from '../../src/core/providers/videoModels';
import type { PlannedShot } from '../../src/core/render/plan';
import { waitingOnStills } from '../../src/core/render/videoWaves';
import type { ShotView } from '../../src/core/state/productionState';
import { StringTable, toRow } from '../../src/extension/webviews/cards';
import { BatchProgress } from '../../src/shared/batchProgress';
import type { RenderEvent } from '../../src/shared/events';
import { playableFile, takeFile, takeMedia } from '../../src/shared/takeMedia';
import { progressText } from '../../webview-ui/storyboard/progressText';

const registry = new ModelRegistry();
const config = resolveConfig({});

function project(shots: Project['shots'], extra: Partial<Project> = {}): Project {
  return { dailies: 1, shots, ...extra } as Project;
}

const still = (id = 's1', take?: number) => ({
  id,
  prompt: 'a platform',
  ...(take ? { take } : {}),
  render: {
    status: 'done' as const,
    inputHash: 'a'.repeat(64),
    provider: 'draft',
    model: 'draft/storyboard',
    renderedAt: '2026-01-01T00:00:00Z',
    outputs: [
      { variation: 1, image: `renders/${id}/${id}_v1.jpg` },
      { variation: 2, image: `renders/${id}/${id}_v2.jpg` },
    ],
  },
});

describe('video models', () => {
  it('ships image-to-video models on both providers, each with lengths, a price per second and its input names', () => {
    const kling = registry.get('fal-ai/kling-video/v2.1/standard/image-to-video')!;
    assert.equal(kling.class, 'video');
    assert.deepEqual(kling.video, {
      startInput: 'image_url',
      durationInput: 'duration',
      durations: [5, 10],
      durationAs: 'string',
      pricePerSecondUsd: 0.056,
    });
    assert.equal(registry.get('fal-ai/kling-video/v4/image-to-video')!.video!.startInput, 'start_image_url');
    assert.equal(registry.get('fal-ai/kling-video/v4/image-to-video')!.video!.endInput, 'end_image_url');
    assert.equal(registry.get('kwaivgi/kling-v2.1')!.video!.startInput, 'start_image');
    assert.equal(registry.get('wan-video/wan-2.5-i2v')!.video!.startInput, 'image');
    assert.equal(registry.get('fal-ai/wan-25-preview/image-to-video')!.provider, 'fal');
    assert.equal(registry.get('draft/video')!.provider, 'draft');
    for (const m of registry.list().filter((x) => x.video && x.provider !== 'draft')) {
      assert.ok(m.video!.pricePerSecondUsd! > 0, `${m.id} is priced`);
      assert.ok(m.video!.durations.length > 0);
      assert.ok(m.typicalSeconds >= 60, `${m.id} is a long job`);
    }
  });

  it('a project’s `models` block adds a video model with its own inputs, lengths and price', () => {
    const r = registry.withProjectModels({
      'studio/i2v': {
        provider: 'fal',
        endpoint: 'studio/my-i2v',
        video: { startInput: 'first_frame', durations: [4, 2, 8], pricePerSecondUsd: 0.2 },
      },
    });
    const m = r.get('studio/i2v')!;
    assert.equal(m.class, 'video');
    assert.deepEqual(m.video!.durations, [2, 4, 8], 'sorted');
    assert.equal(m.video!.durationAs, 'string', 'fal sends enums as strings unless told');
    assert.equal(m.seedInput, undefined, 'no seed sent unless named');
  });

  it('picks the clip length: asked (must be allowed), else the shortest that covers the edit, else the longest', () => {
    const v = { startInput: 'image_url', durations: [5, 10], durationAs: 'string' as const };
    assert.deepEqual(clipLength(v, {}), { ok: true, seconds: 5 });
    assert.deepEqual(clipLength(v, { editSeconds: 4 }), { ok: true, seconds: 5 });
    assert.deepEqual(clipLength(v, { editSeconds: 6 }), { ok: true, seconds: 10 });
    assert.deepEqual(clipLength(v, { editSeconds: 14 }), { ok: true, seconds: 10 });
    assert.deepEqual(clipLength(v, { videoDuration: 10, editSeconds: 2 }), { ok: true, seconds: 10 });
    const bad = clipLength(v, { videoDuration: 7 });
    assert.equal(bad.ok, false);
    assert.match(
      (bad as { message: string }).message,
      /videoDuration 7 is not a clip length this model makes \(5 or 10 s\)/,
    );
    assert.equal(allowedText([3, 4, 5, 6, 7]), '3–7 s');
  });

  it('prices a clip per second of output, an image per image', () => {
    const kling = registry.get('fal-ai/kling-video/v2.1/pro/image-to-video')!;
    assert.equal(jobCostUsd({ model: kling, video: { seconds: 10 } }), 0.98);
    assert.equal(jobCostUsd({ model: registry.get('fal-ai/flux/dev')! }), 0.025);
  });
});

function request(modelId: string, refs: Partial<RefInput>[], seconds = 5): GenerationRequest {
  const model = registry.get(modelId)!;
  return {
    shotId: 'v',
    variation: 1,
    variations: 1,
    model,
    prompt: 'push in',
    seed: 42,
    steps: 28,
    width: 1024,
    height: 576,
    aspectRatio: '16:9',
    params: { ...model.params },
    refs: refs.map((r) => ({ owner: 's1', label: 's1', sha256: r.role!, size: 1, ...r }) as RefInput),
    labels: { cast: [] },
    refUrls: new Map([
      ['start', 'https://v3.fal.media/files/a/start.png'],
      ['end', 'https://v3.fal.media/files/a/end.png'],
    ]),
    video: { seconds },
  };
}

describe('model input', () => {
  it('fal Kling 2.1: image_url and a string duration, no image-model fields', () => {
    const input = buildInput(
      request('fal-ai/kling-video/v2.1/standard/image-to-video', [{ role: 'start' }]),
      'fal',
    );
    assert.deepEqual(input, {
      prompt: 'push in',
      image_url: 'https://v3.fal.media/files/a/start.png',
      duration: '5',
    });
  });

  it('fal Kling 4: start_image_url and end_image_url', () => {
    const input = buildInput(
      request('fal-ai/kling-video/v4/image-to-video', [{ role: 'start' }, { role: 'end' }], 8),
      'fal',
    );
    assert.equal(input.start_image_url, 'https://v3.fal.media/files/a/start.png');
    assert.equal(input.end_image_url, 'https://v3.fal.media/files/a/end.png');
    assert.equal(input.duration, '8');
  });

  it('Replicate: start_image / image and an integer duration; Wan gets its seed', () => {
    const kling = buildInput(request('kwaivgi/kling-v2.1', [{ role: 'start' }]), 'replicate');
    assert.deepEqual(kling, {
      mode: 'standard',
      prompt: 'push in',
      start_image: 'https://v3.fal.media/files/a/start.png',
      duration: 5,
    });
    const wan = buildInput(request('wan-video/wan-2.5-i2v', [{ role: 'start' }], 10), 'replicate');
    assert.equal(wan.image, 'https://v3.fal.media/files/a/start.png');
    assert.equal(wan.duration, 10);
    assert.equal(wan.seed, 42);
  });

  it('refuses to build an input without a start frame URL (the last line before a paid submit)', () => {
    assert.throws(
      () => buildInput(request('kwaivgi/kling-v2.1', []), 'replicate'),
      /no start frame URL for kwaivgi\/kling-v2\.1/,
    );
  });
});

describe('the start frame of a video shot', () => {
  const video = (extra: Record<string, unknown> = {}) => ({
    id: 'v',
    prompt: 'push in',
    model: 'fal-ai/kling-video/v2.1/standard/image-to-video',
    from: 's1',
    ...extra,
  });

  it('is the still’s circled take, as a ref with the start role (so its content is an input)', () => {
    const p = project([still('s1', 2), video()]);
    const spec = shotSpec(p, p.shots[1]!, 1, registry, config);
    assert.equal(spec.video!.seconds, 5);
    assert.deepEqual(spec.refs, [
      {
        role: 'start',
        owner: 's1',
        label: 's1 take 2',
        ref: 'renders/s1/s1_v2.jpg',
        source: 'shots[1].from',
      },
    ]);
  });

  it('may be an image path or URL instead of a shot', () => {
    const p = project([video({ from: 'boards/start.png' })]);
    assert.equal(shotSpec(p, p.shots[0]!, 0, registry, config).refs[0]!.ref, 'boards/start.png');
  });

  it('is refused: a still with no take, a video shot, the shot itself, an image model given one', () => {
    const unrendered = project([{ id: 's1', prompt: 'x' }, video()]);
    assert.throws(
      () => shotSpec(unrendered, unrendered.shots[1]!, 1, registry, config),
      /shot s1 has no rendered take yet/,
    );
    const chained = project([
      {
        ...still('s1'),
        render: { ...still('s1').render, outputs: [{ variation: 1, image: 'a.jpg', video: 'a.mp4' }] },
      },
      video(),
    ]);
    assert.throws(() => shotSpec(chained, chained.shots[1]!, 1, registry, config), /shot s1 is a video shot/);
    const self = project([video({ from: 'v' })]);
    assert.throws(() => shotSpec(self, self.shots[0]!, 0, registry, config), /cannot start from itself/);
    const imageModel = project([still(), { id: 'x', prompt: 'y', model: 'fal-ai/flux/dev', from: 's1' }]);
    assert.throws(
      () => shotSpec(imageModel, imageModel.shots[1]!, 1, registry, config),
      /makes images, not video/,
    );
  });

  it('offline (draft provider for everything), a cloud video shot drafts as a moving clip', () => {
    const p = project([still(), video()]);
    const spec = shotSpec(p, p.shots[1]!, 1, registry, resolveConfig({ providerOverride: 'draft' }));
    assert.equal(spec.model.id, 'draft/video');
    assert.equal(spec.video!.seconds, 1, 'the draft makes any whole length; none asked, the shortest');
  });

  it('video shots whose still renders in the same batch wait for it; others do not', () => {
    const p = project([still('s1'), video(), { id: 's2', prompt: 'x' }, video({ id: 'w', from: 's2' })]);
    const planned = p.shots.map(
      (shot, index) => ({ shot, index, freshness: shot.id === 's1' ? 'fresh' : 'stale' }) as PlannedShot,
    );
    assert.deepEqual(
      waitingOnStills(p, planned).map((s) => s.shot.id),
      ['w'],
    );
  });
});

describe('ffmpeg probe text', () => {
  it('reads container, length, codec, size, aspect, rate and audio', () => {
    const text = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/tmp/x.part':
  Duration: 00:00:05.02, start: 0.000000, bitrate: 4938 kb/s
    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 1920x1080 [SAR 4:3 DAR 64:27], 4880 kb/s, 23.98 fps, 23.98 tbr, 12288 tbn (default)
    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 74 kb/s (default)`;
    assert.deepEqual(parseProbe(text), {
      format: 'mov,mp4,m4a,3gp,3g2,mj2',
      seconds: 5.02,
      codec: 'h264',
      width: 1920,
      height: 1080,
      sar: 4 / 3,
      fps: 23.98,
      audio: 'aac',
    });
  });

  it('sizes the proxy to fit 640 px, even, square pixels, never larger than the source', () => {
    assert.deepEqual(proxySize({ width: 1920, height: 1080, sar: 1 }), { width: 640, height: 360 });
    assert.deepEqual(proxySize({ width: 720, height: 1280, sar: 1 }), { width: 360, height: 640 });
    assert.deepEqual(proxySize({ width: 320, height: 181, sar: 1 }), { width: 320, height: 182 });
    assert.deepEqual(proxySize({ width: 1440, height: 1080, sar: 4 / 3 }), { width: 640, height: 360 });
  });

  it('the draft moves its camera by seed, at the shot’s ratio', () => {
    assert.equal(cameraMove(7), cameraMove(7));
    assert.ok(new Set(Array.from({ length: 40 }, (_, i) => cameraMove(i))).size > 2);
    assert.deepEqual(draftVideoSize('2.39:1'), { width: 640, height: 268 });
  });
});

describe('a take that is a video, as the views see it', () => {
  const out = {
    variation: 1,
    image: 'renders/v/v_v1.jpg',
    thumb: 'renders/v/v_v1.thumb.webp',
    video: 'renders/v/v_v1.mp4',
    proxy: 'renders/v/v_v1.proxy.mp4',
    seconds: 5,
  };

  it('takeMedia: a video (clip, proxy, poster) or an image; exports link the clip', () => {
    assert.deepEqual(takeMedia(out), {
      kind: 'video',
      video: 'renders/v/v_v1.mp4',
      proxy: 'renders/v/v_v1.proxy.mp4',
      poster: 'renders/v/v_v1.jpg',
      thumb: 'renders/v/v_v1.thumb.webp',
      seconds: 5,
    });
    assert.equal(takeFile(out), 'renders/v/v_v1.mp4');
    assert.equal(playableFile(out), 'renders/v/v_v1.proxy.mp4');
    assert.deepEqual(takeMedia({ image: 'a.png' }), { kind: 'image', image: 'a.png', thumb: undefined });
    assert.equal(playableFile({ image: 'a.png' }), undefined);
  });

  it('a storyboard row carries the proxy as a path template; a still’s row is unchanged', () => {
    const view: ShotView = {
      id: 'x9',
      index: 0,
      prompt: 'p',
      model: 'm',
      provider: 'draft',
      variations: 1,
      status: 'done',
      outputs: [out],
      line: 1,
    };
    const strings = new StringTable();
    const row = toRow({ ...view, outputs: [{ ...out, proxy: 'renders/x9/x9_v1.proxy.mp4' }] }, strings);
    const table = strings.take();
    assert.equal(row.length, 12);
    assert.equal(row[10], 0, 'no review to show: its slot holds 0');
    assert.equal(table[row[11]!], 'renders/\u0001/\u0001_v1.proxy.mp4');
    const stillRow = toRow({ ...view, outputs: [{ variation: 1, image: 'renders/v/v_v1.png' }] }, strings);
    assert.equal(stillRow.length, 8);
  });
});

describe('long jobs', () => {
  it('a job with a typical duration and no steps moves the ETA; without one it stays unknown', () => {
    const start = {
      type: 'batch-start',
      batchId: 'b',
      projectFile: 'p',
      startedAt: 0,
      shots: [{ shotId: 'v', variations: 1, stale: true }],
      jobs: 1,
    } satisfies RenderEvent;
    const job = (extra: Record<string, unknown>) =>
      ({
        type: 'job',
        batchId: 'b',
        shotId: 'v',
        variation: 1,
        variations: 1,
        state: 'submitted',
        ...extra,
      }) as const;
    const timed = new BatchProgress();
    timed.apply(start, 0);
    timed.apply(job({ expectMs: 200_000 }), 0);
    timed.apply(job({ queuePosition: 3 }), 50_000);
    assert.equal(timed.etaMs(100_000), 100_000, 'half of its typical 200 s gone: 100 s to go');
    const untimed = new BatchProgress();
    untimed.apply(start, 0);
    untimed.apply(job({}), 0);
    assert.equal(untimed.etaMs(100_000), undefined);
  });

  it('a card says where a job waits in the provider’s queue', () => {
    assert.equal(
      progressText({ variation: 1, variations: 1, state: 'submitted', queuePosition: 2 }),
      'Variation 1/1 · in queue (#3)',
    );
  });
});

describe('validation of a video shot’s frames (Problems panel)', () => {
  it('an unknown shot in `from` is an error on that line, with the closest ids; a path is left to the ref check', () => {
    const text = JSON.stringify(
      {
        dailies: 1,
        shots: [
          { id: 's01-010', prompt: 'a' },
          { id: 'v', prompt: 'b', model: 'draft/video', from: 's01-01' },
          { id: 'w', prompt: 'c', model: 'draft/video', from: 'boards/w.png' },
          { id: 'x', prompt: 'd', model: 'draft/video', from: 'x' },
        ],
      },
      null,
      2,
    );
    const issues = validateProjectValue(text, JSON.parse(text));
    const mine = issues.filter((i) => i.code === 'unknown-shot');
    assert.deepEqual(
      mine.map((i) => [i.path, i.message, i.shots]),
      [
        [
          'shots[1].from',
          'unknown shot "s01-01" (did you mean "s01-010"?) (name a still shot, or an image path)',
          ['v'],
        ],
        ['shots[3].from', 'a shot cannot start from itself', ['x']],
      ],
    );
    assert.ok(mine[0]!.line > 0);
  });
});
