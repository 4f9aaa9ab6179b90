// Bad input for the team backend: a claim left by a machine that died mid-job, workers without keys, and a
// shared store that is S3 (through a local stand-in). Each ends in a clear message and a safe fallback,
// never in a second payment.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { TARGET_URL_HEADER } from '../../src/core/providers/routes';
import { keys } from '../../src/core/team/redis';
import type { TeamSettings } from '../../src/core/team/settings';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { buildCli } from '../helpers/builtCli';
import { FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import {
  artist,
  disposeArtists,
  sharedStoreDir,
  spawnWorker,
  startWorker,
  type WorkerProcess,
  workerEnv,
} from '../helpers/farm';
import { type RedisServer, redisSkip, startRedis } from '../helpers/redisServer';
import { startS3StandIn } from '../helpers/s3Standin';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

const FAST = { stepMs: 20, steps: 5, queueMs: 10 };

describe('team backend faults', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  let fal: FalFake;
  let replicate: ReplicateFake;
  const workers: WorkerProcess[] = [];
  const temp: TempProject[] = [];

  before(async () => {
    buildCli();
    redis = await startRedis();
    fal = await startFalFake({ ...FAST, apiKey: FAL_KEY, ownOriginMedia: true });
    replicate = await startReplicateFake({ ...FAST, apiKey: REPLICATE_TOKEN, maxPreferWaitMs: 10 });
  });
  after(async () => {
    await Promise.all([fal.close(), replicate.close()]);
    await redis.dispose();
  });
  afterEach(async () => {
    await disposeArtists();
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
    await redis.flush();
    while (temp.length) await temp.pop()!.cleanup();
    fal.reset();
    replicate.reset();
  });

  async function project(n: number, model: (i: number) => string, files = {}): Promise<TempProject> {
    const p = await createProject(
      simpleProject(n, (i) => ({ model: model(i) })),
      files,
    );
    temp.push(p);
    return p;
  }
  const team = (store = sharedStoreDir()): TeamSettings => ({ redisUrl: redis.url, store });

  it("a claim left by a dead machine: the worker waits for it to expire, then re-attaches to that machine's job", async () => {
    const t = team();
    const p = await project(1, () => 'fal-ai/flux/schnell');
    const a = await artist(p.file, t, { fal });
    const job = (await a.engine.plan()).shots[0]!.jobs[0]!;
    // What the dead machine did: submitted the job (it is at fal now), journaled its id, then went silent.
    const res = await fetch(`${fal.origin}/fal-ai/flux/schnell`, {
      method: 'POST',
      headers: {
        [TARGET_URL_HEADER]: 'https://queue.fal.run/fal-ai/flux/schnell',
        authorization: `Key ${FAL_KEY}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ prompt: job.request.prompt, seed: job.request.seed }),
    });
    const { request_id: requestId } = (await res.json()) as { request_id: string };
    const dead = {
      pid: 4242,
      host: 'dead-box',
      machine: 'dead-box/0/pid:[1]',
      token: 'x',
      shotId: job.shotId,
      variation: 1,
      since: Date.now(),
    };
    const { default: IORedis } = await import('ioredis');
    const r = new IORedis(redis.url);
    await r.set(keys.claim(job.key), JSON.stringify(dead), 'PX', 3000);
    const pending = {
      key: job.key,
      shotId: job.shotId,
      variation: 1,
      provider: 'fal',
      model: 'fal-ai/flux/schnell',
      at: Date.now(),
      requestId,
    };
    await r.hset(keys.journal, job.key, JSON.stringify(pending));
    r.disconnect();
    workers.push(await startWorker('d0', workerEnv(t, { fal })));
    const s = await a.engine.render({ farm: true });
    await a.dispose();
    assert.equal(s.shots.failed, 0, JSON.stringify(s.errors));
    assert.equal(fal.count('submit'), 1, "only the dead machine's submit: nobody paid again");
    assert.match(workers[0]!.output(), /another Dailies \(pid 4242 on dead-box\) is rendering it/);
    assert.match(workers[0]!.output(), new RegExp(`re-attaching to ${requestId}`));
  });

  it('a worker without any key refuses to start, with the reason', async () => {
    const w = spawnWorker('nokey', workerEnv(team(), { fal }, { fal: false, replicate: false }));
    const deadline = setTimeout(() => void w.kill('SIGKILL'), 60_000);
    const { code } = await w.exit.finally(() => clearTimeout(deadline));
    assert.equal(code, 1);
    assert.match(w.output(), /no provider key \(set FAL_KEY and\/or REPLICATE_API_TOKEN\)/);
  });

  it('no worker holds a fal key: fal shots fail with the reason, Replicate shots render; fallback renders here', async () => {
    const t = team();
    workers.push(await startWorker('r-only', workerEnv(t, { fal, replicate }, { replicate: true })));
    const model = (i: number) => (i % 2 ? 'black-forest-labs/flux-schnell' : 'fal-ai/flux/schnell');
    const p = await project(4, model);
    const a = await artist(p.file, t, { fal, replicate }, { noWorkerWaitMs: 500 });
    const s = await a.engine.render({ farm: true });
    await a.dispose();
    assert.equal(s.shots.failed, 2);
    assert.equal(s.shots.rendered, 2);
    for (const e of s.errors)
      assert.match(e.message, /No render worker on the farm takes fal light jobs \(none runs with FAL_KEY\)/);
    assert.equal(fal.count('submit'), 0, 'the worker without a fal key took no fal job');
    // The artist allows a local fallback and has a fal key of their own: the fal shots render here.
    const b = await artist(
      p.file,
      t,
      { fal, replicate },
      { noWorkerWaitMs: 500, fallback: 'local', keys: { fal: FAL_KEY } },
    );
    const s2 = await b.engine.render({ farm: true });
    await b.dispose();
    assert.equal(s2.shots.failed, 0, JSON.stringify(s2.errors));
    assert.equal(fal.count('submit'), 2);
    assert.equal(replicate.count('predictions.create'), 2, 'nothing rendered twice');
  });

  it('S3 shared store (local stand-in, not a real S3): a farm batch stores and serves every output', async () => {
    const s3 = await startS3StandIn();
    const saved = { ...process.env };
    Object.assign(process.env, s3.env);
    try {
      const t = team(s3.spec());
      workers.push(await startWorker('s3', { ...workerEnv(t, { fal }), ...s3.env }));
      const p = await project(3, () => 'fal-ai/flux-pro/kontext/multi', simpleFiles);
      const a = await artist(p.file, t, { fal });
      const s = await a.engine.render({ farm: true });
      await a.dispose();
      assert.equal(s.shots.failed, 0, JSON.stringify(s.errors));
      assert.equal(fal.count('submit'), 3);
      // A second machine's copy: every output comes from the bucket, nothing from the provider.
      const q = await project(3, () => 'fal-ai/flux-pro/kontext/multi', simpleFiles);
      const b = await artist(q.file, t, { fal });
      const s2 = await b.engine.render({ farm: true });
      await b.dispose();
      assert.equal(s2.shots.cached, 3);
      assert.equal(fal.count('submit'), 3);
      // A bucket that does not exist: one clear line before anything is queued.
      await assert.rejects(
        artist(p.file, team(s3.spec('no-such-bucket')), { fal }),
        /shared store s3:\/\/no-such-bucket\/studio .* does not exist/,
      );
    } finally {
      process.env = saved;
      await s3.close();
    }
  });
});
