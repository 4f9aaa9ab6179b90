// The team's Redis going away: restarted mid-batch (AOF: nothing lost, the batch goes on), out of reach for
// longer than an artist waits (a clear message; what was queued stays queued and the next render collects
// it without paying again), and unreachable from the start (a clear message, or this machine alone with
// --farm-fallback local).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { TeamSettings } from '../../src/core/team/settings';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { buildCli } from '../helpers/builtCli';
import { FAL_KEY } from '../helpers/cloud';
import {
  artist,
  disposeArtists,
  sharedStoreDir,
  startWorker,
  type WorkerProcess,
  workerEnv,
} from '../helpers/farm';
import { type RedisServer, redisSkip, startRedis } from '../helpers/redisServer';
import { runCli } from '../helpers/runCli';
import { createProject, simpleProject, type TempProject } from '../helpers/tempProject';
import { waitFor } from '../helpers/waitFor';

const FAST = { stepMs: 40, steps: 10, queueMs: 20, apiKey: FAL_KEY };

describe('the team Redis lost, restarted or unreachable', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  let fal: FalFake;
  const workers: WorkerProcess[] = [];
  const temp: TempProject[] = [];

  before(async () => {
    buildCli();
    redis = await startRedis();
    fal = await startFalFake({ ...FAST, ownOriginMedia: true });
  });
  after(async () => {
    await fal.close();
    await redis.dispose();
  });
  afterEach(async () => {
    await disposeArtists();
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
    while (temp.length) await temp.pop()!.cleanup();
    fal.reset();
    fal.configure(FAST);
    if (!(await redisUp())) await redis.start();
    await redis.flush();
  });

  const redisUp = async () => {
    const { connect } = await import('node:net');
    return new Promise<boolean>((resolve) => {
      const s = connect(redis.port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
  };

  async function project(n: number): Promise<TempProject> {
    const p = await createProject(simpleProject(n, () => ({ model: 'fal-ai/flux/schnell' })));
    temp.push(p);
    return p;
  }

  const team = (): TeamSettings => ({ redisUrl: redis.url, store: sharedStoreDir() });

  it('a Redis killed and restarted mid-batch (AOF) loses nothing: every shot rendered once', async () => {
    const t = team();
    for (let i = 0; i < 2; i++) workers.push(await startWorker(`r${i}`, workerEnv(t, { fal })));
    const p = await project(20);
    const a = await artist(p.file, t, { fal }, { lostAfterMs: 120_000 });
    const render = a.engine.render({ farm: true });
    await waitFor(
      () => fal.billedJobs().length >= 4 && fal.count('submit') < 20,
      'the batch to be under way',
      60_000,
    );
    await redis.restart('SIGKILL', 1500);
    const s = await render;
    await a.dispose();
    assert.equal(s.shots.failed, 0, JSON.stringify(s.errors));
    assert.equal(s.shots.rendered + s.shots.cached, 20);
    assert.equal(fal.count('submit'), 20, 'no render paid twice across the restart');
    assert.ok(
      a.events.some((e) => e.type === 'log' && /lost the team Redis/.test(e.message)),
      'the artist was told the farm went away',
    );
  });

  it('Redis out of reach longer than an artist waits: a clear message; the next render collects without paying', async () => {
    const t = team();
    workers.push(await startWorker('l0', workerEnv(t, { fal })));
    fal.configure({ stepMs: 100, steps: 20 });
    const p = await project(6);
    const a = await artist(p.file, t, { fal }, { lostAfterMs: 1500 });
    const render = a.engine.render({ farm: true });
    await waitFor(() => fal.count('submit') >= 6, 'every job submitted by the worker', 60_000);
    await redis.stop('SIGTERM');
    const s = await render;
    await a.dispose();
    assert.ok(s.shots.failed > 0);
    assert.match(s.errors[0]?.message ?? '', /Lost the team Redis .* render again to collect it/);
    await redis.start();
    await waitFor(() => fal.billedJobs().length === 6, 'the provider to finish what was submitted', 60_000);
    const again = await artist(p.file, t, { fal });
    const s2 = await again.engine.render({ farm: true });
    await again.dispose();
    assert.equal(s2.shots.failed, 0, JSON.stringify(s2.errors) + workers.map((w) => w.output()).join('\n'));
    assert.equal(fal.count('submit'), 6, 'collected from the farm, not paid again');
  });

  it('Redis unreachable at the start: a clear message and nothing rendered; --farm-fallback local renders here', async () => {
    const p = await project(2);
    const env = {
      DAILIES_REDIS_URL: 'redis://127.0.0.1:1',
      DAILIES_STORE: sharedStoreDir(),
      DAILIES_FAL_URL: fal.origin,
    };
    const refused = await runCli(['render', p.file, '--farm'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /team Redis at redis:\/\/127\.0\.0\.1:1\/? cannot be reached/);
    assert.equal(fal.count('submit'), 0);
    const local = await runCli(['render', p.file, '--farm', '--farm-fallback', 'local'], {
      ...env,
      FAL_KEY,
      DAILIES_POLL_MS: '15',
    });
    assert.equal(local.code, 0, local.stderr);
    assert.match(local.stderr, /Rendering on this machine alone \(--farm-fallback local\)/);
    assert.equal(fal.count('submit'), 2);
  });

  it('a password in the Redis URL never shows in a message', async () => {
    const p = await project(1);
    const r = await runCli(['render', p.file, '--farm'], {
      DAILIES_REDIS_URL: 'redis://:s3cret-pass@127.0.0.1:1',
      DAILIES_STORE: sharedStoreDir(),
    });
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr + r.stdout, /s3cret-pass/);
    assert.match(r.stderr, /redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
  });
});
