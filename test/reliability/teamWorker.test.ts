// Running the farm: a worker stopped with SIGTERM finishes what it runs and takes nothing new; with no time
// to finish (or a second signal) it hands its jobs back — never canceling them at the provider — and the
// next worker re-attaches. `farm status` shows queues, workers and claims. A farm batch emits the same
// events as a local one, so the editor's tree, status bar and storyboard follow it unchanged.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { TeamSettings } from '../../src/core/team/settings';
import type { RenderEvent } from '../../src/shared/events';
import { BUILT_CLI } from '../helpers/builtCli';
import { FAL_KEY } from '../helpers/cloud';
import { artist, farmSuite, sharedStoreDir, startWorker, workerEnv } from '../helpers/farm';
import { redisSkip } from '../helpers/redisServer';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';
import { waitFor } from '../helpers/waitFor';

const SLOW = { stepMs: 100, steps: 15, queueMs: 10, apiKey: FAL_KEY };

describe('operating the farm', { skip: redisSkip() }, () => {
  const rig = farmSuite(SLOW);
  const { workers, temp } = rig;

  async function project(n: number): Promise<TempProject> {
    const p = await createProject(simpleProject(n, () => ({ model: 'fal-ai/flux/schnell' })));
    temp.push(p);
    return p;
  }
  const team = (): TeamSettings => ({ redisUrl: rig.redis.url, store: sharedStoreDir() });
  const running = () => [...rig.fal.jobs.keys()].filter((id) => rig.fal.phaseOf(id) === 'running').length;

  it('SIGTERM: the worker finishes its running jobs, hands back the ones not started, and exits 0', async () => {
    const t = team();
    rig.fal.configure({ steps: 40 }); // 4 s: nothing finishes between the signal and the hand-back
    const env = workerEnv(t, { fal: rig.fal }, undefined, { DAILIES_LIMIT_LIGHT: '2' });
    const w1 = await startWorker('g1', env);
    workers.push(w1);
    const p = await project(8);
    const a = await artist(p.file, t, { fal: rig.fal });
    const render = a.engine.render({ farm: true });
    // Both of the account's slots busy, and more jobs taken by the worker, waiting for a slot.
    await waitFor(() => running() === 2, 'both slots running', 60_000);
    w1.child.kill('SIGTERM');
    const { code } = await w1.exit;
    assert.equal(code, 0, w1.output());
    assert.match(w1.output(), /finishing 2 running job\(s\)/);
    assert.equal(rig.fal.count('submit'), 2, 'no job was started after SIGTERM');
    assert.equal(rig.fal.billedJobs().length, 2, 'both running jobs were finished, not dropped');
    workers.push(await startWorker('g2', env));
    const s = await render;
    await a.dispose();
    assert.equal(s.shots.failed, 0, JSON.stringify(s.errors));
    assert.equal(rig.fal.count('submit'), 8);
    assert.equal(rig.fal.canceled.size, 0);
  });

  it('no time to finish: jobs are handed back mid-render, not canceled, and the next worker re-attaches', async () => {
    const t = team();
    const env = workerEnv(t, { fal: rig.fal });
    const w1 = await startWorker('h1', env, ['--drain-timeout', '0']);
    workers.push(w1);
    const p = await project(4);
    const a = await artist(p.file, t, { fal: rig.fal });
    const render = a.engine.render({ farm: true });
    await waitFor(() => running() === 4, 'every job running', 60_000);
    w1.child.kill('SIGTERM');
    assert.equal((await w1.exit).code, 0, w1.output());
    assert.match(w1.output(), /handed shot-\d+ v1 back to the farm/);
    const w2 = await startWorker('h2', env);
    workers.push(w2);
    const s = await render;
    await a.dispose();
    assert.equal(s.shots.failed, 0, JSON.stringify(s.errors));
    assert.equal(rig.fal.count('submit'), 4, 'handed-back jobs were re-attached to, not submitted again');
    assert.equal(rig.fal.canceled.size, 0, 'nothing was canceled at the provider');
    assert.match(w2.output(), /re-attaching to/);
  });

  it('an artist who cancels stops its farm jobs: queued ones never submitted, running ones canceled at the provider', async () => {
    const t = team();
    workers.push(
      await startWorker('c1', workerEnv(t, { fal: rig.fal }, undefined, { DAILIES_LIMIT_LIGHT: '2' })),
    );
    const p = await project(6);
    const a = await artist(p.file, t, { fal: rig.fal });
    const render = a.engine.render({ farm: true });
    await waitFor(() => running() === 2, 'two jobs running', 60_000);
    a.engine.cancelAll();
    const s = await render;
    await a.dispose();
    assert.equal(s.shots.canceled, 6, JSON.stringify(s.shots));
    assert.equal(rig.fal.count('submit'), 2, 'the waiting jobs were never submitted');
    await waitFor(
      () => rig.fal.canceled.size === 2,
      'the running jobs to be canceled at the provider',
      60_000,
    );
  });

  it('one artist canceling does not stop a job another artist still waits for', async () => {
    const t = team();
    workers.push(
      await startWorker('c2', workerEnv(t, { fal: rig.fal }, undefined, { DAILIES_LIMIT_LIGHT: '2' })),
    );
    const pa = await project(4);
    const pb = await project(4);
    const a = await artist(pa.file, t, { fal: rig.fal });
    const b = await artist(pb.file, t, { fal: rig.fal });
    const ra = a.engine.render({ farm: true });
    const rb = b.engine.render({ farm: true });
    await waitFor(() => running() === 2, 'two jobs running', 60_000);
    a.engine.cancelAll();
    await ra;
    const sb = await rb;
    await Promise.all([a.dispose(), b.dispose()]);
    assert.equal(sb.shots.failed + sb.shots.canceled, 0, JSON.stringify(sb.errors));
    assert.equal(rig.fal.count('submit'), 4);
    assert.equal(rig.fal.canceled.size, 0);
  });

  it('farm status shows the queues, the live workers and the claims of a batch in progress', async () => {
    const t = team();
    rig.fal.configure({ steps: 600 }); // a minute: the batch is still running when the status is read
    workers.push(await startWorker('st1', workerEnv(t, { fal: rig.fal })));
    const p = await project(4);
    const a = await artist(p.file, t, { fal: rig.fal });
    const render = a.engine.render({ farm: true });
    await waitFor(() => running() === 4, 'every job running', 60_000);
    const out = await farmStatus(t, ['--json']);
    const status = JSON.parse(out) as {
      queues: { name: string; active: number; workers: number }[];
      workers: { id: string; alive: boolean }[];
      claims: { shotId: string }[];
    };
    const light = status.queues.find((q) => q.name === 'fal-light');
    assert.ok(light && light.workers >= 1 && light.active === 4, out);
    assert.ok(status.workers.some((w) => w.id === 'st1' && w.alive));
    assert.equal(status.claims.length, 4);
    assert.match(await farmStatus(t, []), /Queues:\n {2}fal-light .*running 4/);
    a.engine.cancelAll();
    await render;
    await a.dispose();
  });

  it('keys live only on the workers: after a farm batch neither Redis (its whole AOF) nor the shared store holds one', async () => {
    const t = team();
    rig.fal.configure({ stepMs: 20, steps: 3 });
    workers.push(await startWorker('keys', workerEnv(t, { fal: rig.fal })));
    // A model that takes refs, so the worker uploads them with its key too.
    const p = await createProject(
      simpleProject(3, () => ({ model: 'fal-ai/flux-pro/kontext/multi' })),
      simpleFiles,
    );
    temp.push(p);
    const a = await artist(p.file, t, { fal: rig.fal });
    const s = await a.engine.render({ farm: true });
    await a.dispose();
    assert.equal(s.shots.rendered, 3, JSON.stringify(s.errors));
    assert.ok(rig.fal.count('upload.initiate') > 0, 'the worker uploaded refs with its key');
    const secrets = [FAL_KEY, FAL_KEY.split(':')[1]!];
    const leaks = async (dir: string) => {
      const found: string[] = [];
      for (const f of await files(dir)) {
        const bytes = await fs.readFile(f);
        for (const secret of secrets) if (bytes.includes(secret)) found.push(`${f} holds ${secret}`);
      }
      return found;
    };
    await waitFor(async () => (await files(rig.redis.dir)).length > 0, 'the AOF on disk', 10_000);
    const aof = Buffer.concat(await Promise.all((await files(rig.redis.dir)).map((f) => fs.readFile(f))));
    assert.ok(aof.includes('dailies:results'), "the files read are Redis's log of the batch's writes");
    assert.deepEqual(await leaks(rig.redis.dir), [], 'every write Redis ever took is free of keys');
    assert.deepEqual(await leaks(t.store), [], 'the shared store is free of keys');
    assert.deepEqual(await leaks(p.dir), [], "the artist's project is free of keys");
  });

  it('a farm batch emits the events of a local render: queued, submitted, running, downloading, done', async () => {
    const t = team();
    rig.fal.configure({ stepMs: 20, steps: 5 });
    workers.push(await startWorker('ev', workerEnv(t, { fal: rig.fal })));
    const p = await project(3);
    const local = await artist(p.file, t, { fal: rig.fal }, { keys: { fal: FAL_KEY } });
    await local.engine.render({ force: true });
    await local.dispose();
    const q = await project(3);
    const farmed = await artist(q.file, t, { fal: rig.fal });
    await farmed.engine.render({ farm: true, force: true });
    await farmed.dispose();
    const states = (events: RenderEvent[]) =>
      new Set(events.flatMap((e) => (e.type === 'job' ? [e.state] : [])).filter((s) => s !== 'uploading'));
    for (const s of states(local.events))
      assert.ok(states(farmed.events).has(s), `the farm batch emitted "${s}"`);
    const kinds = (events: RenderEvent[]) => new Set(events.map((e) => e.type));
    for (const k of ['batch-start', 'job', 'shot', 'batch-end'] as const)
      assert.ok(kinds(farmed.events).has(k));
  });
});

function farmStatus(t: TeamSettings, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, 'farm', 'status', ...args], {
      env: { ...process.env, DAILIES_REDIS_URL: t.redisUrl, DAILIES_STORE: t.store },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`farm status exited ${code}: ${err}`)),
    );
  });
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
