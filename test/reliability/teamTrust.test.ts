// Anyone who can reach the farm's Redis can queue a job, so a job's input hash is a claim, not a fact. A job
// whose hash does not match its request could adopt someone else's cached result cheaply, or get one
// request paid for and its output stored under another shot's hash (poisoning the team's result index for
// every artist). The worker recomputes the hash from the request it would send and refuses a mismatch; an
// artist adopting a result from the shared index checks its bytes against their content hash.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { CachedResult } from '../../src/core/cache/resultCache';
import type { GenerationRequest } from '../../src/core/providers/types';
import { variationKey } from '../../src/core/render/stale';
import type { FarmJobData } from '../../src/core/team/farmJobs';
import { queueName } from '../../src/core/team/farmJobs';
import { BULL_PREFIX, keys } from '../../src/core/team/redis';
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
import { createProject, simpleProject, type TempProject } from '../helpers/tempProject';
import { waitFor } from '../helpers/waitFor';

const FAST = { stepMs: 10, steps: 3, queueMs: 5, apiKey: FAL_KEY };

describe('a farm job whose hash does not match its request', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  let fal: FalFake;
  let db: Redis;
  const workers: WorkerProcess[] = [];
  const temp: TempProject[] = [];
  const queues: Queue[] = [];

  before(async () => {
    buildCli();
    redis = await startRedis();
    db = new Redis(redis.url);
    fal = await startFalFake({ ...FAST, ownOriginMedia: true });
  });
  after(async () => {
    db.disconnect();
    await fal.close();
    await redis.dispose();
  });
  afterEach(async () => {
    await disposeArtists();
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
    await redis.flush();
    while (temp.length) await temp.pop()!.cleanup();
    fal.reset();
    fal.configure(FAST);
  });

  /** One shot rendered on the farm by an honest artist; returns the job data it queued. */
  async function honestRender(t: TeamSettings): Promise<{ data: FarmJobData; queue: Queue }> {
    workers.push(await startWorker('w', workerEnv(t, { fal })));
    const p = await createProject(simpleProject(1, () => ({ model: 'fal-ai/flux/schnell' })));
    temp.push(p);
    const a = await artist(p.file, t, { fal });
    const summary = await a.engine.render({ farm: true });
    assert.equal(summary.shots.rendered, 1, JSON.stringify(summary));
    const [key] = await db.hkeys(keys.results);
    assert.ok(key, 'the honest render is in the team index');
    const hit = JSON.parse((await db.hget(keys.results, key))!) as CachedResult;
    const data = await findJob(hit.key);
    const queue = new Queue(queueName('fal', data.request.model.class), {
      connection: { host: '127.0.0.1', port: redis.port },
      prefix: BULL_PREFIX,
    });
    queues.push(queue);
    return { data, queue };
  }

  async function findJob(key: string): Promise<FarmJobData> {
    for (const cls of ['light', 'heavy', 'video'] as const) {
      const q = new Queue(queueName('fal', cls), {
        connection: { host: '127.0.0.1', port: redis.port },
        prefix: BULL_PREFIX,
      });
      const job = await Job.fromId(q, key);
      await q.close();
      if (job) return job.data as FarmJobData;
    }
    throw new Error(`no farm job ${key}`);
  }

  async function settle(queue: Queue, id: string): Promise<Job> {
    let job: Job | undefined;
    await waitFor(
      async () => {
        job = await Job.fromId(queue, id);
        const state = job ? await job.getState() : 'missing';
        return state === 'completed' || state === 'failed';
      },
      `forged job ${id} to end`,
      60_000,
    );
    return job!;
  }

  it("a cached shot's hash with another prompt is refused, not answered with that shot's result", async () => {
    const t: TeamSettings = { redisUrl: redis.url, store: sharedStoreDir() };
    const { data, queue } = await honestRender(t);
    const paid = fal.jobs.size;
    const forged: FarmJobData = {
      ...data,
      requester: 'mallory',
      request: { ...data.request, prompt: 'a completely different and expensive shot' },
    };
    await (await Job.fromId(queue, data.key))?.remove(); // the honest job's id is taken otherwise
    await queue.add('render', forged, { jobId: `${data.key}` });
    const job = await settle(queue, data.key);
    assert.equal(await job.getState(), 'failed', `the forged job was not answered: ${job.returnvalue}`);
    assert.match(job.failedReason, /does not match/i);
    assert.equal(fal.jobs.size, paid, 'nothing was submitted for it');
  });

  it("a request queued under another shot's hash is never paid for nor stored under that hash", async () => {
    const t: TeamSettings = { redisUrl: redis.url, store: sharedStoreDir() };
    const { data, queue } = await honestRender(t);
    const paid = fal.jobs.size;
    // The victim's next shot: its hash, as any artist would compute it for that request.
    const victim = { ...data.request, prompt: 'the victim shot that nobody has rendered yet' };
    const victimKey = variationKey({ ...victim, refUrls: new Map() } as unknown as GenerationRequest);
    const forged: FarmJobData = {
      ...data,
      key: victimKey,
      requester: 'mallory',
      request: { ...data.request, prompt: 'something else entirely, cheap and wrong' },
    };
    await queue.add('render', forged, { jobId: victimKey });
    const job = await settle(queue, victimKey);
    assert.equal(await job.getState(), 'failed');
    assert.match(job.failedReason, /does not match/i);
    assert.equal(fal.jobs.size, paid, 'nothing was submitted for it');
    assert.equal(await db.hget(keys.results, victimKey), null, 'the index has nothing under the victim hash');
  });

  it('an honest job with the same request still renders (the worker computes the same hash)', async () => {
    const t: TeamSettings = { redisUrl: redis.url, store: sharedStoreDir() };
    const { data, queue } = await honestRender(t);
    const request = { ...data.request, prompt: 'a new honest shot' };
    const key = variationKey({ ...request, refUrls: new Map() } as unknown as GenerationRequest);
    await queue.add('render', { ...data, key, request }, { jobId: key });
    const job = await settle(queue, key);
    assert.equal(await job.getState(), 'completed', job.failedReason);
    assert.ok(await db.hget(keys.results, key));
  });

  it('a result in the shared index whose bytes were swapped is not adopted by an artist', async () => {
    const t: TeamSettings = { redisUrl: redis.url, store: sharedStoreDir() };
    const { data } = await honestRender(t);
    const hit = JSON.parse((await db.hget(keys.results, data.key))!) as CachedResult;
    // Someone with write access to the store replaces the image under its name.
    const files = await listFiles(t.store);
    const image = files.find((f) => path.basename(f).startsWith(hit.sha256));
    assert.ok(image, `the output ${hit.sha256} is in the shared store`);
    await fs.chmod(image, 0o644).catch(() => undefined);
    await fs.writeFile(image, Buffer.from('not the image that was rendered'));
    // A second artist (own project, empty local cache) asks for the same shot.
    const p = await createProject(simpleProject(1, () => ({ model: 'fal-ai/flux/schnell' })));
    temp.push(p);
    const b = await artist(p.file, t, { fal });
    const paid = fal.jobs.size;
    const summary = await b.engine.render({ farm: true });
    const shot = JSON.parse(await fs.readFile(p.file, 'utf8')).shots[0];
    for (const out of shot.render?.outputs ?? []) {
      const bytes = await fs.readFile(path.join(p.dir, out.image));
      assert.notEqual(bytes.toString(), 'not the image that was rendered', 'the swapped bytes never land');
    }
    // Nothing else in the project holds them either (its content store, renders/).
    for (const f of await listFiles(p.dir))
      assert.notEqual((await fs.readFile(f)).toString(), 'not the image that was rendered', f);
    assert.equal(summary.shots.failed, 1, 'the shot fails with a reason rather than use them');
    assert.match(summary.errors[0]?.message ?? '', /shared store/);
    assert.equal(fal.jobs.size, paid, 'and nothing is paid for meanwhile');
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}
