// An artist's machine on the team: the engine's claims, journal and result index go through the team's
// Redis and shared store, and `render --farm` hands the batch's paid variations to the farm.
import * as path from 'node:path';
import type { DailiesConfig } from '../config';
import type { BatchUploader, EngineTeam } from '../render/engine';
import { FarmClient } from './farmClient';
import { FarmRunner } from './farmRunner';
import type { FarmFallback, TeamSettings } from './settings';
import { FolderStore } from './sharedStore';
import { SharedUploads } from './sharedUploads';
import { engineTeam, openTeam } from './team';

export interface ArtistTeam {
  engine: EngineTeam;
  /** Ref uploads through the team's index (a ref uploaded once for everyone), for renders on this machine. */
  uploader(config: DailiesConfig): BatchUploader;
  close(): Promise<void>;
}

export interface ArtistTeamOptions {
  projectRoot: string;
  fallback: FarmFallback;
  log: (message: string) => void;
  /** Redis out of reach this long fails a farm batch's waits (default 30 s). */
  lostAfterMs?: number;
  /** How long a batch waits for a worker of a queue to connect before saying none serves it (15 s). */
  noWorkerWaitMs?: number;
}

export async function openArtistTeam(
  settings: TeamSettings,
  options: ArtistTeamOptions,
): Promise<ArtistTeam> {
  const team = await openTeam(settings, { role: 'artist', log: options.log });
  let client: FarmClient | undefined;
  const farm: EngineTeam['farm'] = (deps, local) => {
    client ??= new FarmClient(team, {
      log: (level, message) => deps.sink.log(level, 'RENDER', message),
      lostAfterMs: options.lostAfterMs,
      noWorkerWaitMs: options.noWorkerWaitMs,
    });
    return new FarmRunner(deps, local, {
      client,
      store: team.store,
      fallback: options.fallback,
      // On a shared folder the local fallback's claims are still seen by every artist on the share.
      fallbackClaimsDir: team.store instanceof FolderStore ? path.join(team.store.root, 'claims') : undefined,
      project: path.basename(options.projectRoot),
    });
  };
  return {
    engine: engineTeam(team, options.log, farm),
    uploader: (config) => new SharedUploads(team.redis, team.store, config),
    async close() {
      await client?.close();
      await team.close();
    },
  };
}
