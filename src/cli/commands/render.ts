import type { RenderEvent } from '../../shared/events';
import type { CliArgs } from '../args';
import type { CliContext } from '../context';
import type { CliIO } from '../main';
import { summaryText } from '../output';
import { ProgressBar } from '../progressBar';

export async function renderCommand(args: CliArgs, ctx: CliContext, io: CliIO): Promise<number> {
  const bar = args.quiet ? undefined : new ProgressBar(io.stderr, io.stderr.isTTY === true && !args.json);
  const controller = new AbortController();
  const print = (line: string) => (bar ? bar.printLine(line) : io.stderr.write(`${line}\n`));
  // The animatic's modules (ffmpeg, the cut) load only for a render that asks for one.
  const cutting = args.cut.enabled ? await import('./animatic') : undefined;
  const animatic = cutting?.attachAnimatic(args, ctx.engine, io, print);
  for (const notice of ctx.notices) io.stderr.write(`dailies: ${notice}\n`);
  const stopListening = ctx.engine.onEvent((e: RenderEvent) => {
    bar?.onEvent(e);
    if (
      e.type === 'log' &&
      (args.verbose || e.level === 'warn' || e.level === 'error') &&
      !(e.level === 'error' && e.tag === 'ERROR' && !args.verbose)
    ) {
      const line = `[${e.tag}] ${e.message}`;
      if (bar) bar.printLine(line);
      else if (!args.quiet) io.stderr.write(`${line}\n`);
    }
  });
  // First Ctrl-C stops cleanly: each job at the provider is canceled, and one that had already finished
  // is collected and recorded (it was paid for). A second one leaves at once; the journal keeps every job
  // not yet settled, so the next render re-attaches to it instead of paying again.
  const offInterrupt = io.onInterrupt(() => {
    if (controller.signal.aborted) {
      io.stderr.write(
        '\nQuitting. Jobs still at the provider are picked up by the next render, not paid again.\n',
      );
      return false;
    }
    io.stderr.write(
      '\nCanceling… (jobs that already finished are collected and recorded; press Ctrl-C again to quit now)\n',
    );
    controller.abort();
    animatic?.cancel();
    return true;
  });
  try {
    const summary = await ctx.engine.render({
      shots: args.shots,
      force: args.force,
      signal: controller.signal,
      // Without a reachable farm (and --farm-fallback local), this machine renders alone.
      farm: args.farm && ctx.team !== undefined,
    });
    const cut = await animatic?.finish(controller.signal.aborted);
    bar?.finish();
    if (args.json) io.stdout.write(`${JSON.stringify(cut ? { ...summary, animatic: cut } : summary)}\n`);
    else if (!args.quiet)
      io.stdout.write(`${summaryText(summary)}${cut && cutting ? `\n${cutting.resultText(cut)}` : ''}\n`);
    if (controller.signal.aborted) return 130;
    return summary.shots.failed > 0 || summary.shots.canceled > 0 ? 1 : 0;
  } finally {
    bar?.finish();
    offInterrupt();
    void animatic?.finish(true);
    stopListening.dispose();
  }
}
