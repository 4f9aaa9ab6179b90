// The CLI asks before a cloud spend with the same estimate VS Code shows (issue 11 item 9): on a terminal
// it waits for a yes, --max-cost bounds a script, and a draft-only batch never asks.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { FAL_KEY } from '../helpers/cloud';
import { runCli } from '../helpers/runCli';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

let fal: FalFake;
const projects: TempProject[] = [];

before(async () => {
  fal = await startFalFake({ stepMs: 5, steps: 4, queueMs: 10, apiKey: FAL_KEY, ownOriginMedia: true });
});
after(() => fal.close());
afterEach(async () => {
  fal.reset();
  while (projects.length) await projects.pop()!.cleanup();
});

class Sink {
  text = '';
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function falProject(n = 2): Promise<TempProject> {
  const p = await createProject(
    simpleProject(n, () => ({ model: 'fal-ai/flux/schnell' })),
    simpleFiles,
  );
  projects.push(p);
  return p;
}

/** The CLI in-process with a terminal that answers `answer` (and records what it was asked). */
async function onTerminal(args: string[], answer: string) {
  const stdout = new Sink();
  const stderr = new Sink();
  const asked: string[] = [];
  const code = await main(args, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: { FAL_KEY, DAILIES_FAL_URL: fal.origin, DAILIES_POLL_MS: '20' },
    ask: async (q) => {
      asked.push(`${stderr.text}${q}`);
      // What was on the wire while the question was up: nothing may have been sent yet.
      asked.push(`requests so far: ${fal.requests.length}`);
      return answer;
    },
    onInterrupt: () => () => undefined,
  });
  return { code, stdout: stdout.text, stderr: stderr.text, asked };
}

describe('dailies render: spending confirmation', () => {
  it('on a terminal, "n" sends nothing; the question showed the estimate first', async () => {
    const p = await falProject(2);
    const run = await onTerminal(['render', p.file], 'n');
    assert.equal(run.code, 1);
    assert.equal(fal.requests.length, 0, fal.requests.map((r) => r.route).join(', '));
    assert.equal(run.asked.length, 2, 'asked exactly once');
    assert.match(run.asked[0]!, /Render 2 variations of 2 shots on fal\.ai, about \$0\.006\?/);
    assert.match(run.asked[0]!, /Uploads: 0 new references/);
    assert.match(run.asked[0]!, /fal-ai\/flux\/schnell: 2 × \$0\.003 = \$0\.006/);
    assert.equal(run.asked[1], 'requests so far: 0');
    assert.match(run.stderr, /not confirmed/);
  });

  it('on a terminal, "y" renders through the provider', async () => {
    const p = await falProject(2);
    const run = await onTerminal(['render', p.file, '--json'], 'y');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).shots.rendered, 2);
    assert.ok(fal.count('submit') >= 2);
  });

  it('--yes does not ask; a draft-only batch never asks', async () => {
    const p = await falProject(1);
    const yes = await onTerminal(['render', p.file, '--yes'], 'n');
    assert.equal(yes.code, 0, yes.stderr);
    assert.deepEqual(yes.asked, []);
    const draft = await createProject(simpleProject(1), simpleFiles);
    projects.push(draft);
    const offline = await onTerminal(['render', draft.file], 'n');
    assert.equal(offline.code, 0, offline.stderr);
    assert.deepEqual(offline.asked, []);
  });

  it('a script (no terminal) is told the estimate, and --max-cost refuses a batch over it', async () => {
    const p = await falProject(2);
    const env = { FAL_KEY, DAILIES_FAL_URL: fal.origin };
    const over = await runCli(['render', p.file, '--max-cost', '0.005'], env);
    assert.equal(over.code, 1, over.stderr);
    assert.match(over.stderr, /over --max-cost \$0\.005/);
    assert.equal(fal.requests.length, 0);
    const under = await runCli(['render', p.file, '--max-cost', '0.01', '--json'], env);
    assert.equal(under.code, 0, under.stderr);
    assert.match(under.stderr, /Render 2 variations of 2 shots on fal\.ai, about \$0\.006\?/);
    assert.equal(JSON.parse(under.stdout).shots.rendered, 2);
  });
});
