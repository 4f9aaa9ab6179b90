import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { type ConfigLayer, resolveConfig } from '../../src/core/config';
import { parseProjectText } from '../../src/core/project/load';
import { RenderEngine } from '../../src/core/render/engine';
import { DailiesError } from '../../src/core/util/errors';
import type { RenderEvent } from '../../src/shared/events';
import { FakeProvider, type FakeProviderOptions } from '../helpers/fakeProvider';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(project: object, provider: FakeProviderOptions = {}, config: ConfigLayer = {}) {
  const p = await createProject(project, simpleFiles);
  const fake = new FakeProvider(provider);
  const engine = new RenderEngine({
    projectFile: p.file,
    config: resolveConfig({ retry: { attempts: 4, baseMs: 5, maxMs: 1000 } }, config),
    providers: { draft: fake },
    flushDelayMs: 20,
  });
  const events: RenderEvent[] = [];
  engine.onEvent((e) => events.push(e));
  cleanups.push(async () => {
    await engine.dispose();
    await p.cleanup();
  });
  return { p, fake, engine, events };
}

function recorded(text: string) {
  const r = parseProjectText(text, 'project.json');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.project;
}

describe('RenderEngine scheduling', () => {
  it('never exceeds a model class limit, and uses the capacity it has', async () => {
    const project = {
      ...simpleProject(30, (i) => ({
        model: ['test/light', 'test/heavy', 'test/video'][i % 3],
        variations: 2,
      })),
      models: {
        'test/light': { provider: 'draft', endpoint: 'l', class: 'light' },
        'test/heavy': { provider: 'draft', endpoint: 'h', class: 'heavy' },
        'test/video': { provider: 'draft', endpoint: 'v', class: 'video' },
      },
    };
    const { fake, engine } = await setup(
      project,
      { latencyMs: 25 },
      { limits: { light: 3, heavy: 2, video: 1 } },
    );
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 30);
    assert.equal(fake.calls.length, 60);
    assert.equal(fake.peakByClass.get('light'), 3);
    assert.equal(fake.peakByClass.get('heavy'), 2);
    assert.equal(fake.peakByClass.get('video'), 1);
  });

  it('renders a shot’s variations one after another when parallel variations are off', async () => {
    const { fake, engine } = await setup(
      simpleProject(1, () => ({ variations: 4 })),
      { latencyMs: 10 },
      { parallelVariations: false },
    );
    await engine.render();
    assert.equal(fake.peak, 1);
    assert.deepEqual(
      fake.calls.map((c) => c.variation),
      [1, 2, 3, 4],
    );
  });
});

describe('RenderEngine cancel', () => {
  it('cancel all stops queued and running work, records what finished, and tells the provider', async () => {
    const { p, fake, engine, events } = await setup(
      simpleProject(12),
      { latencyMs: 150 },
      { limits: { light: 2 } },
    );
    let canceledOnce = false;
    engine.onEvent((e) => {
      if (e.type === 'job' && e.state === 'done' && !canceledOnce) {
        canceledOnce = true;
        setTimeout(() => engine.cancelAll(), 20);
      }
    });
    const summary = await engine.render();
    assert.ok(
      summary.shots.rendered >= 1 && summary.shots.rendered <= 4,
      `rendered ${summary.shots.rendered}`,
    );
    assert.equal(summary.shots.rendered + summary.shots.canceled, 12);
    assert.ok(fake.calls.length < 12, 'queued shots never reached the provider');
    assert.ok(fake.canceledIds.length >= 1, 'in-flight requests were canceled at the provider');
    const project = recorded(await p.read());
    const withRecord = project.shots.filter((s) => s.render).length;
    assert.equal(withRecord, summary.shots.rendered);
    assert.ok(events.some((e) => e.type === 'job' && e.state === 'canceled'));
    assert.equal(events.at(-1)?.type, 'batch-end');
  });

  it('canceling one shot leaves the rest of the batch running', async () => {
    const { engine, events } = await setup(
      simpleProject(4, (i) => (i === 0 ? { variations: 3 } : {})),
      { latencyMs: 80 },
      { limits: { light: 8 } },
    );
    engine.onEvent((e) => {
      if (e.type === 'job' && e.shotId === 'shot-001' && e.state === 'running' && e.step === 1)
        engine.cancelShot('shot-001');
    });
    const summary = await engine.render();
    assert.equal(summary.shots.canceled, 1);
    assert.equal(summary.shots.rendered, 3);
    const outcomes = new Map(
      events.flatMap((e) => (e.type === 'shot' ? [[e.shotId, e.outcome] as const] : [])),
    );
    assert.equal(outcomes.get('shot-001'), 'canceled');
    assert.equal(outcomes.get('shot-002'), 'rendered');
  });

  it('an already aborted signal renders nothing', async () => {
    const { fake, engine } = await setup(simpleProject(3));
    const c = new AbortController();
    c.abort();
    const summary = await engine.render({ signal: c.signal });
    assert.equal(fake.calls.length, 0);
    assert.equal(summary.shots.canceled, 3);
  });
});

describe('RenderEngine retries and errors', () => {
  it('retries retryable errors with backoff, honours Retry-After, and succeeds', async () => {
    const fail = (_req: unknown, attempt: number) =>
      attempt === 1
        ? new DailiesError('rate-limit', 'HTTP 429', { retryable: true, retryAfterMs: 200 })
        : attempt === 2
          ? new DailiesError('server', 'HTTP 503', { retryable: true })
          : undefined;
    const { fake, engine, events } = await setup(simpleProject(1), { latencyMs: 1, fail });
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 1);
    assert.equal(fake.attempts.get('shot-001#1'), 3);
    const retries = events.filter((e) => e.type === 'job' && e.state === 'retrying');
    assert.equal(retries.length, 2);
    const [first, second] = fake.calls;
    assert.ok(
      second!.at - first!.at >= 195,
      `waited ${second!.at - first!.at} ms after a Retry-After of 200 ms`,
    );
  });

  it('gives up after the retry limit and reports one clear error for the shot', async () => {
    const fail = () => new DailiesError('server', 'fal.ai server error (HTTP 503)', { retryable: true });
    const { fake, engine } = await setup(
      simpleProject(2),
      { latencyMs: 1, fail: (req, a) => (req.shotId === 'shot-001' ? fail() : a > 99 ? fail() : undefined) },
      { retry: { attempts: 3 } },
    );
    const summary = await engine.render();
    assert.equal(fake.attempts.get('shot-001#1'), 3);
    assert.equal(summary.shots.failed, 1);
    assert.equal(summary.shots.rendered, 1, 'the other shot rendered');
    assert.deepEqual(summary.errors, [
      { shotId: 'shot-001', variation: 1, code: 'server', message: 'fal.ai server error (HTTP 503)' },
    ]);
  });

  it('does not retry non-retryable errors (bad key, invalid input)', async () => {
    const { fake, engine } = await setup(simpleProject(1), {
      fail: () => new DailiesError('validation', 'refused the input: prompt: too long'),
    });
    const summary = await engine.render();
    assert.equal(fake.attempts.get('shot-001#1'), 1);
    assert.equal(summary.errors[0]?.message, 'refused the input: prompt: too long');
  });

  it('fails only the shots with a missing ref, an unknown model or cast member; the batch goes on', async () => {
    const project = simpleProject(5, (i) =>
      i === 1
        ? { refs: ['props/missing.png'] }
        : i === 2
          ? { model: 'acme/nope' }
          : i === 3
            ? { cast: ['ann', 'ghost'] }
            : {},
    );
    const { engine, events } = await setup(project);
    const summary = await engine.render();
    assert.equal(summary.shots.rendered, 2);
    assert.equal(summary.shots.failed, 3);
    const byShot = new Map(summary.errors.map((e) => [e.shotId, e.message]));
    assert.match(byShot.get('shot-002')!, /"props\/missing.png" does not exist/);
    assert.match(byShot.get('shot-003')!, /unknown model "acme\/nope"/);
    assert.match(byShot.get('shot-004')!, /unknown cast member "ghost"/);
    assert.ok(events.some((e) => e.type === 'log' && e.tag === 'ERROR'));
  });
});

describe('RenderEngine results', () => {
  it('records outputs and thumbnails in project.json; a second run renders nothing', async () => {
    const { p, fake, engine } = await setup(simpleProject(3, (i) => (i === 0 ? { variations: 2 } : {})));
    const first = await engine.render();
    assert.equal(first.variations.rendered, 4);
    const project = recorded(await p.read());
    for (const shot of project.shots) {
      assert.equal(shot.render?.status, 'done');
      for (const out of shot.render!.outputs) {
        await fs.access(path.join(p.dir, out.image));
        await fs.access(path.join(p.dir, out.thumb!));
      }
    }
    const calls = fake.calls.length;
    const second = await engine.render();
    assert.equal(second.shots.skipped, 3);
    assert.equal(fake.calls.length, calls);
  });

  it('edits re-render only the edited shot; reverting an edit comes from the cache for free', async () => {
    const { p, fake, engine } = await setup(simpleProject(4));
    await engine.render();
    const original = await p.read();
    await p.write(original.replace('Shot number 2,', 'Shot number 2 (night),'));
    const edited = await engine.render();
    assert.deepEqual([edited.shots.rendered, edited.shots.skipped], [1, 3]);
    const calls = fake.calls.length;
    await p.write((await p.read()).replace('Shot number 2 (night),', 'Shot number 2,'));
    const reverted = await engine.render();
    assert.equal(reverted.shots.cached, 1);
    assert.equal(fake.calls.length, calls, 'no provider call for the revert');
  });

  it('force re-renders fresh shots and bypasses the result cache', async () => {
    const { fake, engine } = await setup(simpleProject(2));
    await engine.render();
    const before = fake.calls.length;
    const forced = await engine.render({ force: true, shots: ['shot-002'] });
    assert.equal(forced.shots.rendered, 1);
    assert.equal(forced.shots.total, 1);
    assert.equal(fake.calls.length, before + 1);
  });

  it('going from 2 to 3 variations renders only the new one', async () => {
    const { p, fake, engine } = await setup(simpleProject(1, () => ({ variations: 2 })));
    await engine.render();
    await p.write((await p.read()).replace('"variations": 2', '"variations": 3'));
    const calls = fake.calls.length;
    const s = await engine.render();
    assert.equal(fake.calls.length, calls + 1);
    assert.equal(s.variations.cached, 2);
    assert.equal(s.variations.rendered, 1);
  });

  it('records a partial shot when one variation fails, and finishes it next run', async () => {
    let failing = true;
    const { p, fake, engine } = await setup(
      simpleProject(1, () => ({ variations: 3 })),
      {
        fail: (req) =>
          failing && req.variation === 2 ? new DailiesError('validation', 'nsfw filter') : undefined,
      },
    );
    const first = await engine.render();
    assert.equal(first.shots.failed, 1);
    const rec = recorded(await p.read()).shots[0]!.render!;
    assert.equal(rec.status, 'partial');
    assert.deepEqual(
      rec.outputs.map((o) => o.variation),
      [1, 3],
    );
    assert.equal(rec.error, 'nsfw filter');
    failing = false;
    const calls = fake.calls.length;
    const second = await engine.render();
    assert.equal(second.shots.rendered, 1);
    assert.equal(fake.calls.length, calls + 1, 'only variation 2 is rendered again');
    assert.equal(recorded(await p.read()).shots[0]!.render!.status, 'done');
  });

  it('a shot edited while it renders is recorded as stale, and the user’s edit is kept', async () => {
    const { p, engine } = await setup(simpleProject(2), { latencyMs: 150 });
    engine.onEvent((e) => {
      if (e.type === 'job' && e.shotId === 'shot-001' && e.state === 'running' && e.step === 1) {
        void p.read().then((t) => p.write(t.replace('Shot number 1,', 'Shot number 1 (edited),')));
      }
    });
    await engine.render();
    const project = recorded(await p.read());
    assert.equal(project.shots[0]!.prompt, 'Shot number 1 (edited), a wide establishing frame');
    assert.ok(project.shots[0]!.render, 'the paid-for result is recorded');
    const { shots } = await engine.plan();
    assert.equal(shots[0]!.freshness, 'stale');
    assert.equal(shots[1]!.freshness, 'fresh');
  });

  it('emits one ordered event stream', async () => {
    const { events, engine } = await setup(simpleProject(1));
    await engine.render();
    assert.equal(events[0]?.type, 'batch-start');
    assert.equal(events.at(-1)?.type, 'batch-end');
    const states = events.filter((e) => e.type === 'job').map((e) => (e.type === 'job' ? e.state : ''));
    assert.deepEqual(
      states.filter((s, i) => s !== states[i - 1]),
      ['queued', 'submitted', 'running', 'downloading', 'thumbnail', 'done'],
    );
    const shot = events.find((e) => e.type === 'shot');
    assert.ok(shot?.type === 'shot' && shot.outcome === 'rendered');
  });
});

describe('RenderEngine input', () => {
  it('refuses a project with schema errors before doing any work', async () => {
    const p: TempProject = await createProject('{ "shots": [ { "id": "a" } ] }');
    const engine = new RenderEngine({
      projectFile: p.file,
      config: resolveConfig(),
      providers: { draft: new FakeProvider() },
    });
    cleanups.push(async () => {
      await engine.dispose();
      await p.cleanup();
    });
    await assert.rejects(
      engine.render(),
      (err: unknown) =>
        err instanceof DailiesError &&
        err.code === 'project-schema' &&
        /shots\[0\]\.prompt/.test(err.message),
    );
    assert.equal(await p.read(), '{ "shots": [ { "id": "a" } ] }');
  });
});
