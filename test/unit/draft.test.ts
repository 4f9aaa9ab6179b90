import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { resolveConfig } from '../../src/core/config';
import { frameSize } from '../../src/core/project/spec';
import { DraftProvider } from '../../src/core/providers/draft';
import { ModelRegistry } from '../../src/core/providers/registry';
import type { GenerationRequest, ProgressUpdate, RefInput } from '../../src/core/providers/types';
import { RenderEngine } from '../../src/core/render/engine';
import { DailiesError } from '../../src/core/util/errors';
import { createProject, makeImage, simpleFiles, simpleProject, tempDir } from '../helpers/tempProject';

const dir = tempDir();
after(() => fs.rm(dir, { recursive: true, force: true }));

async function refs(): Promise<RefInput[]> {
  await makeImage(path.join(dir, 'decor.jpg'), { width: 800, height: 450, color: '#223344' });
  await makeImage(path.join(dir, 'ann.png'), { width: 300, height: 400, color: '#aa3322' });
  return [
    {
      role: 'decor',
      owner: 's1',
      label: 'Platform',
      abs: path.join(dir, 'decor.jpg'),
      rel: 'decor.jpg',
      sha256: 'a'.repeat(64),
      size: 1,
    },
    {
      role: 'cast',
      owner: 'ann',
      label: 'Ann',
      abs: path.join(dir, 'ann.png'),
      rel: 'ann.png',
      sha256: 'b'.repeat(64),
      size: 1,
    },
  ];
}

function request(over: Partial<GenerationRequest> = {}): GenerationRequest {
  const { width, height } = frameSize('2.39:1');
  return {
    shotId: 's01-010',
    variation: 1,
    variations: 2,
    model: new ModelRegistry().get('draft/storyboard')!,
    prompt: 'Ann waits on the platform, 35mm, sodium light',
    seed: 42,
    steps: 6,
    width,
    height,
    aspectRatio: '2.39:1',
    params: {},
    refs: [],
    labels: { scene: 'Platform', cast: ['Ann'] },
    refUrls: new Map(),
    ...over,
  };
}

function ctx(signal = new AbortController().signal) {
  const progress: ProgressUpdate[] = [];
  return {
    progress,
    ctx: {
      signal,
      onProgress: (p: ProgressUpdate) => progress.push(p),
      onSubmitted: () => undefined,
      log: () => undefined,
    },
  };
}

describe('draft provider', () => {
  it('renders a real, decodable frame at the project aspect ratio, with simulated steps', async () => {
    const provider = new DraftProvider({ latencyMs: 30 });
    const { progress, ctx: c } = ctx();
    const result = await provider.generate(request({ refs: await refs() }), c);
    const out = result.outputs[0];
    assert.ok(out && out.kind === 'bytes');
    const meta = await sharp(out.data).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.ok(Math.abs(meta.width! / meta.height! - 2.39) < 0.05, `${meta.width}x${meta.height}`);
    const stats = await sharp(out.data).stats();
    assert.ok(stats.channels[0]!.stdev > 10, 'the frame has content, not a flat fill');
    assert.deepEqual(
      progress.map((p) => p.step),
      [1, 2, 3, 4, 5, 6],
    );
  });

  it('is deterministic by seed and different across seeds and variations', async () => {
    const provider = new DraftProvider({ latencyMs: 0 });
    const r = await refs();
    const render = async (over: Partial<GenerationRequest>) => {
      const res = await provider.generate(request({ refs: r, ...over }), ctx().ctx);
      return (res.outputs[0] as { data: Uint8Array }).data;
    };
    const a = await render({ seed: 7 });
    const b = await render({ seed: 7 });
    const c = await render({ seed: 8 });
    const d = await render({ seed: 7, variation: 2 });
    assert.deepEqual(Buffer.from(a), Buffer.from(b));
    assert.notDeepEqual(Buffer.from(a), Buffer.from(c));
    assert.notDeepEqual(Buffer.from(a), Buffer.from(d));
  });

  it('stops when aborted', async () => {
    const provider = new DraftProvider({ latencyMs: 5000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(
      provider.generate(request(), ctx(controller.signal).ctx),
      (e: unknown) => e instanceof DailiesError && e.code === 'canceled',
    );
  });

  it('reports a corrupt reference image as a clear per-shot error', async () => {
    await fs.writeFile(path.join(dir, 'broken.png'), 'not a png at all');
    const broken: RefInput = {
      role: 'decor',
      owner: 's1',
      label: 'x',
      abs: path.join(dir, 'broken.png'),
      rel: 'broken.png',
      sha256: 'c'.repeat(64),
      size: 16,
    };
    await assert.rejects(
      provider().generate(request({ refs: [broken] }), ctx().ctx),
      /Reference "broken.png" is not a readable image/,
    );
    function provider() {
      return new DraftProvider({ latencyMs: 0 });
    }
  });

  it('through the engine: real images and WebP thumbnails no larger than 400 px; a corrupt ref fails only its shot', async () => {
    const p = await createProject(
      simpleProject(3, (i) => (i === 2 ? { refs: ['props/bad.png'] } : {})),
      { ...simpleFiles, 'props/bad.png': 'garbage' },
    );
    const config = resolveConfig();
    const engine = new RenderEngine({
      projectFile: p.file,
      config,
      providers: { draft: new DraftProvider(config.draft) },
    });
    try {
      const summary = await engine.render();
      assert.equal(summary.shots.rendered, 2);
      assert.equal(summary.shots.failed, 1);
      assert.match(summary.errors[0]!.message, /props\/bad.png/);
      const project = await p.json();
      for (const shot of project.shots.slice(0, 2)) {
        const out = shot.render!.outputs[0]!;
        const image = await sharp(path.join(p.dir, out.image)).metadata();
        const thumb = await sharp(path.join(p.dir, out.thumb!)).metadata();
        assert.equal(thumb.format, 'webp');
        assert.ok(Math.max(thumb.width!, thumb.height!) <= 400);
        assert.equal(Math.max(thumb.width!, thumb.height!), 400, 'the long side fills the 400 px box');
        assert.ok(
          Math.abs(thumb.width! / thumb.height! - image.width! / image.height!) < 0.02,
          'aspect kept',
        );
      }
      assert.equal(project.shots[2]!.render, undefined);
    } finally {
      await engine.dispose();
      await p.cleanup();
    }
  });
});
