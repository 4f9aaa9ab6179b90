// kill -9 of the CLI at random points of a 200-shot batch, 20 times, against the fakes. Every shot ends
// rendered, project.json is valid after every kill, and nothing is paid twice that the journal knew of.
// Replicate: exactly once, even for a submit that was in flight at the kill (the resumed run finds it in
// the account's prediction list). fal.ai has no way to ask whether a submit arrived, so a kill that lands
// inside a submit's round trip resubmits that one job — logged, and the only duplicates allowed.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { parseProjectText } from '../../src/core/project/load';
import type { RecordedRequest } from '../fakes/common';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { BUILT_CLI, buildCli } from '../helpers/builtCli';
import { FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import { createProject, type TempProject } from '../helpers/tempProject';

const CLI = BUILT_CLI;
const SHOTS = 200;
const KILLS = 20;

interface Run {
  child: ChildProcess;
  /** Attached at spawn: a run that finishes before the kill must not leave us waiting forever. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The CLI prints its summary (--json) only when the batch ends: empty means it had not finished. */
  stdout: () => string;
}

/**
 * Per shot id: how many resumed runs said they had to resubmit it because its submit was in flight at a
 * kill. Each such run may add one submit (fal cannot be asked); a kill can land in the resubmit too.
 */
const inDoubt = new Map<string, number>();

function start(file: string, env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, [CLI, 'render', file, '--json'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => {
    err += d;
  });
  child.on('close', () => {
    const ids = new Set(
      [...err.matchAll(/\[RESUME\] (\S+) v\d+: a submit was in flight/g)].map((m) => m[1]!),
    );
    for (const id of ids) inDoubt.set(id, (inDoubt.get(id) ?? 0) + 1);
  });
  return {
    child,
    exit: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal }))),
    stdout: () => out,
  };
}

async function checkValid(p: TempProject): Promise<void> {
  const text = await p.read();
  const r = parseProjectText(text, p.file);
  assert.ok(r.ok, `project.json invalid after a kill: ${r.ok ? '' : r.error.message}`);
}

/**
 * Runs the batch, killing it KILLS times at random points, then lets it finish. Each kill must land in
 * the middle of the batch: the child had submitted something in that run, died by SIGKILL, and had not
 * finished (no summary printed).
 */
async function killAndResume(
  p: TempProject,
  env: NodeJS.ProcessEnv,
  progress: () => number,
): Promise<{ exit: number | null }> {
  for (let attempt = 0; attempt < KILLS; attempt++) {
    const run = start(p.file, env);
    const before = progress();
    // Kill somewhere in the middle of real work: after this run's first submit, at a random moment.
    const deadline = Date.now() + 60_000;
    while (progress() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 900));
    const submitted = progress() - before;
    run.child.kill('SIGKILL');
    const { code, signal } = await run.exit;
    assert.equal(signal, 'SIGKILL', `kill ${attempt + 1}: the child died by SIGKILL (it exited ${code})`);
    assert.ok(submitted > 0, `kill ${attempt + 1}: the child had submitted work in this run`);
    assert.equal(run.stdout(), '', `kill ${attempt + 1}: the child had not finished its batch`);
    await checkValid(p);
  }
  return { exit: (await start(p.file, env).exit).code };
}

/** Submits per shot id, recovered from the prompt the fake received. */
function submitsPerShot(requests: RecordedRequest[], route: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) {
    if (r.route !== route || !r.json || typeof r.json !== 'object') continue;
    const body = r.json as { input?: { prompt?: string }; prompt?: string };
    const n = /kill test shot (\d+)$/.exec((body.input ?? body).prompt ?? '')?.[1];
    if (n === undefined) continue;
    const id = `k${n.padStart(3, '0')}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function project(model: string) {
  return {
    dailies: 1,
    shots: Array.from({ length: SHOTS }, (_, i) => ({
      id: `k${String(i).padStart(3, '0')}`,
      prompt: `kill test shot ${i}`,
      seed: 7000 + i,
      model,
    })),
  };
}

/** One summary line per provider in the test output, for the README's reliability figures. */
function report(provider: string, kills: number, counts: Map<string, number>, inFlight: number): void {
  const submits = [...counts.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(
    `# kill test (${provider}): ${kills} kills, ${counts.size} shots, ${submits} submits, ` +
      `${submits - counts.size} duplicates, ${inFlight} submits in flight at a kill\n`,
  );
}

describe('kill -9 and resume', () => {
  before(() => {
    buildCli();
  });

  describe('Replicate', () => {
    let fake: ReplicateFake;
    let p: TempProject;
    before(async () => {
      inDoubt.clear();
      fake = await startReplicateFake({
        apiKey: REPLICATE_TOKEN,
        stepMs: 150,
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

    it(`${SHOTS} shots, killed ${KILLS} times: every shot rendered, each submitted exactly once`, async () => {
      const env = {
        DAILIES_REPLICATE_URL: fake.origin,
        REPLICATE_API_TOKEN: REPLICATE_TOKEN,
        DAILIES_POLL_MS: '50',
        // Fewer jobs per run, so every one of the runs still has new shots to submit when it is killed.
        DAILIES_LIMIT_LIGHT: '4',
        FAL_KEY: '',
      };
      const { exit } = await killAndResume(p, env, () => fake.count('predictions.create'));
      assert.equal(exit, 0, 'the final run completes');
      await checkValid(p);
      const rendered = (await p.json()).shots.filter((s) => s.render?.status === 'done').length;
      assert.equal(rendered, SHOTS);
      const counts = submitsPerShot(fake.requests, 'predictions.create');
      const twice = [...counts].filter(([, n]) => n > 1);
      assert.equal(counts.size, SHOTS, 'every shot was submitted');
      assert.deepEqual(
        twice,
        [],
        `submitted more than once: ${twice.map(([k, n]) => `${k}×${n}`).join(', ')}`,
      );
      assert.ok(
        fake.count('predictions.list') > 0 || inDoubt.size === 0,
        'in-doubt submits were looked up, not resubmitted',
      );
      report('Replicate', KILLS, counts, inDoubt.size);
    });
  });

  describe('fal.ai', () => {
    let fake: FalFake;
    let p: TempProject;
    before(async () => {
      inDoubt.clear();
      // Media on the fake's own origin: the CLI child cannot be given a network where fal's CDN is the fake.
      fake = await startFalFake({
        apiKey: FAL_KEY,
        stepMs: 150,
        steps: 5,
        queueMs: 30,
        ownOriginMedia: true,
      });
      p = await createProject(project('fal-ai/flux/schnell'));
    });
    after(async () => {
      await fake.close();
      await p.cleanup();
    });

    it(`${SHOTS} shots, killed ${KILLS} times: every shot rendered; only in-flight submits are repeated`, async () => {
      const env = {
        DAILIES_FAL_URL: fake.origin,
        FAL_KEY,
        DAILIES_POLL_MS: '50',
        DAILIES_RATE_FAL: '200',
        DAILIES_LIMIT_LIGHT: '4',
        REPLICATE_API_TOKEN: '',
      };
      const { exit } = await killAndResume(p, env, () => fake.count('submit'));
      assert.equal(exit, 0);
      const rendered = (await p.json()).shots.filter((s) => s.render?.status === 'done').length;
      assert.equal(rendered, SHOTS);
      const counts = submitsPerShot(fake.requests, 'submit');
      assert.equal(counts.size, SHOTS);
      for (const [id, n] of counts) {
        const allowed = 1 + (inDoubt.get(id) ?? 0);
        assert.ok(
          n <= allowed,
          `${id} submitted ${n} times, but only ${allowed - 1} run(s) found its submit in flight at a kill`,
        );
      }
      report('fal', KILLS, counts, inDoubt.size);
    });
  });
});
