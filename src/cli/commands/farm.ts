// `dailies farm status [--json]`: the team's farm at a glance (see core/team/status.ts).
import { redactUrl, teamFromEnv } from '../../core/team/settings';
import { DailiesError } from '../../core/util/errors';
import type { CliArgs } from '../args';
import type { CliIO } from '../main';

export async function farmCommand(args: CliArgs, io: CliIO): Promise<number> {
  const settings = teamFromEnv(io.env);
  if (!settings) throw new DailiesError('validation', 'No farm: set DAILIES_REDIS_URL and DAILIES_STORE');
  const { openTeam } = require('../../core/team/team') as typeof import('../../core/team/team');
  const { farmStatus, statusText } =
    require('../../core/team/status') as typeof import('../../core/team/status');
  const team = await openTeam(settings, { role: 'status' });
  try {
    const status = await farmStatus(team, { redis: redactUrl(settings.redisUrl) });
    io.stdout.write(args.json ? `${JSON.stringify(status)}\n` : `${statusText(status)}\n`);
    return 0;
  } finally {
    await team.close();
  }
}
