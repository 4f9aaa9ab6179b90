// What decides "stale" and "already paid for" is hashed from the very request the provider is sent:
// one request builder (plan.ts), no second copy to drift. And the hashes themselves never change under
// a user's feet: an upgrade that made rendered shots stale would make them pay for every shot again.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { resolveConfig } from '../../src/core/config';
import { DraftProvider } from '../../src/core/providers/draft';
import type { GenerationRequest, Provider, ProviderContext } from '../../src/core/providers/types';
import { RenderEngine } from '../../src/core/render/engine';
import { shotInputHash, variationKey } from '../../src/core/render/stale';
import { createProject, simpleFiles, type TempProject } from '../helpers/tempProject';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Refs with fixed bytes (hashes are by content), so the pinned hashes below depend on nothing else. */
const FILES = {
  'cast/ann.png': 'ann bytes',
  'cast/bo.png': 'bo bytes',
  'decor/platform.jpg': 'platform bytes',
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

// Computed by the code before the request builder was unified (commit 16ddf74).
const PINNED: Record<string, string[]> = {
  a: [
    '966596ae2cdac07fa8c19fd7a2c9e67dae3d70ff80a8350ec31e197e18f3b864',
    '4c0bb465848313aa32a1ebb83452b85365133c6e01892a56b4c444784a63aca8',
    '7eb76e2edbdaf7f9d5d54d8af802f076eb704a3c1cb1d997c0e0efc4c7312c45',
    '4296a08dea45d9c02ea0191cbf951d7f2c0586d13276968af7d08ddb6743d529',
  ],
  b: [
    'e8524f2765d472a5a90cce44b780464a149b890943818505cf7739c3cbecca4f',
    'ede5ebd651f9735dadf20b3eb6fdde612fd050efb5ddd7d5029e3749f4ee64ec',
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
