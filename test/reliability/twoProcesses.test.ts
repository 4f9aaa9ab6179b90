// Two Dailies processes on one project (two windows, the CLI beside the editor, two artists on a share):
// real separate OS processes, started together or a second apart, against one fake. Each job is claimed
// across processes before it is submitted, so every shot is paid for once and both runs end with it.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { BatchSummary } from '../../src/shared/events';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { BUILT_CLI, buildCli } from '../helpers/builtCli';
import { FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import { createProject, type TempProject } from '../helpers/tempProject';

const SHOTS = 20;

interface Finished {
  code: number | null;
  summary?: BatchSummary;
  stderr: string;
}

function render(file: string, env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [BUILT_CLI, 'render', file, '--json'], {
    env: { ...process.env, FAL_KEY: '', REPLICATE_API_TOKEN: '', DAILIES_POLL_MS: '50', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  const done = new Promise<Finished>((resolve) =>
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      let summary: BatchSummary | undefined;
      try {
        summary = JSON.parse(line) as BatchSummary;
      } catch {
        summary = undefined;
      }
      resolve({ code, summary, stderr: err });
    }),
  );
  return { child, done };
}

function project(model: string) {
  return {
    dailies: 1,
    shots: Array.from({ length: SHOTS }, (_, i) => ({
      id: `p${String(i).padStart(2, '0')}`,
      prompt: `two processes shot ${i}`,
      seed: 500 + i,
      model,
    })),
  };
}

async function assertAllDone(p: TempProject, runs: Finished[]): Promise<void> {
  for (const r of runs) {
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.equal(r.summary?.shots.failed, 0, JSON.stringify(r.summary?.errors));
  }
  const done = (await p.json()).shots.filter((s) => s.render?.status === 'done').length;
  assert.equal(done, SHOTS);
}

describe('two Dailies processes render the same shots', () => {
  before(() => {
    buildCli();
  });

  describe('fal.ai, started together', () => {
    let fake: FalFake;
    let p: TempProject;
    before(async () => {
      fake = await startFalFake({ apiKey: FAL_KEY, stepMs: 50, steps: 5, queueMs: 30, ownOriginMedia: true });
      p = await createProject(project('fal-ai/flux/schnell'));
    });
    after(async () => {
      await fake.close();
      await p.cleanup();
    });

    it(`${SHOTS} shots, two processes: ${SHOTS} submits, both finish with every shot`, async () => {
      const env = { DAILIES_FAL_URL: fake.origin, FAL_KEY };
      const a = render(p.file, env);
      const b = render(p.file, env);
      const runs = await Promise.all([a.done, b.done]);
      await assertAllDone(p, runs);
      assert.equal(fake.count('submit'), SHOTS, 'each shot submitted once across both processes');
      assert.equal(fake.billedJobs().length, SHOTS);
    });
  });

  describe('Replicate, started a second apart', () => {
    let fake: ReplicateFake;
    let p: TempProject;
    before(async () => {
      fake = await startReplicateFake({
        apiKey: REPLICATE_TOKEN,
        stepMs: 200,
        steps: 5,
        queueMs: 30,
        maxPreferWaitMs: 10,
      });
      p = await createProject(project('black-forest-labs/flux-schnell'));
    });
    after(async () => {
      await fake.close();
      await p.cleanup();
    });

    it(`${SHOTS} shots, the second process a second later: ${SHOTS} creates`, async () => {
      const env = { DAILIES_REPLICATE_URL: fake.origin, REPLICATE_API_TOKEN: REPLICATE_TOKEN };
      const a = render(p.file, env);
      // "A second apart" measured from the first process's first create, not from a guessed start-up time.
      const deadline = Date.now() + 60_000;
      while (fake.count('predictions.create') === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 1000));
      const b = render(p.file, env);
      const runs = await Promise.all([a.done, b.done]);
      await assertAllDone(p, runs);
      assert.equal(fake.count('predictions.create'), SHOTS, 'each shot created once across both processes');
    });
  });
});
