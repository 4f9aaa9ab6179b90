// The journal, deterministically: an earlier run's entry (a submit with its request id, or only an intent
// whose answer never came) and a job really waiting at the fake; the next render must re-attach to it and
// submit nothing. Also: a journal that cannot take the intent line means no submit at all.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { createFalClient } from '@fal-ai/client';
import Replicate from 'replicate';
import { buildInput } from '../../src/core/providers/inputs';
import { FAL_HOSTS, REPLICATE_HOSTS } from '../../src/core/providers/routes';
import type { PlannedJob } from '../../src/core/render/plan';
import type { RenderEvent } from '../../src/shared/events';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { cloudEngine, FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import { redirectingFetch } from '../helpers/gatewayFetch';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';
import { waitFor } from '../helpers/waitFor';

let fal: FalFake;
let replicate: ReplicateFake;
const temp: TempProject[] = [];
const FAST = { stepMs: 5, steps: 4, queueMs: 10 };
const FAL_MODEL = 'fal-ai/flux/schnell';
const REPLICATE_MODEL = 'black-forest-labs/flux-schnell';

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
  replicate.reset();
  while (temp.length) await temp.pop()!.cleanup();
});

/** A one-shot project and the job the engine plans for it (its key is what the journal names). */
async function oneShot(model: string): Promise<{ p: TempProject; job: PlannedJob }> {
  const p = await createProject(
    simpleProject(1, () => ({ model })),
    simpleFiles,
  );
  temp.push(p);
  const rig = cloudEngine(p.file, { fal, replicate });
  const { shots } = await rig.engine.plan();
  await rig.dispose();
  return { p, job: shots[0]!.jobs[0]! };
}

async function writeJournal(p: TempProject, entry: Record<string, unknown>): Promise<void> {
  await fs.mkdir(path.join(p.dir, '.dailies'), { recursive: true });
  await fs.writeFile(path.join(p.dir, '.dailies', 'journal.jsonl'), `${JSON.stringify(entry)}\n`);
}

function entryFor(job: PlannedJob, t: 'intent' | 'submit', provider: string, requestId?: string) {
  const base = { t, key: job.key, shotId: job.shotId, variation: job.variation, provider };
  return { ...base, model: job.request.model.id, at: Date.now(), ...(requestId ? { requestId } : {}) };
}

async function render(p: TempProject) {
  const rig = cloudEngine(p.file, { fal, replicate });
  try {
    const summary = await rig.engine.render();
    return { summary, events: rig.events };
  } finally {
    await rig.dispose();
  }
}

const logged = (events: RenderEvent[], pattern: RegExp) =>
  events.some((e) => e.type === 'log' && pattern.test(e.message));

describe('re-attach from the journal', () => {
  it('fal.ai: a submit entry → follows that request, submits nothing', async () => {
    const { p, job } = await oneShot(FAL_MODEL);
    const client = createFalClient({
      credentials: FAL_KEY,
      fetch: redirectingFetch({ base: fal.origin, hosts: FAL_HOSTS }),
    });
    const { request_id: id } = await client.queue.submit(FAL_MODEL, { input: { prompt: 'earlier run' } });
    await writeJournal(p, entryFor(job, 'submit', 'fal', id));
    fal.clearRecords();
    const { summary } = await render(p);
    assert.equal(summary.shots.rendered, 1, JSON.stringify(summary.errors));
    assert.equal(fal.count('submit'), 0, 'nothing submitted: the journaled request was followed');
    assert.ok(fal.requests.some((r) => r.route === 'result' && r.path.includes(id)));
  });

  it('Replicate: a submit entry → follows that prediction, creates nothing', async () => {
    const { p, job } = await oneShot(REPLICATE_MODEL);
    const client = new Replicate({
      auth: REPLICATE_TOKEN,
      baseUrl: `${replicate.origin}/v1`,
      fetch: redirectingFetch({ base: replicate.origin, hosts: REPLICATE_HOSTS }),
      useFileOutput: false,
    });
    const created = await client.predictions.create({ model: REPLICATE_MODEL, input: { prompt: 'x' } });
    await writeJournal(p, entryFor(job, 'submit', 'replicate', created.id));
    replicate.clearRecords();
    const { summary } = await render(p);
    assert.equal(summary.shots.rendered, 1, JSON.stringify(summary.errors));
    assert.equal(replicate.count('predictions.create'), 0);
    assert.ok(replicate.requests.some((r) => r.route === 'predictions.get' && r.path.endsWith(created.id)));
  });

  it('Replicate: an intent entry (the answer never came) → found in the predictions list, creates nothing', async () => {
    const { p, job } = await oneShot(REPLICATE_MODEL);
    const client = new Replicate({
      auth: REPLICATE_TOKEN,
      baseUrl: `${replicate.origin}/v1`,
      fetch: redirectingFetch({ base: replicate.origin, hosts: REPLICATE_HOSTS }),
      useFileOutput: false,
    });
    // Exactly what the engine sends for this job, as the crashed run would have.
    const input = buildInput(job.request, 'replicate');
    const created = await client.predictions.create({ model: REPLICATE_MODEL, input });
    await writeJournal(p, entryFor(job, 'intent', 'replicate'));
    replicate.clearRecords();
    const { summary } = await render(p);
    assert.equal(summary.shots.rendered, 1, JSON.stringify(summary.errors));
    assert.equal(replicate.count('predictions.create'), 0, 'found, not created again');
    assert.ok(replicate.count('predictions.list') >= 1);
    assert.ok(replicate.requests.some((r) => r.route === 'predictions.get' && r.path.endsWith(created.id)));
  });

  it('fal.ai: an intent entry → cannot be asked; submits once and says so', async () => {
    const { p, job } = await oneShot(FAL_MODEL);
    await writeJournal(p, entryFor(job, 'intent', 'fal'));
    const { summary, events } = await render(p);
    assert.equal(summary.shots.rendered, 1, JSON.stringify(summary.errors));
    assert.equal(fal.count('submit'), 1);
    assert.ok(logged(events, /a submit was in flight when Dailies stopped and fal cannot be asked/));
  });

  it('a journaled job that was canceled at the provider meanwhile is submitted afresh (not reported canceled)', async () => {
    const { p, job } = await oneShot(FAL_MODEL);
    fal.configure({ queueMs: 5000 });
    const client = createFalClient({
      credentials: FAL_KEY,
      fetch: redirectingFetch({ base: fal.origin, hosts: FAL_HOSTS }),
    });
    const { request_id: id } = await client.queue.submit(FAL_MODEL, { input: { prompt: 'earlier run' } });
    await client.queue.cancel(FAL_MODEL, { requestId: id });
    await waitFor(() => fal.phaseOf(id) === 'canceled', 'the cancel to take');
    fal.configure(FAST);
    await writeJournal(p, entryFor(job, 'submit', 'fal', id));
    const { summary, events } = await render(p);
    assert.equal(summary.shots.rendered, 1, JSON.stringify(summary.errors));
    assert.equal(fal.count('submit'), 2, 'the earlier submit and one new one');
    assert.ok(logged(events, /ended without an output \(canceled\); submitting again/));
  });
});

describe('no intent on disk, no submit', () => {
  it('a journal that cannot be written: the job fails with a disk error and nothing is sent', async () => {
    const { p } = await oneShot(FAL_MODEL);
    // A directory where the journal file should be: every append fails, as on a broken disk.
    const journal = path.join(p.dir, '.dailies', 'journal.jsonl');
    await fs.rm(journal, { force: true });
    await fs.mkdir(journal, { recursive: true });
    const { summary } = await render(p);
    assert.equal(fal.count('submit'), 0, 'nothing was submitted');
    assert.equal(summary.shots.failed, 1);
    assert.equal(summary.errors[0]?.code, 'disk');
    assert.match(summary.errors[0]!.message, /Not submitted: the job could not be recorded on disk first/);
  });
});
