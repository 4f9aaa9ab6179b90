// `dailies worker`: a headless render worker for the team's farm. Its keys come from its own environment
// (FAL_KEY, REPLICATE_API_TOKEN) and never leave it; it takes only the jobs of the providers it has a key
// for. SIGTERM / Ctrl-C: stop taking jobs and let the running ones finish (up to --drain-timeout), then
// hand the rest back to the farm; a second signal hands them back at once. Exit code 0 after a clean stop.
import { configFor, envLayer } from '../../core/config';
import { keysFromEnv } from '../../core/providers/factory';
import { teamFromEnv } from '../../core/team/settings';
import { DailiesError } from '../../core/util/errors';
import type { CliArgs } from '../args';
import type { CliIO } from '../main';

export async function workerCommand(args: CliArgs, io: CliIO): Promise<number> {
  const settings = teamFromEnv(io.env);
  if (!settings)
    throw new DailiesError(
      'validation',
      'A worker needs the team backend: set DAILIES_REDIS_URL and DAILIES_STORE',
    );
  const { FarmWorker } = require('../../core/team/worker') as typeof import('../../core/team/worker');
  // One config order, as for every command (no project: a worker serves them all).
  const config = configFor({ host: args.config, hostKind: 'cli', env: envLayer(io.env) });
  const ms = (name: string) => {
    const n = Number(io.env[name]);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const worker = new FarmWorker({
    settings,
    config,
    keys: keysFromEnv(io.env),
    name: args.workerName,
    // Advanced: how fast a dead worker's jobs, claims and slots come back (default 30 s each).
    lockMs: ms('DAILIES_FARM_LOCK_MS'),
    leaseMs: ms('DAILIES_FARM_LEASE_MS'),
    log: (level, message) => {
      if (level === 'debug' && !args.verbose) return;
      if (args.quiet && level !== 'error') return;
      io.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
    },
  });
  await worker.start();
  io.stderr.write(`dailies worker ${worker.id}: ready (${worker.queues.join(', ')})\n`);
  let stopped: Promise<void> | undefined;
  const off = io.onInterrupt(() => {
    if (stopped) {
      io.stderr.write('Handing running jobs back to the farm now…\n');
      void worker.handBackAll();
      return true;
    }
    io.stderr.write(
      'Stopping: taking no new jobs, finishing the running ones (again to hand them back now)…\n',
    );
    stopped = worker.stop(args.drainMs ?? 300_000);
    return true;
  });
  try {
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => {
        if (!stopped) return;
        clearInterval(wait);
        void stopped.then(resolve, resolve);
      }, 100);
    });
    io.stderr.write(`dailies worker ${worker.id}: stopped\n`);
    // A handed-back job's runner may still be polling the provider (stopping it would cancel the job
    // there); the process ends here rather than wait for it. The journal has everything the next worker needs.
    setTimeout(() => process.exit(0), 200).unref();
    return 0;
  } finally {
    off();
  }
}
