// The render farm (issue 17), against a real redis-server, render workers as real processes (the built
// CLI) and the provider fakes with a fixed job time and an account limit of 8 jobs in flight (the fake
// answers 429 beyond it):
//   1. N shots on 1, 2 and 4 workers: wall time vs the ideal under the account limit (ceil(N/8) × job time).
//   2. Two artists and four workers asking for overlapping shots at the same moment: duplicate submits.
//   3. kill -9 of a worker ×10 and one Redis restart (SIGKILL, AOF) mid-batch: shots rendered once, lost.
// N defaults to 2,000 (DAILIES_BENCH_FARM_SHOTS); job time to 1 s (DAILIES_BENCH_FARM_JOB_MS). For a smoke
// run: DAILIES_BENCH_FARM_SHOTS=40 DAILIES_BENCH_FARM_JOB_MS=300 npm run bench farm
// (DAILIES_BENCH_FARM_PARTS=wall,overlap,kills picks parts; small runs are dominated by start-up costs.)
import { promises as fs } from 'node:fs';
import type { RenderEngine } from '../src/core/render/engine';
import type { TeamSettings } from '../src/core/team/settings';
import type { RecordedRequest } from '../test/fakes/common';
import { startFalFake } from '../test/fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../test/fakes/replicateFake';
import { buildCli } from '../test/helpers/builtCli';
import { FAL_KEY, REPLICATE_TOKEN } from '../test/helpers/cloud';
import {
  artist,
  type Fakes,
  sharedStoreDir,
  startWorker,
  type WorkerProcess,
  workerEnv,
} from '../test/helpers/farm';
import { type RedisServer, redisServerPath, startRedis } from '../test/helpers/redisServer';
import { createProject, type TempProject } from '../test/helpers/tempProject';
import { type BenchRow, ratio } from './lib/report';

const SHOTS = Number(process.env.DAILIES_BENCH_FARM_SHOTS ?? 2000);
const JOB_MS = Number(process.env.DAILIES_BENCH_FARM_JOB_MS ?? 1000);
const ACCOUNT_LIMIT = 8;
const STEPS = 20;
const KILLS = 10;

/** Fixed job time at the fake, all of it "running" (no provider queue), and the account limit. */
const fakeOptions = () => ({
  stepMs: JOB_MS / STEPS,
  steps: STEPS,
  queueMs: 0,
  concurrencyLimit: ACCOUNT_LIMIT,
});

/** The farm's light class at the account's width; polls often enough that detection adds little. */
const benchEnv = (team: TeamSettings, fakes: Fakes) =>
  workerEnv(team, fakes, undefined, {
    DAILIES_LIMIT_LIGHT: String(ACCOUNT_LIMIT),
    DAILIES_POLL_MS: '50',
    DAILIES_RATE_FAL: '400',
    DAILIES_RATE_REPLICATE: '400',
    DAILIES_FARM_LOCK_MS: '10000',
    DAILIES_FARM_LEASE_MS: '10000',
  });

function project(n: number, model: string, from = 0) {
  return {
    dailies: 1,
    shots: Array.from({ length: n }, (_, i) => ({
      id: `f${String(from + i).padStart(5, '0')}`,
      prompt: `farm bench shot ${from + i}`,
      seed: 20_000 + from + i,
      model,
    })),
  };
}

function perShot(requests: RecordedRequest[], route: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) {
    if (r.route !== route || !r.json || typeof r.json !== 'object') continue;
    const body = r.json as { input?: { prompt?: string }; prompt?: string };
    const n = /farm bench shot (\d+)$/.exec((body.input ?? body).prompt ?? '')?.[1];
    if (n !== undefined) counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
}

async function doneShots(p: TempProject): Promise<number> {
  return (await p.json()).shots.filter((s) => s.render?.status === 'done').length;
}

async function withFarm<T>(
  fakes: Fakes,
  workers: number,
  body: (ctx: {
    redis: RedisServer;
    team: TeamSettings;
    pool: WorkerProcess[];
    env: NodeJS.ProcessEnv;
  }) => Promise<T>,
): Promise<T> {
  const redis = await startRedis();
  const team: TeamSettings = { redisUrl: redis.url, store: sharedStoreDir() };
  const env = benchEnv(team, fakes);
  const pool: WorkerProcess[] = [];
  try {
    for (let i = 0; i < workers; i++) pool.push(await startWorker(`bench-${i}`, env));
    return await body({ redis, team, pool, env });
  } finally {
    await Promise.all(pool.map((w) => w.kill('SIGKILL')));
    await redis.dispose();
    await fs.rm(team.store, { recursive: true, force: true });
  }
}

async function wallTimes(rows: BenchRow[]): Promise<void> {
  const ideal = Math.ceil(SHOTS / ACCOUNT_LIMIT) * JOB_MS;
  const counts = (process.env.DAILIES_BENCH_FARM_WORKERS ?? '1,2,4').split(',').map(Number);
  for (const workers of counts) {
    const fal = await startFalFake({ ...fakeOptions(), apiKey: FAL_KEY, ownOriginMedia: true });
    const p = await createProject(project(SHOTS, 'fal-ai/flux/schnell'));
    try {
      await withFarm({ fal }, workers, async ({ team }) => {
        const a = await artist(p.file, team, { fal });
        const started = performance.now();
        const summary = await a.engine.render({ farm: true });
        const wall = performance.now() - started;
        const startedAt = Date.now() - wall;
        await a.dispose();
        const jobs = [...fal.jobs.values()];
        const firstSubmit = Math.min(...jobs.map((j) => j.submittedAt)) - startedAt;
        const lastEnd =
          Math.max(...jobs.map((j) => j.submittedAt + j.queueMs + j.steps * j.stepMs)) - startedAt;
        const busy = (jobs.length * JOB_MS) / (ACCOUNT_LIMIT * (lastEnd - firstSubmit));
        const r = ratio(wall, ideal);
        rows.push({
          bench: 'farm',
          metric: `${SHOTS} shots, ${workers} worker(s): wall time`,
          value: wall,
          unit: 'ms',
          baseline: { label: `ideal at ${ACCOUNT_LIMIT} in flight × ${JOB_MS} ms`, value: ideal },
          ratio: r,
          goal: '≤ 1.1× ideal',
          ok: r <= 1.1 && summary.shots.failed === 0,
          note:
            `failed ${summary.shots.failed}, submits ${fal.count('submit')}, 429s ${fal.concurrency.refused}, ` +
            `peak in flight ${fal.concurrency.peak}, first submit at ${Math.round(firstSubmit)} ms, ` +
            `account busy ${Math.round(busy * 100)}% from first submit to last output, ` +
            `batch end ${Math.round(wall - lastEnd)} ms after the last output`,
        });
      });
    } finally {
      await p.cleanup();
      await fal.close();
    }
  }
}

async function overlapping(rows: BenchRow[]): Promise<void> {
  const fal = await startFalFake({ ...fakeOptions(), apiKey: FAL_KEY, ownOriginMedia: true });
  const third = Math.floor(SHOTS / 3);
  // Two machines' copies of one production; each artist asks for two thirds, overlapping in the middle.
  const pa = await createProject(project(SHOTS, 'fal-ai/flux/schnell'));
  const pb = await createProject(project(SHOTS, 'fal-ai/flux/schnell'));
  const ids = (await pa.json()).shots.map((s) => s.id);
  try {
    await withFarm({ fal }, 4, async ({ team }) => {
      const a = await artist(pa.file, team, { fal });
      const b = await artist(pb.file, team, { fal });
      const [sa, sb] = await Promise.all([
        a.engine.render({ farm: true, shots: ids.slice(0, SHOTS - third) }),
        b.engine.render({ farm: true, shots: ids.slice(third) }),
      ]);
      await Promise.all([a.dispose(), b.dispose()]);
      const counts = perShot(fal.requests, 'submit');
      const duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
      rows.push({
        bench: 'farm',
        metric: `2 artists × 4 workers, overlapping ${SHOTS} shots: duplicate submits`,
        value: duplicates,
        unit: '',
        goal: '0',
        ok: duplicates === 0 && counts.size === SHOTS && sa.shots.failed + sb.shots.failed === 0,
        note: `distinct shots submitted ${counts.size}, failed ${sa.shots.failed + sb.shots.failed}`,
      });
    });
  } finally {
    await Promise.all([pa.cleanup(), pb.cleanup()]);
    await fal.close();
  }
}

async function killsAndRestart(rows: BenchRow[]): Promise<void> {
  const replicate: ReplicateFake = await startReplicateFake({
    ...fakeOptions(),
    apiKey: REPLICATE_TOKEN,
    maxPreferWaitMs: 10,
  });
  const p = await createProject(project(SHOTS, 'black-forest-labs/flux-schnell'));
  try {
    await withFarm({ replicate }, 4, async ({ redis, team, pool, env }) => {
      const a = await artist(p.file, team, { replicate }, { lostAfterMs: 10 * 60_000 });
      const render = a.engine.render({ farm: true });
      const billed = () => replicate.billedJobs().length;
      let kills = 0;
      let restarted = false;
      // Evenly through the batch: a kill -9 every N/12 finished shots, the Redis restart halfway.
      for (let step = 1; step <= KILLS + 1; step++) {
        await untilOr(render, () => billed() >= Math.floor((SHOTS * step) / (KILLS + 2)));
        if (!restarted && step === Math.ceil((KILLS + 1) / 2)) {
          await redis.restart('SIGKILL', 1000);
          restarted = true;
          continue;
        }
        const victim = pool.splice(Math.floor(Math.random() * pool.length), 1)[0];
        if (!victim) break;
        await victim.kill('SIGKILL');
        kills++;
        pool.push(await startWorker(`bench-r${kills}`, env));
      }
      const summary = await render;
      await a.dispose();
      const counts = perShot(replicate.requests, 'predictions.create');
      const duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
      const lost = SHOTS - (await doneShots(p));
      rows.push({
        bench: 'farm',
        metric: `${SHOTS} shots, ${kills} workers killed -9 + ${restarted ? 1 : 0} Redis restart: duplicate submits`,
        value: duplicates,
        unit: '',
        goal: '0',
        ok: duplicates === 0,
        note: `shots submitted ${counts.size}, failed ${summary.shots.failed}`,
      });
      rows.push({
        bench: 'farm',
        metric: `${SHOTS} shots, ${kills} workers killed -9 + Redis restart: shots lost`,
        value: lost,
        unit: '',
        goal: '0',
        ok: lost === 0,
      });
    });
  } finally {
    await p.cleanup();
    await replicate.close();
  }
}

/** Waits for `condition`, or for the batch to end first. */
async function untilOr(render: ReturnType<RenderEngine['render']>, condition: () => boolean): Promise<void> {
  let ended = false;
  void render.finally(() => {
    ended = true;
  });
  while (!ended && !condition()) await new Promise((r) => setTimeout(r, 50));
}

export async function runFarmBench(): Promise<BenchRow[]> {
  if (!redisServerPath())
    return [
      { bench: 'farm', metric: 'skipped: redis-server is not installed', value: 0, unit: '', ok: false },
    ];
  buildCli();
  const rows: BenchRow[] = [];
  const parts = (process.env.DAILIES_BENCH_FARM_PARTS ?? 'wall,overlap,kills').split(',');
  if (parts.includes('wall')) await wallTimes(rows);
  if (parts.includes('overlap')) await overlapping(rows);
  if (parts.includes('kills')) await killsAndRestart(rows);
  return rows;
}
