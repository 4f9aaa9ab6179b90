import type { CliArgs } from '../args';
import type { CliContext } from '../context';
import type { CliIO } from '../main';
import { metricsText } from '../output';

export async function metricsCommand(args: CliArgs, ctx: CliContext, io: CliIO): Promise<number> {
  await ctx.engine.open();
  if (args.reset) {
    ctx.engine.metrics.reset();
    await ctx.engine.metrics.save();
  }
  const snapshot = ctx.engine.metrics.snapshot();
  io.stdout.write(args.json ? `${JSON.stringify(snapshot)}\n` : `${metricsText(snapshot)}\n`);
  return 0;
}
