// An engine wired exactly like the CLI's, with fal and Replicate pointed at the loopback fakes through
// the same base-URL override users have (DAILIES_FAL_URL / DAILIES_REPLICATE_URL).
import { UploadCache } from '../../src/core/cache/uploadCache';
import { type ConfigLayer, resolveConfig } from '../../src/core/config';
import { ProjectPaths } from '../../src/core/project/paths';
import { cloudProviders } from '../../src/core/providers/cloud';
import { createProviders } from '../../src/core/providers/factory';
import { type EngineOptions, RenderEngine } from '../../src/core/render/engine';
import { Scheduler } from '../../src/core/render/scheduler';
import type { RenderEvent } from '../../src/shared/events';
import type { FalFake } from '../fakes/falFake';
import type { ReplicateFake } from '../fakes/replicateFake';
import { testInternet } from './internet';

export const FAL_KEY = 'fal-test-key:secret';
export const REPLICATE_TOKEN = 'r8_testtoken';

export interface CloudRig {
  engine: RenderEngine;
  uploads: UploadCache;
  events: RenderEvent[];
  dispose(): Promise<void>;
}

export function cloudEngine(
  projectFile: string,
  fakes: { fal?: FalFake; replicate?: ReplicateFake },
  layer: ConfigLayer = {},
  keys: { fal?: string; replicate?: string } = { fal: FAL_KEY, replicate: REPLICATE_TOKEN },
  engineOptions: Partial<EngineOptions> = {},
): CloudRig {
  const config = resolveConfig(
    {
      baseUrls: { fal: fakes.fal?.origin, replicate: fakes.replicate?.origin },
      pollMs: 15,
      retry: { attempts: 4, baseMs: 30, maxMs: 3000 },
      timeouts: { requestMs: 3000, generationMs: 60_000 },
      ratePerSecond: { fal: 1000, replicate: 1000 },
    },
    layer,
  );
  const scheduler = new Scheduler(config);
  const internet = testInternet(fakes.fal);
  const { providers, unavailable } = createProviders(config, keys, cloudProviders, {
    fal: { rate: scheduler.rate('fal'), ...internet },
    replicate: { rate: scheduler.rate('replicate'), ...internet },
  });
  const uploads = new UploadCache(new ProjectPaths(projectFile), config);
  const engine = new RenderEngine({
    projectFile,
    config,
    providers,
    unavailable,
    scheduler,
    uploader: uploads,
    uploadPeek: uploads.peeker(providers),
    flushDelayMs: 20,
    ...engineOptions,
  });
  const events: RenderEvent[] = [];
  engine.onEvent((e) => events.push(e));
  return { engine, uploads, events, dispose: () => engine.dispose() };
}
