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
    // Media on the fake's own origin, so the CLI child (which gets no test network) can reach them too.
    fal = await startFalFake({ apiKey: FAL, stepMs: 2, steps: 2, queueMs: 2, ownOriginMedia: true });
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

    // In-process, twice: against the fakes (the same 401 and 422 again), then with fal unreachable.
    fal.inject(
      'submit',
      { kind: 'status', status: 401, body: { detail: 'No user found for Key ID and Secret' } },
      { times: 1 },
    );
    const surfaces: Surfaces = { events: [], logLines: [], storyboard: [], metrics: [], errors: [] };
    await inProcess(p.file, { fal, replicate }, {}, surfaces);
    await inProcess(
      p.file,
      { fal, replicate },
      { baseUrls: { fal: 'http://no-such-host.invalid' }, retry: { attempts: 1 } },
      surfaces,
    );
    const errors = surfaces.errors.join('\n');
    assert.match(errors, /fal\.ai rejected the API key \(HTTP 401\)/, 'the 401 fired and was scanned');
    assert.match(errors, /Replicate refused the input/, 'the 422 fired and was scanned');
    assert.match(errors, /no-such-host\.invalid/, 'the network failure was scanned');
    assert.ok(
      surfaces.logLines.some((l) => l.startsWith('[RENDER]')),
      'log lines were scanned',
    );
    assert.ok(surfaces.storyboard.length > surfaces.events.length / 4, 'storyboard messages were scanned');
    assert.ok(
      surfaces.metrics.some((m) => m.includes('"error"')),
      'metrics with errors were scanned',
    );
    assert.deepEqual(leaks(surfaces.events.join('\n')), [], 'engine events');
    assert.deepEqual(leaks(surfaces.logLines.join('\n')), [], 'output channel lines');
    assert.deepEqual(leaks(surfaces.storyboard.join('\n')), [], 'storyboard snapshots and progress');
    assert.deepEqual(leaks(surfaces.metrics.join('\n')), [], 'metrics view snapshots');
    assert.deepEqual(leaks(errors), [], 'error messages');

    const dailies = await fs.readdir(path.join(p.dir, '.dailies'), { recursive: true });
    for (const f of ['uploads.json', 'metrics.json', 'journal.jsonl'])
      assert.ok(dailies.includes(f), `.dailies/${f} exists and was scanned`);
    assert.ok(
      dailies.some((f) => String(f).startsWith('store')),
      'the content store was scanned',
    );
    assert.deepEqual(await scanTree(p.dir), [], 'project folder and .dailies/');
  });

  it('the scanner finds a key wherever it is put (so the test above can fail)', () => {
    assert.deepEqual(leaks(`Bearer ${REPLICATE}`), [REPLICATE, 'SECRET']);
    assert.deepEqual(leaks(JSON.stringify({ reason: `Key ${FAL}` })), [FAL, 'SECRET']);
  });
});

interface Surfaces {
  events: string[];
  /** The output channel's lines, formatted as src/extension/log.ts writes them. */
  logLines: string[];
  /**
   * What the storyboard host would post: its snapshot (StoryboardSnapshot minus webview URIs, which
   * cards.ts makes from paths in project.json) after every event, instead of ten coalesced batches a second.
   */
  storyboard: string[];
  /** MetricsViewSnapshot as metricsPanel.ts builds it. */
  metrics: string[];
  errors: string[];
}

async function inProcess(
  file: string,
  fakes: Parameters<typeof cloudEngine>[1],
  layer: Parameters<typeof cloudEngine>[2],
  out: Surfaces,
): Promise<void> {
  const rig = cloudEngine(file, fakes, layer, { fal: FAL, replicate: REPLICATE });
  const state = new ProductionState();
  const snapshot = () =>
    JSON.stringify({
      projectFile: file,
      title: state.title,
      aspectRatio: state.aspectRatio,
      scenes: state.scenes,
      shots: state.all().map(({ outputs: _urls, line: _line, ...card }) => card),
      batch: state.batch(),
      problem: state.problem,
    });
  rig.engine.onEvent((e) => {
    state.applyEvent(e);
    out.events.push(JSON.stringify(e));
    if (e.type === 'log') out.logLines.push(`[${e.tag}] ${e.message}`);
    if (e.type === 'job' || e.type === 'shot') out.storyboard.push(snapshot());
    if (e.type === 'job' && e.error) out.errors.push(e.error.message);
    if (e.type === 'shot' || e.type === 'batch-end')
      out.metrics.push(JSON.stringify({ projectFile: file, metrics: rig.engine.metrics.snapshot() }));
  });
  const { doc, shots } = await rig.engine.plan();
  state.applyPlan(doc, shots);
  out.storyboard.push(snapshot());
  const summary = await rig.engine.render({ force: true });
  out.errors.push(...summary.errors.map((e) => e.message));
  await rig.dispose();
}
