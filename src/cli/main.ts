// `dailies <command> <project.json>`: the engine, headless, for scripts, CI and render boxes.
// Exit codes: 0 success, 1 some work failed, 2 bad usage or invalid input, 130 interrupted.
import { ProjectLoadError } from '../core/project/load';
import { formatIssue } from '../core/project/validate';
import { DailiesError, toDailiesError } from '../core/util/errors';
import { type CliArgs, parseCli, USAGE, UsageError } from './args';
import { estimateCommand } from './commands/estimate';
import { metricsCommand } from './commands/metrics';
import { migrateCommand } from './commands/migrate';
import { prewarmCommand } from './commands/prewarm';
import { renderCommand } from './commands/render';
import { validateCommand } from './commands/validate';
import { cliSpendGate } from './confirm';
import { type CliContext, createContext } from './context';

declare const DAILIES_VERSION: string | undefined;

export interface CliIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Asks a question on the terminal; absent when stdin is not a TTY (scripts are never asked). */
  ask?(question: string): Promise<string>;
  /** Registers a Ctrl-C handler; it returns true when it handled the signal (false: exit now). */
  onInterrupt(handler: () => boolean): () => void;
}

// The commands that need big libraries (PDF and fonts, the animatic, the farm's Redis and S3 clients)
// or that no render uses load when they are run: evaluating all of them would cost every `dailies render`
// (and every no-op re-run) a few hundred ms of start-up before it reads a byte of project.json.
const handoff = () => import('./commands/export');
const importCut = () => import('./commands/importCut');
const animatic = () => import('./commands/animatic');
const farm = () => import('./commands/farm');
const worker = () => import('./commands/worker');
const review = () => import('./commands/review');
const versions = () => import('./commands/versions');

export async function main(argv: string[], io: CliIO): Promise<number> {
  // The hand-off commands take their own options (and import-cut a second file).
  if (argv[0] === 'export') return (await handoff()).exportCommand(argv.slice(1), io);
  if (argv[0] === 'import-cut') return (await importCut()).importCutCommand(argv.slice(1), io);
  let args: CliArgs | 'help' | 'version';
  try {
    args = parseCli(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`dailies: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (args === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args === 'version') {
    io.stdout.write(`${typeof DAILIES_VERSION === 'string' ? DAILIES_VERSION : 'dev'}\n`);
    return 0;
  }
  if (args.command === 'validate') return validateCommand(args, io);
  if (args.command === 'animatic') return (await animatic()).animaticCommand(args, io);
  if (args.command === 'worker')
    return (await worker()).workerCommand(args, io).catch((err: unknown) => reportError(err, args, io));
  if (args.command === 'farm')
    return (await farm()).farmCommand(args, io).catch((err: unknown) => reportError(err, args, io));
  let ctx: CliContext | undefined;
  try {
    // Review needs no engine and no keys: it only reads and writes project.json and .dailies/.
    if (args.command === 'take' || args.command === 'review')
      return await (await review()).reviewCommand(args, io);
    if (args.command === 'versions' || args.command === 'restore')
      return await (await versions()).versionsCommand(args, io);
    ctx = await createContext(args, io.env, args.command === 'render' ? cliSpendGate(args, io) : undefined);
    switch (args.command) {
      case 'render':
        return await renderCommand(args, ctx, io);
      case 'prewarm':
        return await prewarmCommand(args, ctx, io);
      case 'estimate':
        return await estimateCommand(args, ctx, io);
      case 'metrics':
        return await metricsCommand(args, ctx, io);
      case 'migrate':
        return await migrateCommand(args, ctx, io);
      default:
        return assertNever(args.command);
    }
  } catch (err) {
    return reportError(err, args, io);
  } finally {
    await ctx?.engine.dispose();
    await ctx?.team?.close();
  }
}

function assertNever(command: never): never {
  throw new UsageError(`unknown command "${String(command)}"`);
}

function reportError(err: unknown, args: CliArgs, io: CliIO): number {
  if (err instanceof UsageError) {
    io.stderr.write(`dailies: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  const error = toDailiesError(err);
  const lines =
    err instanceof ProjectLoadError && err.issues.length > 0
      ? err.issues.slice(0, 20).map((i) => formatIssue(err.file, i))
      : [error.message];
  if (args.json)
    io.stdout.write(
      `${JSON.stringify({ error: { code: error.code, message: error.message, issues: err instanceof ProjectLoadError ? err.issues : [] } })}\n`,
    );
  for (const line of lines) io.stderr.write(`dailies: ${line}\n`);
  const badInput =
    err instanceof DailiesError &&
    (error.code.startsWith('project') ||
      error.code.startsWith('path') ||
      error.code === 'unknown-model' ||
      error.code === 'config');
  return badInput ? 2 : 1;
}
