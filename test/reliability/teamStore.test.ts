// The team's shared store full or read-only, on a real filesystem (a small tmpfs; mounting needs root and a
// container that allows it — elsewhere these are skipped). Full or read-only before a batch: one clear line,
// nothing queued, nothing paid. Full in the middle: the finished renders fail with the reason, are kept in
// the shared journal as paid, and are collected without paying again once there is space.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { TeamSettings } from '../../src/core/team/settings';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { buildCli } from '../helpers/builtCli';
import { FAL_KEY } from '../helpers/cloud';
import {
  artist,
  disposeArtists,
  spawnWorker,
  startWorker,
  type WorkerProcess,
  workerEnv,
} from '../helpers/farm';
import { type RedisServer, redisSkip, startRedis } from '../helpers/redisServer';
import { createProject, simpleProject, type TempProject } from '../helpers/tempProject';
import { waitFor } from '../helpers/waitFor';

const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });

function tmpfsUnavailable(): string | false {
  if (process.getuid?.() !== 0) return 'needs root to mount a small tmpfs';
  const probe = mkdtempSync(path.join(tmpdir(), 'dailies-mount-probe-'));
  try {
    mount('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe);
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return false;
  } catch (err) {
    return `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`;
  } finally {
    rmdirSync(probe);
  }
}

async function fill(dir: string): Promise<void> {
  await fs.writeFile(path.join(dir, 'filler'), Buffer.alloc(64 * 1024 * 1024)).catch(() => undefined);
}

describe('the shared store full or read-only', { skip: redisSkip() || tmpfsUnavailable() }, () => {
  let redis: RedisServer;
  let fal: FalFake;
  let store: string;
  const workers: WorkerProcess[] = [];
  const temp: TempProject[] = [];

  before(async () => {
    buildCli();
    redis = await startRedis();
    fal = await startFalFake({ stepMs: 40, steps: 10, queueMs: 10, apiKey: FAL_KEY, ownOriginMedia: true });
  });
  after(async () => {
    await fal.close();
    await redis.dispose();
  });
  afterEach(async () => {
    await disposeArtists();
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
    await redis.flush();
    while (temp.length) await temp.pop()!.cleanup();
    fal.reset();
    fal.configure({ stepMs: 40 });
    try {
      execFileSync('umount', [store], { stdio: 'pipe' });
    } catch {
      // not mounted
    }
  });

  function freshStore(size = '4m'): TeamSettings {
    store = mkdtempSync(path.join(tmpdir(), 'dailies-store-tmpfs-'));
    mount('-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', store);
    return { redisUrl: redis.url, store };
  }

  async function project(n: number): Promise<TempProject> {
    const p = await createProject(simpleProject(n, () => ({ model: 'fal-ai/flux/schnell' })));
    temp.push(p);
    return p;
  }

  it('a full store before the batch: a clear message for the artist and the worker, nothing paid', async () => {
    const t = freshStore('1m');
    await fill(store);
    const p = await project(2);
    await assert.rejects(artist(p.file, t, { fal }), /The team's shared store .* is full/);
    const w = spawnWorker('full', workerEnv(t, { fal }));
    assert.equal((await w.exit).code, 1);
    assert.match(w.output(), /The team's shared store .* is full/);
    assert.equal(fal.count('submit'), 0);
  });

  it('a read-only store: a clear message, nothing queued or paid', async () => {
    const t = freshStore('1m');
    mount('-o', 'remount,ro', store);
    const p = await project(2);
    await assert.rejects(artist(p.file, t, { fal }), /The team's shared store .* is read-only here/);
    assert.equal(fal.count('submit'), 0);
  });

  it('full in the middle of a batch: the reason is shown; once there is space the renders are collected, not paid again', async () => {
    const t = freshStore('4m');
    fal.configure({ stepMs: 200 }); // long enough that no render is stored before the store fills
    workers.push(await startWorker('s0', workerEnv(t, { fal })));
    const p = await project(6);
    const a = await artist(p.file, t, { fal });
    const render = a.engine.render({ farm: true });
    await waitFor(() => fal.count('submit') === 6, 'every job submitted', 60_000);
    await fill(store);
    const s = await render;
    await a.dispose();
    assert.ok(s.shots.failed > 0, 'some renders could not be stored');
    for (const e of s.errors) assert.match(e.message, /The team's shared store .* is full/);
    await fs.rm(path.join(store, 'filler'));
    const b = await artist(p.file, t, { fal });
    const s2 = await b.engine.render({ farm: true });
    await b.dispose();
    assert.equal(s2.shots.failed, 0, JSON.stringify(s2.errors));
    assert.equal(fal.count('submit'), 6, 'collected from the provider by request id, not submitted again');
  });
});
