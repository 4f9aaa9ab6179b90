// The team's parts for tests: render workers as real child processes (the built CLI, keys in their own
// environment only), artists as engines on their own project folders with no key at all, one redis-server
// and a shared store folder. The provider fakes run in the test process; workers reach them through the
// same base-URL override users have.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before } from 'node:test';
import { type ConfigLayer, resolveConfig } from '../../src/core/config';
import { createProviders } from '../../src/core/providers/factory';
import { type EngineOptions, RenderEngine } from '../../src/core/render/engine';
import { type ArtistTeam, openArtistTeam } from '../../src/core/team/artist';
import type { TeamSettings } from '../../src/core/team/settings';
import type { RenderEvent } from '../../src/shared/events';
import { type FalFake, type FalFakeOptions, startFalFake } from '../fakes/falFake';
import type { ReplicateFake } from '../fakes/replicateFake';
import { BUILT_CLI, buildCli } from './builtCli';
import { FAL_KEY, REPLICATE_TOKEN } from './cloud';
import { testInternet } from './internet';
import { type RedisServer, startRedis } from './redisServer';
import type { TempProject } from './tempProject';
import { waitFor } from './waitFor';

export interface Fakes {
  fal?: FalFake;
  replicate?: ReplicateFake;
}

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function sharedStoreDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'dailies-store-'));
}

/** Environment of a render worker: the team, the fakes, the keys it holds, short leases for tests. */
export function workerEnv(
  team: TeamSettings,
  fakes: Fakes,
  keys: { fal?: boolean; replicate?: boolean } = { fal: true, replicate: true },
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DAILIES_REDIS_URL: team.redisUrl,
    DAILIES_STORE: team.store,
    FAL_KEY: keys.fal ? FAL_KEY : '',
    FAL_KEY_ID: '',
    REPLICATE_API_TOKEN: keys.replicate ? REPLICATE_TOKEN : '',
    // A fal base URL without a key is a keyless server proxy: a worker without a fal key gets neither.
    DAILIES_FAL_URL: keys.fal ? (fakes.fal?.origin ?? '') : '',
    DAILIES_REPLICATE_URL: fakes.replicate?.origin ?? '',
    DAILIES_POLL_MS: '15',
    DAILIES_RATE_FAL: '1000',
    DAILIES_RATE_REPLICATE: '1000',
    DAILIES_FARM_LOCK_MS: '4000',
    DAILIES_FARM_LEASE_MS: '4000',
    ...extra,
  };
}

export function spawnWorker(name: string, env: NodeJS.ProcessEnv, args: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, [BUILT_CLI, 'worker', '--name', name, ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (d) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    name,
    child,
    exit,
    output: () => out,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
  };
}

/** Starts a worker and waits until it takes jobs. */
export async function startWorker(
  name: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): Promise<WorkerProcess> {
  const w = spawnWorker(name, env, args);
  await Promise.race([
    waitFor(() => /: ready \(/.test(w.output()), `worker ${name} to be ready`, 60_000),
    w.exit.then(({ code }) => {
      throw new Error(`worker ${name} exited with ${code}: ${w.output()}`);
    }),
  ]);
  return w;
}

const artists = new Set<Artist>();

/** Disposes every artist a test left (a failed assertion skips its own dispose). */
export async function disposeArtists(): Promise<void> {
  await Promise.all([...artists].map((a) => a.dispose().catch(() => undefined)));
}

export interface Artist {
  engine: RenderEngine;
  team: ArtistTeam;
  events: RenderEvent[];
  dispose(): Promise<void>;
}

/** An artist's engine with the team backend and no provider key (the farm renders). */
export async function artist(
  projectFile: string,
  team: TeamSettings,
  fakes: Fakes,
  options: {
    layer?: ConfigLayer;
    keys?: { fal?: string; replicate?: string };
    fallback?: 'none' | 'local';
    lostAfterMs?: number;
    noWorkerWaitMs?: number;
    confirmSpend?: EngineOptions['confirmSpend'];
  } = {},
): Promise<Artist> {
  const config = resolveConfig(
    {
      // A fal base URL without a key would make a keyless server proxy: an artist without a key has no fal.
      baseUrls: {
        fal: options.keys?.fal ? fakes.fal?.origin : undefined,
        replicate: fakes.replicate?.origin,
      },
      pollMs: 15,
      retry: { attempts: 4, baseMs: 30, maxMs: 3000 },
      timeouts: { requestMs: 3000, generationMs: 60_000 },
      ratePerSecond: { fal: 1000, replicate: 1000 },
    },
    options.layer,
  );
  const { cloudProviders } = await import('../../src/core/providers/cloud');
  // With keys (a local fallback), fal's media hosts answer from the fake, as for every in-process engine.
  const internet = testInternet(fakes.fal);
  const { providers, unavailable } = createProviders(config, options.keys ?? {}, cloudProviders, {
    fal: internet,
    replicate: internet,
  });
  const events: RenderEvent[] = [];
  const artistTeam = await openArtistTeam(team, {
    projectRoot: path.dirname(projectFile),
    fallback: options.fallback ?? 'none',
    log: (m) => events.push({ type: 'log', level: 'warn', tag: 'RENDER', message: m }),
    lostAfterMs: options.lostAfterMs,
    noWorkerWaitMs: options.noWorkerWaitMs,
  });
  const engine = new RenderEngine({
    projectFile,
    config,
    providers,
    unavailable,
    team: artistTeam.engine,
    uploader: artistTeam.uploader(config),
    confirmSpend: options.confirmSpend,
    flushDelayMs: 20,
  });
  engine.onEvent((e) => events.push(e));
  let disposed: Promise<void> | undefined;
  const a: Artist = {
    engine,
    team: artistTeam,
    events,
    dispose() {
      artists.delete(a);
      disposed ??= engine.dispose().then(() => artistTeam.close());
      return disposed;
    },
  };
  artists.add(a);
  return a;
}

/** The parts a farm suite shares, set up once per suite: redis-server, the fal fake, its workers and projects. */
export interface FarmSuite {
  redis: RedisServer;
  fal: FalFake;
  workers: WorkerProcess[];
  temp: TempProject[];
}

/**
 * Registers the suite's hooks: the built CLI, a redis-server and a fal fake (with `fake` options, restored
 * after each test) before; after each test the artists, workers, Redis's data and the projects go.
 */
export function farmSuite(fake: Partial<FalFakeOptions>): FarmSuite {
  const rig = { workers: [], temp: [] } as unknown as FarmSuite;
  before(async () => {
    buildCli();
    rig.redis = await startRedis();
    rig.fal = await startFalFake({ ...fake, ownOriginMedia: true });
  });
  after(async () => {
    await rig.fal.close();
    await rig.redis.dispose();
  });
  afterEach(async () => {
    await disposeArtists();
    await Promise.all(rig.workers.splice(0).map((w) => w.kill('SIGKILL')));
    await rig.redis.flush();
    while (rig.temp.length) await rig.temp.pop()!.cleanup();
    rig.fal.reset();
    rig.fal.configure(fake);
  });
  return rig;
}
