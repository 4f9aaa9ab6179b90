// Ctrl-C in the real CLI, then render again, counted in money at the fake: a job the provider already
// finished is collected by the interrupted run (it was paid for), and after a second Ctrl-C (quit now)
// the next run re-attaches to the jobs still running instead of submitting them again.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, afterEach, before, describe, it } from 'node:test';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { BUILT_CLI, buildCli } from '../helpers/builtCli';
import { FAL_KEY } from '../helpers/cloud';
import { createProject, type TempProject } from '../helpers/tempProject';
import { waitFor } from '../helpers/waitFor';

const SHOTS = 3;
const FAST = { stepMs: 2, steps: 3, queueMs: 5 };
let fake: FalFake;
const temp: TempProject[] = [];

interface Cli {
  child: ChildProcess;
  exit: Promise<number | null>;
  stderr: () => string;
}

function render(file: string, env: NodeJS.ProcessEnv = {}): Cli {
  const child = spawn(process.execPath, [BUILT_CLI, 'render', file], {
    env: {
      ...process.env,
      DAILIES_FAL_URL: fake.origin,
      FAL_KEY,
      REPLICATE_API_TOKEN: '',
      DAILIES_POLL_MS: '50',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  return { child, exit: new Promise((r) => child.on('exit', (code) => r(code))), stderr: () => err };
}

async function project(): Promise<TempProject> {
  const shots = Array.from({ length: SHOTS }, (_, i) => ({
    id: `c${i}`,
    prompt: `interrupted shot ${i}`,
    seed: 40 + i,
    model: 'fal-ai/flux/schnell',
  }));
  const p = await createProject({ dailies: 1, shots });
  temp.push(p);
  return p;
}

const allIn = (phase: string) => () =>
  fake.jobs.size === SHOTS && [...fake.jobs.keys()].every((id) => fake.phaseOf(id) === phase);

describe('Ctrl-C in the CLI, then render again', () => {
  before(async () => {
    buildCli();
    fake = await startFalFake({ ...FAST, apiKey: FAL_KEY, ownOriginMedia: true });
  });
  after(async () => {
    await fake.close();
  });
  afterEach(async () => {
    fake.reset();
    fake.configure({ ...FAST, cancelStopsRunner: true });
    while (temp.length) await temp.pop()!.cleanup();
  });

  it('jobs finished at the provider before Ctrl-C are collected, and the next render pays nothing', async () => {
    const p = await project();
    // Polls far apart: the provider finishes every job long before the CLI would look again.
    const first = render(p.file, { DAILIES_POLL_MS: '600000' });
    await waitFor(allIn('completed'), 'the provider to finish every job');
    first.child.kill('SIGINT');
    assert.equal(await first.exit, 130, first.stderr());
    const second = render(p.file);
    assert.equal(await second.exit, 0, second.stderr());
    assert.equal(fake.count('submit'), SHOTS, 'each shot paid for once');
    const done = (await p.json()).shots.filter((s) => s.render?.status === 'done').length;
    assert.equal(done, SHOTS);
  });

  it('Ctrl-C twice while jobs run (their app ignores the cancel): the next render re-attaches', async () => {
    fake.configure({ queueMs: 5, stepMs: 100, steps: 40, cancelStopsRunner: false });
    const p = await project();
    const first = render(p.file);
    await waitFor(allIn('running'), 'every job to run');
    first.child.kill('SIGINT');
    await waitFor(() => fake.count('cancel') >= 1 || first.child.exitCode !== null, 'the first cancel');
    first.child.kill('SIGINT');
    assert.equal(await first.exit, 130, first.stderr());
    const second = render(p.file);
    assert.equal(await second.exit, 0, second.stderr());
    assert.equal(fake.count('submit'), SHOTS, 'no job submitted twice');
    assert.equal(fake.billedJobs().length, SHOTS);
  });
});
