// Everything a CLI command needs, built the same way for each: the config from `configFor` (defaults <
// project < flags < env, as in VS Code), providers from env keys, one engine. Keys come from the
// environment only.

import { UploadCache } from '../core/cache/uploadCache';
import { configFor, type DailiesConfig, envLayer } from '../core/config';
import { loadProject, type ProjectDocument } from '../core/project/load';
import { cloudProviders } from '../core/providers/cloud';
import { createProviders, keysFromEnv } from '../core/providers/factory';
import { ModelRegistry } from '../core/providers/registry';
import { RenderEngine, type SpendRequest } from '../core/render/engine';
import { Scheduler } from '../core/render/scheduler';
import type { CliArgs } from './args';

export interface CliContext {
  doc: ProjectDocument;
  config: DailiesConfig;
  engine: RenderEngine;
  uploads: UploadCache;
}

export async function createContext(
  args: CliArgs,
  env: NodeJS.ProcessEnv,
  confirmSpend?: (request: SpendRequest) => Promise<boolean>,
): Promise<CliContext> {
  const registry = new ModelRegistry();
  const doc = await loadProject(args.projectFile, { modelCheck: registry.modelCheck });
  const envConfig = envLayer(env);
  const config = configFor({ project: doc.project, host: args.config, hostKind: 'cli', env: envConfig });
  const scheduler = new Scheduler(config);
  const { providers, unavailable } = createProviders(config, keysFromEnv(env), cloudProviders, {
    fal: { rate: scheduler.rate('fal') },
    replicate: { rate: scheduler.rate('replicate') },
  });
  const uploads = new UploadCache(doc.paths, config);
  const engine = new RenderEngine({
    projectFile: doc.file,
    config,
    // The project as each plan reads it (it may change while a long batch runs).
    configFor: (project) => configFor({ project, host: args.config, hostKind: 'cli', env: envConfig }),
    confirmSpend,
    providers,
    unavailable,
    registry,
    scheduler,
    uploader: uploads,
    uploadPeek: uploads.peeker(providers),
  });
  await uploads.importLegacy(doc.project.fal_upload_cache);
  return { doc, config, engine, uploads };
}
