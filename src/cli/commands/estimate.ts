import type { CliArgs } from '../args';
import type { CliContext } from '../context';
import type { CliIO } from '../main';
import { estimateText } from '../output';

export async function estimateCommand(args: CliArgs, ctx: CliContext, io: CliIO): Promise<number> {
  const estimate = await ctx.engine.estimate({ shots: args.shots, force: args.force });
  io.stdout.write(args.json ? `${JSON.stringify(estimate)}\n` : `${estimateText(estimate)}\n`);
  return 0;
}
