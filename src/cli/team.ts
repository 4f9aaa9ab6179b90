// The CLI's side of the team backend: opened only when DAILIES_REDIS_URL / DAILIES_STORE are set (the
// Redis and AWS clients load only then). A team that cannot be reached stops the command with one clear
// line, or — with --farm-fallback local — leaves this machine to render alone, as without a team.

import type { ArtistTeam } from '../core/team/artist';
import type { TeamSettings } from '../core/team/settings';
import { toDailiesError } from '../core/util/errors';
import type { CliArgs } from './args';

export async function openCliTeam(
  settings: TeamSettings,
  projectRoot: string,
  args: CliArgs,
  notices: string[],
): Promise<ArtistTeam | undefined> {
  const { openArtistTeam } = require('../core/team/artist') as typeof import('../core/team/artist');
  try {
    return await openArtistTeam(settings, {
      projectRoot,
      fallback: args.farmFallback,
      log: (message) => notices.push(message),
    });
  } catch (err) {
    if (args.farmFallback !== 'local') throw err;
    notices.push(
      `${toDailiesError(err).message} Rendering on this machine alone (--farm-fallback local): its claims and journal are this project's own.`,
    );
    return undefined;
  }
}
