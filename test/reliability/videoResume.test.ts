// A video job takes minutes and costs dollars: kill -9 the CLI while its clip is queued at the provider,
// start it again, and the second run re-attaches to the same job (journal) — one submit, one charge —
// then downloads, verifies and records the clip. Both providers, through the built CLI and real clients.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { BUILT_CLI, buildCli } from '../helpers/builtCli';
import { FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import { createProject, type TempProject } from '../helpers/tempProject';
import { waitFor } from '../helpers/waitFor';

const LONG = { queueMs: 2500, stepMs: 150, steps: 10 };

function project(still: string, video: string) {
  return {
    dailies: 1,
    shots: [
      { id: 'still', prompt: 'The bridge in the rain', model: still },
      {
        id: 'clip',
        prompt: 'The train crosses, steam trailing',
        model: video,
        from: 'still',
        videoDuration: 5,
      },
    ],
  };
}

function cli(
  file: string,
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; done: Promise<number | null>; err: () => string } {
  // --verbose: the [RESUME] lines are info, and the test reads them.
  const child = spawn(process.execPath, [BUILT_CLI, 'render', file, '--json', '--verbose'], {
    env: { ...process.env, DAILIES_POLL_MS: '40', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  child.stdout?.resume();
  return {
    child,
    done: new Promise((resolve) => child.on('close', (code) => resolve(code))),
    err: () => err,
  };
}

/** The journal has the video job's request id on disk: from here a crash must not pay again. */
async function journaledSubmit(p: TempProject): Promise<boolean> {
  const text = await fs.readFile(path.join(p.dir, '.dailies', 'journal.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').some((l) => l.includes('"t":"submit"') && l.includes('"shotId":"clip"'));
}

async function killMidJob(p: TempProject, env: NodeJS.ProcessEnv, queued: () => boolean): Promise<void> {
  const first = cli(p.file, env);
  await waitFor(
    async () => queued() && (await journaledSubmit(p)),
    'the clip to be queued and journaled',
    120_000,
  );
  first.child.kill('SIGKILL');
  await first.done;
  const record = (await p.json()).shots[1]!.render;
  assert.equal(record, undefined, 'the first run died before the clip was recorded');
}

describe('kill -9 during a video job, then render again', () => {
  before(() => buildCli());

  describe('fal.ai', () => {
    let fal: FalFake;
    let p: TempProject;
    const KLING = 'fal-ai/kling-video/v2.1/standard/image-to-video';
    before(async () => {
      fal = await startFalFake({ apiKey: FAL_KEY, ownOriginMedia: true, stepMs: 20, steps: 3, queueMs: 20 });
      p = await createProject(project('fal-ai/flux/schnell', KLING));
    });
    after(async () => {
      await fal.close();
      await p.cleanup();
    });

    it('re-attaches to the queued clip: one submit, one charge, the clip recorded', async () => {
      const env = { DAILIES_FAL_URL: fal.origin, FAL_KEY, REPLICATE_API_TOKEN: '' };
      const videoJobs = () => [...fal.jobs.values()].filter((j) => j.endpointId === KLING);
      // The clip sits in the queue for seconds: long enough to kill the CLI while it waits.
      fal.configure(LONG);
      await killMidJob(p, env, () => videoJobs().some((j) => fal.phaseOf(j.id) === 'queued'));
      const second = cli(p.file, env);
      assert.equal(await second.done, 0, second.err());
      assert.equal(videoJobs().length, 1, 'the clip was submitted once');
      assert.equal(fal.billedJobs().filter((j) => j.endpointId === KLING).length, 1, 'and paid once');
      assert.match(second.err(), /\[RESUME\] clip v1: re-attaching to /);
      const out = (await p.json()).shots[1]!.render!.outputs[0] as { video?: string; proxy?: string };
      assert.ok(out.video && existsSync(path.join(p.dir, out.video)));
      assert.ok(out.proxy && existsSync(path.join(p.dir, out.proxy)));
    });
  });

  describe('Replicate', () => {
    let replicate: ReplicateFake;
    let p: TempProject;
    const KLING = 'kwaivgi/kling-v2.1';
    before(async () => {
      replicate = await startReplicateFake({
        apiKey: REPLICATE_TOKEN,
        maxPreferWaitMs: 10,
        stepMs: 20,
        steps: 3,
        queueMs: 20,
      });
      p = await createProject(project('black-forest-labs/flux-schnell', KLING));
    });
    after(async () => {
      await replicate.close();
      await p.cleanup();
    });

    it('re-attaches to the prediction: one create, one charge, the clip recorded', async () => {
      const env = {
        DAILIES_REPLICATE_URL: replicate.origin,
        REPLICATE_API_TOKEN: REPLICATE_TOKEN,
        FAL_KEY: '',
      };
      const videoJobs = () => [...replicate.jobs.values()].filter((j) => j.model === KLING);
      replicate.configure(LONG);
      await killMidJob(p, env, () => videoJobs().some((j) => replicate.statusOf(j.id) === 'starting'));
      const second = cli(p.file, env);
      assert.equal(await second.done, 0, second.err());
      assert.equal(videoJobs().length, 1, 'the clip was created once');
      assert.equal(replicate.billedJobs().filter((j) => j.model === KLING).length, 1);
      assert.match(second.err(), /\[RESUME\] clip v1: re-attaching to /);
      const out = (await p.json()).shots[1]!.render!.outputs[0] as { video?: string };
      assert.ok(out.video && existsSync(path.join(p.dir, out.video)));
    });
  });
});
