import { parseArgs } from 'node:util';
import type { ConfigLayer } from '../core/config';
import type { ProviderId } from '../core/project/schema';

export const COMMANDS = [
  'render',
  'prewarm',
  'validate',
  'migrate',
  'estimate',
  'metrics',
  'animatic',
  'take',
  'review',
  'versions',
  'restore',
  'worker',
  'farm',
] as const;
/** Commands that take positional arguments after <project.json>. */
const WITH_OPERANDS: readonly CommandName[] = ['take', 'review', 'versions', 'restore'];
/** Commands about the team's farm rather than one project. */
const NO_PROJECT: readonly string[] = ['worker', 'farm'];
export type CommandName = (typeof COMMANDS)[number];

export interface CliArgs {
  command: CommandName;
  projectFile: string;
  json: boolean;
  force: boolean;
  shots?: string[];
  verbose: boolean;
  quiet: boolean;
  reset: boolean;
  /** Spend without asking on a terminal (scripts never get asked). */
  yes: boolean;
  /** Refuse a batch whose cloud estimate is over this (or has unpriced models). */
  maxCostUsd?: number;
  config: ConfigLayer;
  /** render: send the batch to the team's render farm. */
  farm: boolean;
  /** When the farm (or the team Redis) cannot be reached: fail (default) or render on this machine. */
  farmFallback: 'none' | 'local';
  /** farm: what to show (`status`). */
  farmAction?: 'status';
  /** worker: its name in `farm status`, and how long a stop waits for running jobs before handing them back. */
  workerName?: string;
  drainMs?: number;
  /** `animatic`, and `render --animatic`: what to cut (values checked by the animatic itself). */
  cut: AnimaticFlags;
  /** Positional arguments after <project.json> (review commands: shots, a take, a version). */
  operands: string[];
  /** (review) pending | approved | changes-requested. */
  status?: string;
  /** (review) a note to add. */
  note?: string;
}

export interface AnimaticFlags {
  /** `render --animatic`: keep the animatic current while rendering. */
  enabled: boolean;
  out?: string;
  width?: number;
  fps?: number;
  burnIn: boolean;
  kenBurns: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: dailies <command> <project.json> [options]

Commands:
  render     Render every stale shot (uploads are pre-warmed first)
  prewarm    Upload every reference the stale shots need; render nothing
  validate   Check project.json (errors with JSON path and line:column)
  estimate   Shots to render vs cached, uploads needed, estimated time and cost
  metrics    Latency, cache and cost metrics of this production
  migrate    Download remote images the project links to and point it at the local copies
  animatic   Cut the circled takes (slates for shots not rendered) into an H.264 MP4
  export     Hand off: --format otio|fcpxml|edl|pdf|csv (see dailies export --help)
  import-cut Read an editor's .otio/.xml/.edl back: new durations, --reorder (dailies import-cut --help)
  take       <shot[,shot…]> <n>   Circle take n (a rendered variation) of the shot(s)
  review     <shot[,shot…]> --status approved|changes-requested|pending [--note TEXT]
                                  Set the review status (and/or add a note) of the shot(s)
  versions   <shot>               List the kept versions of a shot (every render is kept)
  restore    <shot> <version>     Bring a version back: its images from the content store and the
                                  prompt and params it was made with (no render, no upload)

Team (a studio on one Redis and one shared store; see "Team" in the README):
  dailies render <project.json> --farm   Send the batch to the render farm and follow it here
  dailies worker                          Render farm jobs on this machine (keys from its environment)
  dailies farm status                     Queues, workers, claims and throughput of the farm

Options:
  --shots a,b,c          Only these shots
  --force                Re-render even fresh shots (bypasses the result cache)
  --provider <id>        Render every shot with draft | fal | replicate
  --limit light=8,heavy=4,video=2
                         Concurrent variations per model class
  --draft-latency <ms>   Simulated time per draft variation
  --yes, -y              Render on a cloud provider without asking (a terminal asks first)
  --max-cost <usd>       Refuse when the cloud estimate is over this (or has unpriced models)
  --json                 Print one machine-readable JSON document on stdout
  --reset                (metrics) clear the stored metrics
  --animatic             (render) rebuild the animatic as shots land, and at the end
  --out <file.mp4>       (animatic) output inside the project (default cut/animatic.mp4)
  --width <px>           (animatic) frame width (default 1280; height from aspectRatio)
  --fps <n>              (animatic) frames per second (default 24)
  --burn-in              (animatic) shot id, scene, take and timecode in the picture
  --ken-burns            (animatic) slow push-in on every still
  --status <status>      (review) pending | approved | changes-requested
  --note <text>          (review) a note, saved with your git user.name and the time
  --farm                 (render) render on the team's farm (DAILIES_REDIS_URL, DAILIES_STORE)
  --farm-fallback local  (render) when the farm cannot be reached, render here instead of failing
  --name <id>            (worker) this worker's name in \`farm status\`
  --drain-timeout <s>    (worker) on SIGTERM, how long running jobs may finish before they are
                         handed back to the farm (default 300)
  --verbose, --quiet     More or less output on stderr
  -h, --help, --version

Environment:
  FAL_KEY, REPLICATE_API_TOKEN       provider keys (never written anywhere)
  DAILIES_FAL_URL, DAILIES_REPLICATE_URL
                                     base URL of a gateway, proxy or test fake
  DAILIES_LIMIT_LIGHT|HEAVY|VIDEO, DAILIES_PROVIDER, DAILIES_DRAFT_LATENCY_MS
  DAILIES_FFMPEG                     ffmpeg binary for the animatic (default: the bundled one)
  DAILIES_REDIS_URL, DAILIES_STORE   the team backend: redis://host:6379 and a shared folder or s3://bucket

Exit codes: 0 success, 1 some shots failed, 2 bad usage or invalid project, 130 interrupted.`;

export function parseCli(argv: string[]): CliArgs | 'help' | 'version' {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [command, second, ...rest] = positionals;
  if (!command) throw new UsageError('missing command');
  if (!COMMANDS.includes(command as CommandName)) throw new UsageError(`unknown command "${command}"`);
  const team = NO_PROJECT.includes(command);
  if (command === 'farm' && second !== 'status') throw new UsageError('expected "dailies farm status"');
  if (command === 'worker' && second !== undefined) throw new UsageError(`unexpected argument "${second}"`);
  const projectFile = team ? '' : second;
  if (!team && !projectFile) throw new UsageError(`missing <project.json> for "${command}"`);
  if (rest.length && !WITH_OPERANDS.includes(command as CommandName))
    throw new UsageError(`unexpected argument "${rest[0]}"`);
  const fallback = values['farm-fallback'] ?? 'none';
  if (fallback !== 'none' && fallback !== 'local')
    throw new UsageError(`--farm-fallback takes "local" or "none" (got "${fallback}")`);
  let drainMs: number | undefined;
  if (values['drain-timeout'] !== undefined) {
    const s = Number(values['drain-timeout']);
    if (!Number.isFinite(s) || s < 0) throw new UsageError('--drain-timeout takes a number of seconds');
    drainMs = s * 1000;
  }
  const config: ConfigLayer = {};
  if (values.provider !== undefined) {
    if (!['draft', 'fal', 'replicate'].includes(values.provider))
      throw new UsageError(`unknown provider "${values.provider}"`);
    config.providerOverride = values.provider as ProviderId;
  }
  if (values.limit !== undefined) config.limits = parseLimits(values.limit);
  if (values['draft-latency'] !== undefined) {
    const ms = Number(values['draft-latency']);
    if (!Number.isFinite(ms) || ms < 0)
      throw new UsageError('--draft-latency takes a number of milliseconds');
    config.draft = { latencyMs: ms };
  }
  let maxCostUsd: number | undefined;
  if (values['max-cost'] !== undefined) {
    maxCostUsd = Number(values['max-cost']);
    if (!Number.isFinite(maxCostUsd) || maxCostUsd < 0)
      throw new UsageError('--max-cost takes an amount in US dollars, e.g. 2.50');
  }
  const shots = values.shots
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    command: command as CommandName,
    projectFile: projectFile ?? '',
    json: values.json ?? false,
    force: values.force ?? false,
    shots: shots?.length ? shots : undefined,
    verbose: values.verbose ?? false,
    quiet: values.quiet ?? false,
    reset: values.reset ?? false,
    yes: values.yes ?? false,
    maxCostUsd,
    config,
    cut: {
      enabled: values.animatic ?? false,
      out: values.out,
      width: intFlag('--width', values.width),
      fps: intFlag('--fps', values.fps),
      burnIn: values['burn-in'] ?? false,
      kenBurns: values['ken-burns'] ?? false,
    },
    operands: rest,
    ...(values.status !== undefined ? { status: values.status } : {}),
    ...(values.note !== undefined ? { note: values.note } : {}),
    farm: values.farm ?? false,
    farmFallback: fallback,
    farmAction: command === 'farm' ? 'status' : undefined,
    workerName: values.name,
    drainMs,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      force: { type: 'boolean' },
      shots: { type: 'string' },
      provider: { type: 'string' },
      limit: { type: 'string' },
      'draft-latency': { type: 'string' },
      reset: { type: 'boolean' },
      animatic: { type: 'boolean' },
      out: { type: 'string' },
      width: { type: 'string' },
      fps: { type: 'string' },
      'burn-in': { type: 'boolean' },
      'ken-burns': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      'max-cost': { type: 'string' },
      status: { type: 'string' },
      note: { type: 'string' },
      farm: { type: 'boolean' },
      'farm-fallback': { type: 'string' },
      name: { type: 'string' },
      'drain-timeout': { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
}

function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${name} takes a whole number (got "${value}")`);
  return Number(value);
}

function parseLimits(spec: string): Partial<Record<'light' | 'heavy' | 'video', number>> {
  const out: Partial<Record<'light' | 'heavy' | 'video', number>> = {};
  for (const part of spec.split(',')) {
    const m = /^(light|heavy|video)=(\d+)$/.exec(part.trim());
    if (!m || Number(m[2]) < 1) throw new UsageError(`bad --limit "${part}" (expected e.g. heavy=4)`);
    out[m[1] as 'light' | 'heavy' | 'video'] = Number(m[2]);
  }
  return out;
}
