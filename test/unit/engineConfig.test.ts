// The engine's configuration: `configure` reaches every part that reads it (the job runner included), and
// each production's limits stay its own (issue 11 items 12 and 14).
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import sharp from 'sharp';
import { resolveConfig } from '../../src/core/config';
import { DraftProvider } from '../../src/core/providers/draft';
import { RenderEngine } from '../../src/core/render/engine';
import { Scheduler } from '../../src/core/render/scheduler';
import { FakeProvider } from '../helpers/fakeProvider';
import { createProject, simpleFiles, simpleProject } from '../helpers/tempProject';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function engineFor(project: object, scheduler?: Scheduler, real = false) {
  const p = await createProject(project, simpleFiles);
  const fake = new FakeProvider({ latencyMs: 20 });
  const engine = new RenderEngine({
    projectFile: p.file,
    config: resolveConfig({ retry: { attempts: 2, baseMs: 5, maxMs: 100 } }),
    // The real draft provider draws full-size frames, so a thumbnail's box is what limits its size.
    providers: { draft: real ? new DraftProvider({ latencyMs: 0 }) : fake },
    scheduler,
    flushDelayMs: 20,
  });
  cleanups.push(async () => {
    await engine.dispose();
    await p.cleanup();
  });
  return { p, fake, engine };
}

async function thumbSize(dir: string, rel: string | undefined): Promise<number> {
  assert.ok(rel, 'no thumbnail recorded');
  const meta = await sharp(await fs.readFile(path.join(dir, rel))).metadata();
  return Math.max(meta.width ?? 0, meta.height ?? 0);
}

describe('RenderEngine.configure', () => {
  it('reaches the job runner: thumbnails follow a new size on the next render', async () => {
    const { p, engine } = await engineFor(simpleProject(1), undefined, true);
    await engine.render();
    const first = (await p.json()).shots[0]!.render!.outputs[0]!;
    assert.equal(await thumbSize(p.dir, first.thumb), 400);

    engine.configure(resolveConfig({ thumbnails: { size: 64, quality: 80 } }));
    await engine.render({ force: true });
    const second = (await p.json()).shots[0]!.render!.outputs[0]!;
    assert.equal(await thumbSize(p.dir, second.thumb), 64);
  });

  it("one production's configure never changes another production's limits", async () => {
    // Two engines as the extension makes them: one per production, each with its own scheduler.
    const a = await engineFor(simpleProject(6), new Scheduler(resolveConfig()));
    const b = await engineFor(simpleProject(6), new Scheduler(resolveConfig()));
    a.engine.configure(resolveConfig({ limits: { light: 1, heavy: 1, video: 1 } }));
    b.engine.configure(resolveConfig({ limits: { light: 4, heavy: 4, video: 4 } }));
    await Promise.all([a.engine.render(), b.engine.render()]);
    assert.equal(a.fake.peakByClass.get('light'), 1);
    assert.equal(b.fake.peakByClass.get('light'), 4);
  });

  it('productions share one request-rate limiter per provider (one account, one budget)', () => {
    const shared = new Scheduler(resolveConfig()).shared;
    const a = new Scheduler(resolveConfig({ limits: { light: 1, heavy: 1, video: 1 } }), shared);
    const b = new Scheduler(resolveConfig({ limits: { light: 8, heavy: 4, video: 2 } }), shared);
    assert.equal(a.rate('fal'), b.rate('fal'));
    assert.notEqual(a.classLimiter('fal', 'light'), b.classLimiter('fal', 'light'));
    a.rate('fal').pauseFor(5000);
    assert.ok(b.rate('fal').pausedForMs > 0, 'a 429 pause on one production must hold the other too');
    // A production's configure sets its own class limits, never the shared rate.
    a.configure(resolveConfig({ ratePerSecond: { draft: 1, fal: 1, replicate: 1 } }));
    assert.equal(b.rate('fal').rate, 20);
    assert.equal(b.classLimiter('fal', 'light').max, 8);
  });
});

describe('limits raised while the engine lives', () => {
  it('a higher class limit applies to the next batch at once (not after a run of successes)', async () => {
    const { engine, fake } = await engineFor(simpleProject(6));
    engine.configure(resolveConfig({ limits: { light: 1, heavy: 1, video: 1 } }));
    await engine.render();
    assert.equal(fake.peakByClass.get('light'), 1);
    engine.configure(resolveConfig({ limits: { light: 4, heavy: 4, video: 4 } }));
    fake.peakByClass.clear();
    await engine.render({ force: true });
    assert.equal(fake.peakByClass.get('light'), 4);
  });
});
