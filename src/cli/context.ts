// Everything a CLI command needs, built the same way for each: the config from `configFor` (defaults <
// project < flags < env, as in VS Code), providers from env keys, one engine. Keys come from the
// environment only.

import { UploadCache } from '../core/cache/uploadCache';
import { configFor, type DailiesConfig, envLayer } from '../core/config';
import { documentFromText, type ProjectDocument } from '../core/project/load';
import { ProjectPaths } from '../core/project/paths';
import { FileProjectIO } from '../core/project/write';
import { cloudProviders } from '../core/providers/cloud';
import { createProviders, keysFromEnv } from '../core/providers/factory';
import { ModelRegistry } from '../core/providers/registry';
import { RenderEngine, type SpendRequest } from '../core/render/engine';
import { Scheduler } from '../core/render/scheduler';
import { teamFromEnv } from '../core/team/settings';
import { DailiesError } from '../core/util/errors';
import type { CliArgs } from './args';
import { openCliTeam } from './team';

export interface CliContext {
  doc: ProjectDocument;
  config: DailiesConfig;
  engine: RenderEngine;
  uploads: UploadCache;
  /** The team backend, when DAILIES_REDIS_URL / DAILIES_STORE are set (closed after the command). */
  team?: { close(): Promise<void> };
  /** Things the user should know before the command's output (e.g. a fallback to this machine alone). */
  notices: string[];
}

export async function createContext(
  args: CliArgs,
  env: NodeJS.ProcessEnv,
  confirmSpend?: (request: SpendRequest) => Promise<boolean>,
): Promise<CliContext> {
  const registry = new ModelRegistry();
  // The engine plans from the same IO: the text it read is taken again without a second read while the
  // file is unchanged.
  const paths = new ProjectPaths(args.projectFile);
  const io = new FileProjectIO(paths.projectFile);
  const doc = documentFromText(paths, await io.read(), { modelCheck: registry.modelCheck });
  const envConfig = envLayer(env);
  const config = configFor({ project: doc.project, host: args.config, hostKind: 'cli', env: envConfig });
  const scheduler = new Scheduler(config);
  const { providers, unavailable } = createProviders(config, keysFromEnv(env), cloudProviders, {
    fal: { rate: scheduler.rate('fal') },
    replicate: { rate: scheduler.rate('replicate') },
  });
  const uploads = new UploadCache(doc.paths, config);
  const notices: string[] = [];
  // Only the commands that render or price renders use the team; a farm that is down must not stop `metrics`.
  const wantsTeam = args.command === 'render' || args.command === 'prewarm' || args.command === 'estimate';
  const settings = wantsTeam ? teamFromEnv(env) : undefined;
  if (args.farm && !settings)
    throw new DailiesError(
      'validation',
      '--farm needs the team backend: set DAILIES_REDIS_URL and DAILIES_STORE',
    );
  const team = settings ? await openCliTeam(settings, doc.paths.root, args, notices) : undefined;
  const engine = new RenderEngine({
    projectFile: doc.file,
    io,
    config,
    // The project as each plan reads it (it may change while a long batch runs).
    configFor: (project) => configFor({ project, host: args.config, hostKind: 'cli', env: envConfig }),
    confirmSpend,
    providers,
    unavailable,
    registry,
    scheduler,
    uploader: team?.uploader(config) ?? uploads,
    uploadPeek: uploads.peeker(providers),
    team: team?.engine,
  });
  await uploads.importLegacy(doc.project.fal_upload_cache);
  return { doc, config, engine, uploads, team, notices };
}
