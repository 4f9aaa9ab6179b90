// kill -9 of render workers in the middle of a farm batch: the jobs they were rendering stall, BullMQ hands
// them to another worker, which takes over the dead worker's claim and finds the provider's request id in
// the shared journal — and re-attaches instead of paying again. Replicate: each shot submitted exactly once
// (a submit in flight at the kill is looked up in the account's predictions). fal.ai cannot be asked, so a
// kill inside a submit's round trip may repeat that one submit: logged, and the only duplicates allowed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TeamSettings } from '../../src/core/team/settings';
import type { RecordedRequest } from '../fakes/common';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { buildCli } from '../helpers/builtCli';
import { FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import {
  artist,
  type Fakes,
  sharedStoreDir,
  startWorker,
  type WorkerProcess,
  workerEnv,
} from '../helpers/farm';
import { type RedisServer, redisSkip, startRedis } from '../helpers/redisServer';
import { createProject, type TempProject } from '../helpers/tempProject';

const SHOTS = 24;
const KILLS = 3;

function project(model: string) {
  return {
    dailies: 1,
    shots: Array.from({ length: SHOTS }, (_, i) => ({
      id: `k${String(i).padStart(3, '0')}`,
      prompt: `farm kill shot ${i}`,
      seed: 9000 + i,
      model,
    })),
  };
}

function submitsPerShot(requests: RecordedRequest[], route: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) {
    if (r.route !== route || !r.json || typeof r.json !== 'object') continue;
    const body = r.json as { input?: { prompt?: string }; prompt?: string };
    const n = /farm kill shot (\d+)$/.exec((body.input ?? body).prompt ?? '')?.[1];
    if (n !== undefined) counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
}

/** Runs a farm batch while killing a worker KILLS times mid-job (a fresh one joins after each kill). */
async function batchWithKills(
  redis: RedisServer,
  fakes: Fakes,
  model: string,
  submits: () => number,
): Promise<{ p: TempProject; logs: string; failed: number; errors: string }> {
  const team: TeamSettings = { redisUrl: redis.url, store: sharedStoreDir() };
  const env = workerEnv(team, fakes, undefined, { DAILIES_LIMIT_LIGHT: '4' });
  const workers: WorkerProcess[] = [await startWorker('k0', env), await startWorker('k1', env)];
  const p = await createProject(project(model));
  const a = await artist(p.file, team, fakes);
  const render = a.engine.render({ farm: true });
  const killed: WorkerProcess[] = [];
  try {
    for (let k = 0; k < KILLS; k++) {
      const before = submits();
      const deadline = Date.now() + 60_000;
      while (submits() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 400));
      const victim = workers.splice(Math.floor(Math.random() * workers.length), 1)[0]!;
      const { signal } = await victim.kill('SIGKILL');
      assert.equal(signal, 'SIGKILL', `kill ${k + 1}: the worker died by SIGKILL`);
      killed.push(victim);
      workers.push(await startWorker(`k${k + 2}`, env));
    }
    const summary = await render;
    return {
      p,
      logs: [...killed, ...workers].map((w) => w.output()).join('\n'),
      failed: summary.shots.failed,
      errors: JSON.stringify(summary.errors),
    };
  } finally {
    await a.dispose();
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  }
}

describe('kill -9 of farm workers mid-batch', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  before(async () => {
    buildCli();
    redis = await startRedis();
  });
  after(async () => {
    await redis.dispose();
  });

  describe('Replicate', () => {
    let fake: ReplicateFake;
    before(async () => {
      fake = await startReplicateFake({
        apiKey: REPLICATE_TOKEN,
        stepMs: 100,
        steps: 8,
        queueMs: 30,
        maxPreferWaitMs: 10,
      });
    });
    after(() => fake.close());

    it(`${KILLS} workers killed mid-job: every shot rendered, each submitted exactly once`, async () => {
      const r = await batchWithKills(redis, { replicate: fake }, 'black-forest-labs/flux-schnell', () =>
        fake.count('predictions.create'),
      );
      try {
        assert.equal(r.failed, 0, r.errors);
        const doc = await r.p.json();
        assert.equal(doc.shots.filter((s) => s.render?.status === 'done').length, SHOTS);
        const counts = submitsPerShot(fake.requests, 'predictions.create');
        const twice = [...counts].filter(([, n]) => n > 1);
        assert.equal(counts.size, SHOTS);
        assert.deepEqual(
          twice,
          [],
          `submitted more than once: ${twice.map(([k, n]) => `${k}×${n}`).join(', ')}`,
        );
        assert.match(
          r.logs,
          /re-attaching to|did reach replicate/,
          "a surviving worker re-attached to a dead one's job",
        );
      } finally {
        await r.p.cleanup();
      }
    });
  });

  describe('fal.ai', () => {
    let fake: FalFake;
    before(async () => {
      fake = await startFalFake({
        apiKey: FAL_KEY,
        stepMs: 100,
        steps: 8,
        queueMs: 30,
        ownOriginMedia: true,
      });
    });
    after(() => fake.close());

    it(`${KILLS} workers killed mid-job: every shot rendered; only in-flight submits are repeated`, async () => {
      const r = await batchWithKills(redis, { fal: fake }, 'fal-ai/flux/schnell', () => fake.count('submit'));
      try {
        assert.equal(r.failed, 0, r.errors);
        const doc = await r.p.json();
        assert.equal(doc.shots.filter((s) => s.render?.status === 'done').length, SHOTS);
        const counts = submitsPerShot(fake.requests, 'submit');
        assert.equal(counts.size, SHOTS);
        const inDoubt = new Set(
          [...r.logs.matchAll(/k(\d{3}) v\d+: a submit was in flight/g)].map((m) => String(Number(m[1]))),
        );
        for (const [shot, n] of counts) {
          assert.ok(
            n === 1 || (n === 2 && inDoubt.has(shot)),
            `shot ${shot} submitted ${n} times (in doubt: ${inDoubt.has(shot)})`,
          );
        }
        assert.match(r.logs, /re-attaching to/, "a surviving worker re-attached to a dead one's job");
      } finally {
        await r.p.cleanup();
      }
    });
  });
});
