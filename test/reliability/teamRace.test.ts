// Never paid twice across a team: two artists on two machines (two copies of one production, no key) and
// render workers (real processes, keys in their own environment) all asking for the same shots at the same
// moment. Each distinct input is submitted once; both projects end with every shot recorded; the account's
// limit (8 jobs in flight, enforced by the fake with 429s) is never hit, because the farm shares it.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { TeamSettings } from '../../src/core/team/settings';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { buildCli } from '../helpers/builtCli';
import { cloudEngine, FAL_KEY } from '../helpers/cloud';
import {
  artist,
  disposeArtists,
  sharedStoreDir,
  startWorker,
  type WorkerProcess,
  workerEnv,
} from '../helpers/farm';
import { type RedisServer, redisSkip, startRedis } from '../helpers/redisServer';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

const SHOTS = 12;
const FAST = { stepMs: 10, steps: 6, queueMs: 20, apiKey: FAL_KEY, concurrencyLimit: 8 };

describe('two artists and the farm racing on the same shots', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  let fal: FalFake;
  let team: TeamSettings;
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
    await redis.flush();
    while (temp.length) await temp.pop()!.cleanup();
    fal.reset();
    fal.configure(FAST);
  });

  /** Two artists' copies of one production (same content, different folders, as two machines have). */
  async function twoCopies(
    shots = SHOTS,
    model = 'fal-ai/flux/schnell',
  ): Promise<[TempProject, TempProject]> {
    const spec = simpleProject(shots, () => ({ model }));
    const a = await createProject(spec, simpleFiles);
    const b = await createProject(spec, simpleFiles);
    temp.push(a, b);
    return [a, b];
  }

  async function freshTeam(): Promise<TeamSettings> {
    team = { redisUrl: redis.url, store: sharedStoreDir() };
    return team;
  }

  async function recorded(p: TempProject): Promise<number> {
    const doc = await p.json();
    let n = 0;
    for (const s of doc.shots) {
      if (s.render?.status !== 'done') continue;
      for (const o of s.render.outputs) await fs.access(path.join(p.dir, o.image));
      n++;
    }
    return n;
  }

  it('two artists sending overlapping batches to three workers pay for each shot once', async () => {
    await freshTeam();
    // A model that takes refs (so the workers upload them), at the account's full width across the farm.
    const env = workerEnv(team, { fal }, undefined, { DAILIES_LIMIT_HEAVY: '8' });
    for (let i = 0; i < 3; i++) workers.push(await startWorker(`w${i}`, env));
    const [pa, pb] = await twoCopies(SHOTS, 'fal-ai/flux-pro/kontext/multi');
    const a = await artist(pa.file, team, { fal });
    const b = await artist(pb.file, team, { fal });
    // Overlapping, not identical: b asks for the second two thirds, a for everything.
    const ids = Array.from({ length: SHOTS }, (_, i) => `shot-${String(i + 1).padStart(3, '0')}`);
    const [sa, sb] = await Promise.all([
      a.engine.render({ farm: true }),
      b.engine.render({ farm: true, shots: ids.slice(SHOTS / 3) }),
    ]);
    await Promise.all([a.dispose(), b.dispose()]);
    assert.equal(sa.shots.failed + sb.shots.failed, 0, JSON.stringify([...sa.errors, ...sb.errors]));
    assert.equal(fal.count('submit'), SHOTS, 'each distinct input submitted once');
    assert.equal(fal.billedJobs().length, SHOTS);
    assert.equal(fal.concurrency.refused, 0, 'the account limit was never hit');
    assert.ok(fal.concurrency.peak <= 8);
    assert.equal(await recorded(pa), SHOTS);
    assert.equal(await recorded(pb), SHOTS - SHOTS / 3);
    // Each shot's cost is counted once across the team: by the artist whose request started it.
    assert.equal(sa.variations.rendered + sb.variations.rendered, SHOTS);
    assert.equal(
      fal.count('upload.initiate'),
      Object.keys(simpleFiles).length,
      'each reference uploaded once for the whole team',
    );
  });

  it('an artist rendering on this machine with a key and the farm racing on the same shots pay once', async () => {
    await freshTeam();
    for (let i = 0; i < 2; i++) workers.push(await startWorker(`w${i}`, workerEnv(team, { fal })));
    const [pa, pb] = await twoCopies();
    const local = await artist(pa.file, team, { fal }, { keys: { fal: FAL_KEY } });
    const farmed = await artist(pb.file, team, { fal });
    const [sa, sb] = await Promise.all([local.engine.render(), farmed.engine.render({ farm: true })]);
    await Promise.all([local.dispose(), farmed.dispose()]);
    assert.equal(sa.shots.failed + sb.shots.failed, 0, JSON.stringify([...sa.errors, ...sb.errors]));
    assert.equal(fal.count('submit'), SHOTS, 'the local render and the farm never both paid for a shot');
    assert.equal(await recorded(pa), SHOTS);
    assert.equal(await recorded(pb), SHOTS);
  });

  it('a farm batch from a machine without any key still asks to confirm the spend; "no" queues nothing', async () => {
    await freshTeam();
    workers.push(await startWorker('w0', workerEnv(team, { fal })));
    const [pa] = await twoCopies(3);
    let answer = false;
    const submitsWhenAsked: number[] = [];
    const a = await artist(
      pa.file,
      team,
      { fal },
      {
        confirmSpend: async () => {
          submitsWhenAsked.push(fal.count('submit'));
          return answer;
        },
      },
    );
    // The workers hold the keys and pay: this machine having none must not skip the question.
    await assert.rejects(a.engine.render({ farm: true }), (e: { code?: string }) => e.code === 'declined');
    assert.deepEqual(submitsWhenAsked, [0]);
    assert.equal(fal.count('submit'), 0, 'declined: nothing reached the farm or the provider');
    answer = true;
    const s = await a.engine.render({ farm: true });
    await a.dispose();
    assert.equal(submitsWhenAsked.length, 2);
    assert.equal(s.shots.failed, 0, JSON.stringify(s.errors));
    assert.equal(fal.count('submit'), 3);
  });

  it('without the team backend, two machines pay for the same shots twice (what the team fixes)', async () => {
    const [pa, pb] = await twoCopies(4);
    const a = cloudEngine(pa.file, { fal });
    const b = cloudEngine(pb.file, { fal });
    await Promise.all([a.engine.render(), b.engine.render()]);
    await Promise.all([a.dispose(), b.dispose()]);
    assert.equal(fal.count('submit'), 8, 'each machine paid for every shot');
  });
});
