// After runs with keys set — successes, a rejected key, a validation error, a network failure — no key
// appears in project.json, .dailies/, the CLI's output (verbose log included), the event stream, or the
// production state the webviews are fed from.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ProductionState } from '../../src/core/state/productionState';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { cloudEngine } from '../helpers/cloud';
import { runCli } from '../helpers/runCli';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

const FAL = 'fal-SECRET-1234:abcdSECRETkeyfal';
const REPLICATE = 'r8_SECRETreplicateTOKEN9876';

function leaks(text: string): string[] {
  return [FAL, REPLICATE, 'SECRET'].filter((k) => text.includes(k));
}

async function scanTree(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const rel of await fs.readdir(dir, { recursive: true })) {
    const abs = path.join(dir, String(rel));
    if (!(await fs.stat(abs)).isFile()) continue;
    if (leaks((await fs.readFile(abs)).toString('latin1')).length) found.push(String(rel));
  }
  return found;
}

describe('secrets', () => {
  let fal: FalFake;
  let replicate: ReplicateFake;
  let p: TempProject;
  before(async () => {
    fal = await startFalFake({ apiKey: FAL, stepMs: 2, steps: 2, queueMs: 2 });
    replicate = await startReplicateFake({
      apiKey: REPLICATE,
      stepMs: 2,
      steps: 2,
      queueMs: 2,
      maxPreferWaitMs: 10,
    });
    const models = [
      'fal-ai/flux-pro/kontext/multi',
      'black-forest-labs/flux-kontext-pro',
      'fal-ai/flux/dev',
      'black-forest-labs/flux-schnell',
    ];
    p = await createProject(
      simpleProject(8, (i) => ({ model: models[i % 4], prompt: i === 5 ? 'REJECT me' : `shot ${i}` })),
      simpleFiles,
    );
  });
  after(async () => {
    await fal.close();
    await replicate.close();
    await p.cleanup();
  });

  it('no key in files, CLI output, events or webview data — also when requests fail', async () => {
    // Failures carry provider bodies and URLs into messages: exactly where a key could slip through.
    fal.inject(
      'submit',
      { kind: 'status', status: 401, body: { detail: 'No user found for Key ID and Secret' } },
      { times: 1 },
    );
    replicate.inject(
      'predictions.create',
      { kind: 'status', status: 422, body: { detail: '- input.prompt: rejected', status: 422 } },
      { match: (r) => JSON.stringify(r.json ?? '').includes('REJECT') },
    );

    const run = await runCli(['render', p.file, '--verbose', '--json'], {
      FAL_KEY: FAL,
      REPLICATE_API_TOKEN: REPLICATE,
      DAILIES_FAL_URL: fal.origin,
      DAILIES_REPLICATE_URL: replicate.origin,
      DAILIES_POLL_MS: '10',
    });
    const cli = { code: run.code, out: run.stdout + run.stderr };
    assert.equal(cli.code, 1, 'some shots failed, as arranged');
    assert.match(cli.out, /\[RENDER\]|\[UPLOAD\]|\[PREWARM\]/, 'the verbose log was produced');
    assert.deepEqual(leaks(cli.out), [], 'CLI output');

    // In-process: the event stream and the state webviews are built from, with a network failure too.
    const rig = cloudEngine(
      p.file,
      { fal, replicate },
      { baseUrls: { fal: 'http://no-such-host.invalid' }, retry: { attempts: 1 } },
      { fal: FAL, replicate: REPLICATE },
    );
    const state = new ProductionState();
    rig.engine.onEvent((e) => state.applyEvent(e));
    const { doc, shots } = await rig.engine.plan();
    state.applyPlan(doc, shots);
    await rig.engine.render({ force: true });
    await rig.dispose();
    assert.deepEqual(leaks(JSON.stringify(rig.events)), [], 'event stream');
    assert.deepEqual(
      leaks(JSON.stringify({ shots: state.all(), batch: state.batch(), problem: state.problem })),
      [],
      'webview data',
    );
    assert.ok(
      state.all().some((s) => s.status === 'failed' && s.reason),
      'failures (with reasons) were part of what was scanned',
    );

    assert.deepEqual(await scanTree(p.dir), [], 'project folder and .dailies/');
  });
});
