// The animatic kept current by a real render engine (draft provider, real sharp, real ffmpeg): shots that
// land are cut in (debounced, and always once more when the batch ends, after project.json is written),
// bursts coalesce into one build, and a rebuild encodes only the shots that changed.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { resolveConfig } from '../../src/core/config';
import { AnimaticBuilder, type AnimaticEvent } from '../../src/core/cut/builder';
import { animaticOptions } from '../../src/core/cut/options';
import { DraftProvider } from '../../src/core/providers/draft';
import { RenderEngine } from '../../src/core/render/engine';
import { bundledFfmpeg, probe } from '../helpers/media';
import { createProject, simpleFiles, simpleProject } from '../helpers/tempProject';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(debounceMs: number) {
  const p = await createProject({ ...simpleProject(3), defaults: { duration: 0.5 } }, simpleFiles);
  const engine = new RenderEngine({
    projectFile: p.file,
    config: resolveConfig({}),
    providers: { draft: new DraftProvider({ latencyMs: 0 }) },
    flushDelayMs: 20,
  });
  const builder = new AnimaticBuilder({
    paths: engine.paths,
    load: async () => (await engine.load()).project,
    options: () => animaticOptions({ width: 160, fps: 12 }),
    ffmpeg: bundledFfmpeg,
    debounceMs,
  });
  const events: AnimaticEvent[] = [];
  builder.onEvent((e) => events.push(e));
  const feed = builder.attach(engine.onEvent);
  cleanups.push(async () => {
    feed.dispose();
    builder.dispose();
    await engine.dispose();
    await p.cleanup();
  });
  return { p, engine, builder, events };
}

const done = (events: AnimaticEvent[]) =>
  events.filter((e): e is Extract<AnimaticEvent, { type: 'done' }> => e.type === 'done');

describe('animatic: progressive rebuilds from render events', () => {
  it('a batch cuts its shots in; the next batch re-encodes only its own shots', async () => {
    const { engine, builder, events } = await setup(0);
    await engine.render({ shots: ['shot-001'] });
    await builder.idle();
    const first = builder.last;
    assert.ok(first, 'a build ran after the batch');
    assert.deepEqual(
      first.clips.map((c) => [c.shotId, c.take]),
      [
        ['shot-001', 1],
        ['shot-002', undefined],
        ['shot-003', undefined],
      ],
    );
    events.length = 0;
    await engine.render();
    await builder.idle();
    const last = builder.last!;
    assert.deepEqual(
      last.clips.map((c) => c.take),
      [1, 1, 1],
    );
    // Whatever builds ran during the second batch, none re-encoded shot-001's unchanged segment.
    const encoded = events.flatMap((e) => (e.type === 'segment' && e.state === 'encoded' ? [e.shotId] : []));
    assert.ok(!encoded.includes('shot-001'), `shot-001 re-encoded: ${encoded.join(', ')}`);
    assert.ok(encoded.includes('shot-002') && encoded.includes('shot-003'));
    const info = await probe(last.file);
    assert.equal(Number(info.streams[0]!.nb_read_frames), 18);
  });

  it('shots landing within the debounce window make one build, cut when the batch ends', async () => {
    const { engine, builder, events } = await setup(600_000);
    await engine.render();
    await builder.idle();
    assert.equal(events.filter((e) => e.type === 'start').length, 1);
    assert.deepEqual(
      done(events)[0]!.result.clips.map((c) => c.take),
      [1, 1, 1],
    );
    const scheduled = events.filter((e) => e.type === 'scheduled');
    assert.equal(scheduled.length, 3, 'each landed shot was noted');
  });

  it('a landed shot alone (no batch end yet) triggers a rebuild after the debounce', async () => {
    const { engine, builder, events } = await setup(10);
    await engine.render({ shots: ['shot-002'] });
    await builder.idle();
    events.length = 0;
    // As the engine reports a shot mid-batch: no batch-end follows here.
    builder.onRenderEvent({ type: 'shot', batchId: 'x', shotId: 'shot-002', outcome: 'rendered' });
    const result = await new Promise<Extract<AnimaticEvent, { type: 'done' }>>((resolve) => {
      builder.onEvent((e) => e.type === 'done' && resolve(e));
    });
    assert.match(events.find((e) => e.type === 'start')?.type ?? '', /start/);
    assert.equal(result.result.clips[1]!.take, 1);
  });

  it('a failed progressive build is reported as an event, never thrown at the engine', async () => {
    const { p, engine, builder, events } = await setup(0);
    const json = await p.json();
    (json as unknown as { defaults: { duration: number } }).defaults.duration = 0;
    await p.write(JSON.stringify(json));
    const summary = await engine.render({ shots: ['shot-001'] });
    assert.equal(summary.shots.rendered, 1);
    await builder.idle();
    const failed = events.find((e) => e.type === 'failed');
    assert.ok(failed && failed.type === 'failed');
    assert.equal(failed.shotId, 'shot-001');
    assert.match(failed.error.message, /defaults\.duration/);
  });
});
