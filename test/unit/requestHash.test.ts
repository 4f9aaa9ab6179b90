// What decides "stale" and "already paid for" is hashed from the very request the provider is sent:
// one request builder (plan.ts), no second copy to drift. And the hashes themselves never change under
// a user's feet: an upgrade that made rendered shots stale would make them pay for every shot again.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { resolveConfig } from '../../src/core/config';
import { DraftProvider } from '../../src/core/providers/draft';
import type {
  GenerationRequest,
  ModelInfo,
  Provider,
  ProviderContext,
  RefInput,
} from '../../src/core/providers/types';
import { RenderEngine } from '../../src/core/render/engine';
import { shotInputHash, shotInputText, variationKey } from '../../src/core/render/stale';
import { canonicalJson } from '../../src/core/util/hash';
import { createProject, simpleFiles, type TempProject } from '../helpers/tempProject';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Refs with fixed bytes (hashes are by content; a ref must be an image sharp reads), so the pinned
 * hashes below depend on nothing else: three 2×2 images. */
const FILES = {
  'cast/ann.png': Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEklEQVQImWM4wcV1gouLAUIBABsWA3F0RrYQAAAAAElFTkSuQmCC',
    'base64',
  ),
  'cast/bo.png': Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEklEQVQImWPgOsHFdYKLAUIBABgeA3Gp6Z1VAAAAAElFTkSuQmCC',
    'base64',
  ),
  'decor/platform.jpg': Buffer.from(
    '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAACAAIDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAj/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABQf/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCfwFtHP//Z',
    'base64',
  ),
};

function production() {
  return {
    dailies: 1,
    cast: [
      { id: 'ann', name: 'Ann', refs: ['cast/ann.png'] },
      { id: 'bo', name: 'Bo', refs: ['cast/bo.png'] },
    ],
    scenes: [{ id: 's1', title: 'Platform', decor: ['decor/platform.jpg'] }],
    shots: [
      {
        id: 'a',
        scene: 's1',
        cast: ['ann'],
        prompt: 'rain on glass',
        variations: 3,
        negativePrompt: 'blur',
        params: { guidance: 3.5, z: [1, { b: 2, a: 1 }] },
      },
      {
        id: 'b',
        scene: 's1',
        cast: ['ann', 'bo'],
        prompt: 'two at the door',
        model: 'fal-ai/flux-pro/kontext/multi',
        steps: 12,
      },
      {
        id: 'c',
        prompt: 'wide',
        model: 'black-forest-labs/flux-schnell',
        aspectRatio: '2.39:1',
        variations: 2,
      },
      { id: 'd', prompt: 'last seed', seed: 4294967295, variations: 2 },
    ],
  };
}

async function open(
  providers: Record<string, Provider>,
  files: Parameters<typeof createProject>[1] = FILES,
): Promise<{ p: TempProject; engine: RenderEngine }> {
  const p = await createProject(production(), files);
  const engine = new RenderEngine({
    projectFile: p.file,
    config: resolveConfig({}),
    providers,
    flushDelayMs: 10,
  });
  cleanups.push(async () => {
    await engine.dispose();
    await p.cleanup();
  });
  return { p, engine };
}

/** A provider with a fingerprint that remembers every request it fingerprinted and every one it got. */
class RecordingProvider implements Provider {
  readonly id = 'draft' as const;
  readonly needsUploads = false;
  readonly fingerprinted = new Set<GenerationRequest>();
  readonly received: GenerationRequest[] = [];
  private readonly inner = new DraftProvider({ latencyMs: 0 });

  fingerprint(request: GenerationRequest): Record<string, unknown> {
    this.fingerprinted.add(request);
    return this.inner.fingerprint(request);
  }

  generate(request: GenerationRequest, ctx: ProviderContext) {
    this.received.push(request);
    return this.inner.generate(request, ctx);
  }
}

describe('one request builder', () => {
  it('fingerprints, keys and records the very request object the provider receives', async () => {
    const provider = new RecordingProvider();
    const { p, engine } = await open({ draft: provider }, simpleFiles);
    const summary = await engine.render({ shots: ['a', 'd'] });
    assert.equal(summary.shots.rendered, 2);
    assert.equal(provider.received.length, 5);
    const project = JSON.parse(await p.read()) as { shots: { id: string; render?: { inputHash: string } }[] };
    for (const request of provider.received) {
      assert.ok(
        provider.fingerprinted.has(request),
        `${request.shotId} v${request.variation}: fingerprint of what is sent`,
      );
      // The result is cached under the key of what was sent, so the same request is never paid twice.
      const key = variationKey(request, provider.fingerprint(request));
      await fs.access(path.join(p.dir, '.dailies', 'results', key.slice(0, 2), `${key}.json`));
      if (request.variation === 1) {
        const recorded = project.shots.find((s) => s.id === request.shotId)?.render?.inputHash;
        assert.equal(recorded, shotInputHash(request, provider.fingerprint(request)));
      }
    }
  });

  it('keeps every hash an earlier version recorded: rendered shots stay fresh after an upgrade', async () => {
    const stub: Provider = { id: 'fal', needsUploads: true, generate: async () => ({ outputs: [] }) };
    const { engine } = await open({ draft: new DraftProvider({ latencyMs: 0 }), fal: stub });
    const { shots } = await engine.plan();
    const got = Object.fromEntries(shots.map((s) => [s.shot.id, [s.inputHash, ...s.jobs.map((j) => j.key)]]));
    assert.deepEqual(got, PINNED);
  });
});

describe('the shot hash written out field by field', () => {
  it('is the canonical JSON of the recorded field set, whatever the request holds', () => {
    // The general form the recorded hashes were made with: the sorted canonical JSON of this object.
    const general = (r: GenerationRequest, extra: Record<string, unknown>) =>
      canonicalJson({
        v: 1,
        provider: r.model.provider,
        model: r.model.id,
        endpoint: r.model.endpoint,
        prompt: r.prompt,
        negativePrompt: r.negativePrompt,
        steps: r.steps,
        aspectRatio: r.aspectRatio,
        width: r.width,
        height: r.height,
        params: r.params,
        refs: r.refs.map((ref) => ({ role: ref.role, sha256: ref.sha256 })),
        videoSeconds: r.video?.seconds,
        seed: r.seed,
        variations: r.variations,
        extra,
      });
    const model: ModelInfo = {
      id: 'm/x',
      provider: 'fal',
      endpoint: 'fal-ai/x',
      class: 'light',
      maxRefs: 4,
      refsAs: 'list',
      sizeInput: 'image_size',
      typicalSeconds: 5,
      params: {},
    };
    const refs: RefInput[] = [
      { role: 'cast', owner: 'ann', label: 'Ann', sha256: 'a'.repeat(64), size: 1 },
      { role: 'decor', owner: 's1', label: 'S', sha256: 'b'.repeat(64), size: 2 },
      { role: 'start', owner: 'x', label: 'x', sha256: 'c'.repeat(64), size: 3 },
    ];
    const variants: [Partial<GenerationRequest>, Record<string, unknown>][] = [
      [{}, {}],
      [{ negativePrompt: 'no "rain"\n' }, { engine: 'sdxl', z: [1, { b: 2, a: null }] }],
      [{ video: { seconds: 4.5 }, refs: [...refs] }, {}],
      [{ refs: [], params: {} }, {}],
      [{ params: { zeta: 1, alpha: { y: [true, 'é'], x: undefined }, mid: 0.1 } }, { variations: 3 }],
      [{ prompt: 'Zoë\u2028 — “quoted” \\ text', seed: 0, steps: 1, aspectRatio: '2.39:1' }, {}],
    ];
    for (const [change, extra] of variants) {
      const request: GenerationRequest = {
        shotId: 's',
        variation: 1,
        variations: 2,
        model,
        prompt: 'rain on glass',
        seed: 4294967295,
        steps: 28,
        width: 1024,
        height: 576,
        aspectRatio: '16:9',
        params: { guidance: 3.5 },
        refs: refs.slice(0, 2).map((r) => ({ ...r })),
        labels: { cast: [] },
        refUrls: new Map(),
        ...change,
      };
      assert.equal(shotInputText(request, extra), general(request, extra), JSON.stringify(change));
    }
  });
});

// Computed by the code before the request builder was unified (commit 16ddf74), on the FILES above.
const PINNED: Record<string, string[]> = {
  a: [
    'ca52b822fc87fac622a07bf5179a08a73f97754360eb4fa2b923420e076da03d',
    '7cc876bc8a59d2276048499343e76663840e56462b5476974cc894b2ac48bef7',
    '3b34e7c552241508eced1c4aad12b79f6e7f60039f0485d0924904847ff895f4',
    '7b35b7d2767feb83f5b22b5359036432794a39ab1d53da1b68ca9c0e9f7c197f',
  ],
  b: [
    '8d865e587e6484431dc779ac9f782a31a6d0bbc24a4f3e3eb5095e4bb8b5c960',
    '51291d388ce2b52f5f7c9383ee30ab14d538a76f7804caa804f1dc23518840db',
  ],
  c: [
    '6e245cb50e5559058f678db181b06d7cc6b03f8135d44f0c4b2858c7815ecf45',
    'd233ab46c704b596c80e39682898ba2a721cf48bb06a073dde0ab2ad173c6d91',
    'ccd92323abddcf9d42aef5c0e4ebff4de20b231cc31ed1007c5139d38f31286c',
  ],
  d: [
    '770085e82395fdf44ee87fd6c5adefecea160f7f77fabe1b023ef6bd48787854',
    '445700dfdca3a973f2c36057ba5f4e10bd5ed40792d98512846972f4d2f39575',
    'eb59d2bf85ac43ce6721e06d98eb4579a387b9efcbb7de74fbb6e70885effcb4',
  ],
};
