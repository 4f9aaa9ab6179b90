// Every fault the fakes can inject, with the real clients: the faulty shot gets the right outcome and a
// clear message, and the rest of the batch renders.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BatchSummary, RenderEvent } from '../../src/shared/events';
import type { MetricsSnapshot } from '../../src/shared/metrics';
import type { RecordedRequest } from '../fakes/common';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { cloudEngine, FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

let fal: FalFake;
let replicate: ReplicateFake;
const temp: TempProject[] = [];
const FAST = { stepMs: 2, steps: 3, queueMs: 5 };

before(async () => {
  fal = await startFalFake({ ...FAST, apiKey: FAL_KEY });
  replicate = await startReplicateFake({ ...FAST, apiKey: REPLICATE_TOKEN, maxPreferWaitMs: 20 });
});
after(async () => {
  await fal.close();
  await replicate.close();
});
afterEach(async () => {
  fal.reset();
  fal.configure({ ...FAST, apiKey: FAL_KEY, corruptOutputs: false });
  replicate.reset();
  replicate.configure({ ...FAST, apiKey: REPLICATE_TOKEN, corruptOutputs: false });
  while (temp.length) await temp.pop()!.cleanup();
});

/** Three shots; the one whose prompt contains TARGET is the one the fault aims at. */
async function run(model: string, timeouts: { requestMs?: number } = {}): Promise<BatchSummary> {
  const p = await createProject(
    simpleProject(3, (i) => ({ model, prompt: i === 1 ? 'TARGET shot' : `shot ${i}` })),
    simpleFiles,
  );
  temp.push(p);
  const rig = cloudEngine(
    p.file,
    { fal, replicate },
    { timeouts: { requestMs: timeouts.requestMs ?? 3000, generationMs: 60_000 } },
  );
  try {
    return await rig.engine.render();
  } finally {
    await rig.dispose();
  }
}

/** The same three shots, with the engine's events (logs included). */
async function runWithEvents(
  model: string,
): Promise<{ summary: BatchSummary; events: RenderEvent[]; metrics: MetricsSnapshot }> {
  const p = await createProject(
    simpleProject(3, (i) => ({ model, prompt: i === 1 ? 'TARGET shot' : `shot ${i}` })),
    simpleFiles,
  );
  temp.push(p);
  const rig = cloudEngine(p.file, { fal, replicate });
  try {
    const summary = await rig.engine.render();
    return { summary, events: rig.events, metrics: rig.engine.metrics.snapshot() };
  } finally {
    await rig.dispose();
  }
}

const targets = (r: RecordedRequest) => JSON.stringify(r.json ?? '').includes('TARGET');
const errorOf = (s: BatchSummary) => s.errors.find((e) => e.shotId === 'shot-002');

function assertOthersRendered(s: BatchSummary, expectTarget: 'rendered' | 'failed') {
  assert.equal(s.shots.rendered, expectTarget === 'rendered' ? 3 : 2, JSON.stringify(s.errors));
  assert.equal(s.shots.failed, expectTarget === 'failed' ? 1 : 0, JSON.stringify(s.errors));
}

describe('faults at fal.ai', () => {
  const model = 'fal-ai/flux/schnell';

  it('401 on submit: that shot fails with a key message, no retry', async () => {
    fal.inject(
      'submit',
      { kind: 'status', status: 401, body: { detail: 'No user found for Key ID and Secret' } },
      { match: targets },
    );
    const s = await run(model);
    assertOthersRendered(s, 'failed');
    assert.match(errorOf(s)!.message, /fal\.ai rejected the API key \(HTTP 401\): No user found/);
    assert.equal(fal.requests.filter((r) => r.route === 'submit' && targets(r)).length, 1);
  });

  it('422 from the model: that shot fails naming the field', async () => {
    fal.failJobs({
      status: 422,
      body: { detail: [{ loc: ['body', 'prompt'], msg: 'prompt is too long', type: 'value_error' }] },
      match: (j) => JSON.stringify(j.input).includes('TARGET'),
    });
    const s = await run(model);
    assertOthersRendered(s, 'failed');
    assert.equal(errorOf(s)!.message, 'fal.ai refused the input: prompt: prompt is too long');
  });

  it('500/502/503 bursts are retried and the shot renders', async () => {
    fal.inject(
      'submit',
      {
        kind: 'status',
        status: 503,
        body: { detail: 'no runners', error_type: 'runner_scheduling_failure' },
      },
      { match: targets, times: 2 },
    );
    fal.inject('status', { kind: 'status', status: 502, body: 'bad gateway' }, { times: 2 });
    fal.inject('result', { kind: 'status', status: 500, body: { detail: 'boom' } }, { times: 1 });
    const s = await run(model);
    assertOthersRendered(s, 'rendered');
    assert.equal(
      fal.requests.filter((r) => r.route === 'submit' && targets(r)).length,
      3,
      'two failures, one success: the SDK did not add retries of its own',
    );
  });

  it('a dropped connection is retried', async () => {
    fal.inject('submit', { kind: 'drop' }, { match: targets, times: 1 });
    const s = await run(model);
    assertOthersRendered(s, 'rendered');
    assert.equal(fal.firedCount('submit', 'drop'), 1, 'the fault fired');
    assert.equal(fal.requests.filter((r) => r.route === 'submit' && targets(r)).length, 2);
    assert.equal([...fal.jobs.values()].filter((j) => JSON.stringify(j.input).includes('TARGET')).length, 1);
  });

  it('a submit whose answer was lost after fal accepted it: resubmitted once, with a warning (fal cannot be asked)', async () => {
    fal.inject('submit', { kind: 'drop-after' }, { match: targets, times: 1 });
    const { summary: s, events } = await runWithEvents(model);
    assertOthersRendered(s, 'rendered');
    assert.equal(fal.firedCount('submit', 'drop-after'), 1, 'the fault fired');
    const jobs = [...fal.jobs.values()].filter((j) => JSON.stringify(j.input).includes('TARGET'));
    assert.equal(jobs.length, 2, 'the documented window: one duplicate at most');
    assert.ok(
      events.some(
        (e) =>
          e.type === 'log' && e.level === 'warn' && /shot-002 v1: .*may have been received/.test(e.message),
      ),
      'the possible duplicate is logged',
    );
  });

  it('an outage while following a submitted job re-attaches to it instead of paying for a second submit', async () => {
    // Three jobs poll side by side: 40 failures give each more than the 9 in a row that exhaust one poll's
    // budget, so each job's retry must re-attach.
    fal.inject(
      'status',
      { kind: 'status', status: 503, body: { detail: 'unavailable' }, headers: { 'retry-after': '0' } },
      { times: 40, match: (r) => r.method === 'GET' },
    );
    const s = await run(model);
    assertOthersRendered(s, 'rendered');
    assert.equal(fal.count('submit'), 3, 'one submit per shot, none repeated');
  });

  it('a hung status poll times out per request and the job carries on', async () => {
    fal.inject('status', { kind: 'hang' }, { times: 1 });
    const s = await run(model, { requestMs: 400 });
    assertOthersRendered(s, 'rendered');
    assert.equal(fal.firedCount('status', 'hang'), 1, 'the fault fired');
    assert.equal(fal.count('submit'), 3, 'the hung poll cost no second submit');
  });

  it('429 with Retry-After is honoured', async () => {
    fal.inject(
      'submit',
      { kind: 'status', status: 429, body: { detail: 'Too many requests' }, headers: { 'retry-after': '1' } },
      { match: targets, times: 1 },
    );
    const s = await run(model);
    assertOthersRendered(s, 'rendered');
    const submits = fal.requests.filter((r) => r.route === 'submit' && targets(r));
    assert.equal(submits.length, 2);
    assert.ok(submits[1]!.at - submits[0]!.at >= 950, `retried after ${submits[1]!.at - submits[0]!.at} ms`);
  });

  it('corrupt output bytes fail the shot as "not an image"; nothing is recorded for it', async () => {
    fal.configure({ corruptOutputs: true });
    const s = await run(model);
    assert.equal(s.shots.failed, 3);
    assert.match(s.errors[0]!.message, /not an image/);
  });

  it('an output URL that expired before download fails clearly', async () => {
    fal.inject(
      'cdn',
      { kind: 'status', status: 404, body: { detail: 'Not Found' } },
      { match: (r) => r.path.includes('/files/') },
    );
    const s = await run(model);
    assert.equal(s.shots.failed, 3);
    assert.match(
      s.errors[0]!.message,
      /Download of https:\/\/v3\.fal\.media\/.* failed: HTTP 404 \(expired or deleted\)/,
    );
  });
});

describe('faults at Replicate', () => {
  const model = 'black-forest-labs/flux-schnell';

  it('401 on create: that shot fails with a key message', async () => {
    replicate.inject(
      'predictions.create',
      {
        kind: 'status',
        status: 401,
        body: {
          title: 'Unauthenticated',
          detail: 'You did not pass a valid authentication token',
          status: 401,
        },
      },
      { match: targets },
    );
    const s = await run(model);
    assertOthersRendered(s, 'failed');
    assert.match(
      errorOf(s)!.message,
      /Replicate rejected the API key \(HTTP 401\): You did not pass a valid authentication token/,
    );
  });

  it('422 on create names the invalid field', async () => {
    const body = {
      title: 'Input validation failed',
      detail: '- input.prompt: too long',
      status: 422,
      invalid_fields: [{ type: 'too_long', field: 'input.prompt', description: 'prompt too long' }],
    };
    replicate.inject('predictions.create', { kind: 'status', status: 422, body }, { match: targets });
    const s = await run(model);
    assertOthersRendered(s, 'failed');
    assert.equal(errorOf(s)!.message, 'Replicate refused the input: input.prompt: prompt too long');
  });

  it('a failed prediction is reported with the model’s error', async () => {
    replicate.failPredictions({
      error: 'CUDA out of memory',
      match: (j) => JSON.stringify(j).includes('TARGET'),
    });
    const s = await run(model);
    assertOthersRendered(s, 'failed');
    assert.equal(errorOf(s)!.message, 'Replicate prediction failed: CUDA out of memory');
  });

  it('5xx on polls and 429 on create are retried by us, not hammered by the SDK', async () => {
    replicate.inject(
      'predictions.get',
      { kind: 'status', status: 503, body: { detail: 'unavailable' } },
      { times: 3 },
    );
    replicate.inject(
      'predictions.create',
      {
        kind: 'status',
        status: 429,
        body: { detail: 'Request was throttled.' },
        headers: { 'retry-after': '1' },
      },
      { match: targets, times: 1 },
    );
    const s = await run(model);
    assertOthersRendered(s, 'rendered');
    const creates = replicate.requests.filter((r) => r.route === 'predictions.create' && targets(r));
    assert.equal(
      creates.length,
      2,
      'one 429, then one success: the SDK’s six back-to-back retries never reached the network',
    );
    assert.ok(creates[1]!.at - creates[0]!.at >= 950);
  });

  it('a dropped connection and a hang are survived', async () => {
    replicate.inject('predictions.create', { kind: 'drop' }, { match: targets, times: 1 });
    replicate.inject('predictions.get', { kind: 'hang' }, { times: 1 });
    const s = await run(model, { requestMs: 400 });
    assertOthersRendered(s, 'rendered');
    assert.equal(replicate.firedCount('predictions.create', 'drop'), 1, 'the drop fired');
    assert.equal(replicate.firedCount('predictions.get', 'hang'), 1, 'the hang fired');
    assert.equal(replicate.jobs.size, 3, 'one prediction per shot');
  });

  it('a create whose answer was lost after Replicate accepted it is found, not created again', async () => {
    replicate.inject('predictions.create', { kind: 'drop-after' }, { match: targets, times: 1 });
    const s = await run(model);
    assertOthersRendered(s, 'rendered');
    assert.equal(replicate.firedCount('predictions.create', 'drop-after'), 1, 'the fault fired');
    const predictions = [...replicate.jobs.values()].filter((j) =>
      JSON.stringify(j.input).includes('TARGET'),
    );
    assert.equal(predictions.length, 1, 'exactly one prediction for the shot whose answer was lost');
    assert.ok(replicate.count('predictions.list') >= 1, 'it was looked up in the predictions list');
  });

  it('corrupt delivery bytes fail clearly', async () => {
    replicate.configure({ corruptOutputs: true });
    const s = await run(model);
    assert.equal(s.shots.failed, 3);
    assert.match(s.errors[0]!.message, /not an image/);
  });
});

// The provider finished (and charged) before the download or the decode failed: that is spend, and an error.
describe('metrics of renders that fail after the provider finished', () => {
  const PRICE = 0.003;
  const renderSeries = (m: MetricsSnapshot, model: string) =>
    m.series.find((x) => x.feature === 'render' && x.model === model);

  it('corrupt output (fal.ai): three errors, three charges', async () => {
    fal.configure({ corruptOutputs: true });
    const { summary, metrics } = await runWithEvents('fal-ai/flux/schnell');
    assert.equal(summary.shots.failed, 3);
    const series = renderSeries(metrics, 'fal-ai/flux/schnell');
    assert.equal(series?.error, 3, 'every failure is counted');
    assert.equal(series?.success, 0);
    assert.ok(Math.abs((series?.costUsd ?? 0) - 3 * PRICE) < 1e-9, `spend ${series?.costUsd}`);
    assert.ok(Math.abs(summary.costUsd - 3 * PRICE) < 1e-9, `batch cost ${summary.costUsd}`);
    assert.equal(fal.billedJobs().length, 3, 'the provider did charge for three');
  });

  it('output gone before the download (Replicate): errors and spend match the provider', async () => {
    replicate.inject('delivery', { kind: 'status', status: 404, body: 'gone' });
    const { summary, metrics } = await runWithEvents('black-forest-labs/flux-schnell');
    assert.equal(summary.shots.failed, 3);
    assert.ok(replicate.firedCount('delivery', 'status') >= 3, 'the fault fired');
    const series = renderSeries(metrics, 'black-forest-labs/flux-schnell');
    assert.equal(series?.error, 3);
    assert.ok(Math.abs((series?.costUsd ?? 0) - replicate.billedJobs().length * PRICE) < 1e-9);
    assert.equal(replicate.billedJobs().length, 3);
  });
});

describe('a download that failed after the provider finished', () => {
  it('the next render re-attaches and downloads it: no second job, spend counted once', async () => {
    const model = 'black-forest-labs/flux-schnell';
    const p = await createProject(
      simpleProject(3, () => ({ model })),
      simpleFiles,
    );
    temp.push(p);
    replicate.inject('delivery', { kind: 'status', status: 503, body: 'busy' });
    const first = cloudEngine(p.file, { replicate });
    const s1 = await first.engine.render();
    await first.dispose();
    assert.equal(s1.shots.failed, 3);
    replicate.clearFaults();
    const second = cloudEngine(p.file, { replicate });
    const s2 = await second.engine.render();
    const metrics = second.engine.metrics.snapshot();
    await second.dispose();
    assert.equal(s2.shots.rendered, 3, JSON.stringify(s2.errors));
    assert.equal(replicate.count('predictions.create'), 3, 'the finished jobs were collected, not redone');
    const series = metrics.series.find((x) => x.feature === 'render' && x.model === model);
    assert.deepEqual([series?.error, series?.success], [3, 3]);
    assert.ok(Math.abs((series?.costUsd ?? 0) - 3 * 0.003) < 1e-9, `spend ${series?.costUsd}: counted once`);
  });
});

describe('429 storm', () => {
  it('finishes every shot without exceeding the provider’s rate once it has pushed back', async () => {
    // The account's real limit (3/s) is far below our setting (20/s): the adaptive rate must find it.
    replicate.configure({ ...FAST, apiKey: REPLICATE_TOKEN, rateLimit: { maxPerSecond: 3, retryAfterS: 1 } });
    const p = await createProject(
      simpleProject(10, () => ({ model: 'black-forest-labs/flux-schnell' })),
      simpleFiles,
    );
    temp.push(p);
    const rig = cloudEngine(
      p.file,
      { replicate },
      { ratePerSecond: { replicate: 20 }, retry: { attempts: 8, baseMs: 200, maxMs: 5000 }, pollMs: 50 },
    );
    const s = await rig.engine.render();
    await rig.dispose();
    assert.equal(s.shots.rendered, 10, JSON.stringify(s.errors));
    const api = replicate.requests.filter((r) => r.route.startsWith('predictions.'));
    // Requests per sliding two seconds in the second half of the run: about the account's limit (3/s, plus
    // the one-a-second probe back up), far from the 20/s it was set to. Two seconds, not one: arrival
    // times at the fake bunch up whenever a loaded machine stalls the event loop for a moment.
    const times = api.map((r) => r.at).sort((a, b) => a - b);
    const half = times[Math.floor(times.length / 2)]!;
    let worst = 0;
    for (const t of times.filter((x) => x >= half))
      worst = Math.max(worst, times.filter((x) => x > t - 2000 && x <= t).length);
    assert.ok(worst <= 9, `${worst} requests in two seconds after adapting (limit 3/s)`);
    assert.ok(api.length < 200, `${api.length} API requests for 10 shots: no hammering`);
  });
});

describe('DNS failure', () => {
  it('an unresolvable provider host fails each shot with a clear network message after bounded retries', async () => {
    const p = await createProject(
      simpleProject(2, () => ({ model: 'fal-ai/flux/schnell' })),
      simpleFiles,
    );
    temp.push(p);
    const rig = cloudEngine(
      p.file,
      {},
      { baseUrls: { fal: 'http://no-such-host.invalid' }, retry: { attempts: 2, baseMs: 10, maxMs: 20 } },
    );
    const s = await rig.engine.render();
    await rig.dispose();
    assert.equal(s.shots.failed, 2);
    assert.match(
      s.errors[0]!.message,
      /Network error talking to queue\.fal\.run via http:\/\/no-such-host\.invalid \(cannot resolve no-such-host\.invalid\)/,
    );
  });
});
