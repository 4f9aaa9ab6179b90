import type { CliArgs } from '../args';
import type { CliContext } from '../context';
import type { CliIO } from '../main';

/** Uploads every ref the stale shots need (what `render` does first), and nothing else. */
export async function prewarmCommand(args: CliArgs, ctx: CliContext, io: CliIO): Promise<number> {
  const sub = ctx.engine.onEvent((e) => {
    if (e.type === 'log' && !args.quiet && (args.verbose || e.tag === 'PREWARM' || e.level !== 'debug'))
      io.stderr.write(`[${e.tag}] ${e.message}\n`);
  });
  try {
    const stats = await ctx.engine.prewarm({ shots: args.shots, force: args.force });
    const out = {
      uploads: { new: stats.new, cached: stats.cached, revalidated: stats.revalidated, failed: stats.failed },
    };
    if (args.json) io.stdout.write(`${JSON.stringify(out)}\n`);
    else if (!args.quiet)
      io.stdout.write(
        `Uploads: ${stats.new} new · ${stats.cached} cached · ${stats.revalidated} revalidated${stats.failed ? ` · ${stats.failed} failed` : ''}\n`,
      );
    return stats.failed > 0 ? 1 : 0;
  } finally {
    sub.dispose();
  }
}
