// Runs the provider fakes as their own process for benchmarks and e2e runs:
//
//   node --import tsx test/fakes/serve.ts [--fal] [--replicate] [--step-ms 20] [--steps 24] ...
//
// Prints one JSON line, e.g. {"fal":"http://127.0.0.1:40123","replicate":"http://127.0.0.1:40124"}, then stays
// up until SIGINT/SIGTERM (or stdin closes, with --exit-with-stdin). Without --fal or --replicate both start.
// A running fake is driven over HTTP at /__fake/{requests,options,reset,configure,inject,clear-faults}.
import { parseArgs } from 'node:util';
import type { FakeOptions, OutputSize, RateLimit } from './common';
import { type FalFake, startFalFake } from './falFake';
import { type ReplicateFake, type ReplicateFakeOptions, startReplicateFake } from './replicateFake';

const USAGE = `usage: serve.ts [--fal] [--replicate] [--latency-ms N] [--step-ms N] [--steps N] [--queue-ms N]
  [--upload-latency-ms N] [--expire-uploads-after-ms N] [--corrupt-outputs] [--output-size WxH]
  [--rate-limit N[:RETRY_AFTER_S]] [--api-key KEY] [--max-prefer-wait-ms N] [--concurrency-limit N]
  [--exit-with-stdin]
  [--own-origin-media] (fal CDN and upload URLs on the fake's own origin, for a Dailies in another process)`;

const NUMERIC_FLAGS = {
  'latency-ms': 'latencyMs',
  'step-ms': 'stepMs',
  steps: 'steps',
  'queue-ms': 'queueMs',
  'upload-latency-ms': 'uploadLatencyMs',
  'expire-uploads-after-ms': 'expireUploadsAfterMs',
  'max-prefer-wait-ms': 'maxPreferWaitMs',
  'concurrency-limit': 'concurrencyLimit',
} as const;

type NumericFlag = keyof typeof NUMERIC_FLAGS;

function parseCli(argv: string[]) {
  const numeric = Object.fromEntries(
    Object.keys(NUMERIC_FLAGS).map((flag) => [flag, { type: 'string' as const }]),
  ) as Record<NumericFlag, { type: 'string' }>;
  return parseArgs({
    args: argv,
    options: {
      ...numeric,
      fal: { type: 'boolean' },
      replicate: { type: 'boolean' },
      'corrupt-outputs': { type: 'boolean' },
      'output-size': { type: 'string' },
      'rate-limit': { type: 'string' },
      'api-key': { type: 'string' },
      'exit-with-stdin': { type: 'boolean' },
      'own-origin-media': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  }).values;
}

type CliValues = ReturnType<typeof parseCli>;

function toNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`--${flag} expects a non-negative number, got ${raw}`);
  }
  return value;
}

function parseSize(raw: string): OutputSize {
  const m = /^(\d+)x(\d+)$/.exec(raw);
  if (!m) throw new Error(`--output-size expects WxH, got ${raw}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

function parseRateLimit(raw: string): RateLimit {
  const [max = '', retry = '1'] = raw.split(':');
  return { maxPerSecond: toNumber('rate-limit', max), retryAfterS: toNumber('rate-limit', retry) };
}

function optionsFrom(values: CliValues): Partial<ReplicateFakeOptions> {
  const options: Partial<ReplicateFakeOptions> = {};
  for (const flag of Object.keys(NUMERIC_FLAGS) as NumericFlag[]) {
    const key = NUMERIC_FLAGS[flag];
    const raw = values[flag];
    if (raw !== undefined) options[key] = toNumber(flag, raw);
  }
  if (values['corrupt-outputs']) options.corruptOutputs = true;
  if (values['output-size']) options.outputSize = parseSize(values['output-size']);
  if (values['rate-limit']) options.rateLimit = parseRateLimit(values['rate-limit']);
  if (values['api-key']) options.apiKey = values['api-key'];
  return options;
}

function falOptions(options: Partial<ReplicateFakeOptions>): Partial<FakeOptions> {
  const { maxPreferWaitMs: _unused, ...rest } = options;
  return rest;
}

async function main(): Promise<void> {
  const values = parseCli(process.argv.slice(2));
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const options = optionsFrom(values);
  const both = !values.fal && !values.replicate;
  const falOpts = { ...falOptions(options), ownOriginMedia: values['own-origin-media'] === true };
  const fal: FalFake | undefined = both || values.fal ? await startFalFake(falOpts) : undefined;
  const replicate: ReplicateFake | undefined =
    both || values.replicate ? await startReplicateFake(options) : undefined;
  process.stdout.write(`${JSON.stringify({ fal: fal?.origin, replicate: replicate?.origin })}\n`);

  const shutdown = () => {
    Promise.all([fal?.close(), replicate?.close()]).finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // Lets a parent that dies without signalling take the fakes down with it (the pipe closes).
  if (values['exit-with-stdin']) {
    process.stdin.on('end', shutdown);
    process.stdin.resume();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
});
