// Scratch voice through the real @fal-ai/client against the fal fake, which speaks real MP3s: each line is
// rendered once (result cache keyed by text + voice + model), priced in the one spend confirmation, proved
// by decoding, and laid at its cue on the animatic as an MP3 track. A corrupt output fails that line only.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { buildAnimatic } from '../../src/core/cut/build';
import { animaticOptions } from '../../src/core/cut/options';
import { loadProject } from '../../src/core/project/load';
import type { SpendRequest } from '../../src/core/render/engine';
import { sha256 } from '../../src/core/util/hash';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { type CloudRig, cloudEngine } from '../helpers/cloud';
import { bundledFfmpeg, probe } from '../helpers/media';
import { createProject, type TempProject } from '../helpers/tempProject';

const KOKORO = 'fal-ai/kokoro/american-english';

let fal: FalFake;
let replicate: ReplicateFake;
const open: { rig: CloudRig; project: TempProject }[] = [];

before(async () => {
  fal = await startFalFake({ stepMs: 10, steps: 2, queueMs: 20 });
  replicate = await startReplicateFake({ stepMs: 10, steps: 2, queueMs: 20, maxPreferWaitMs: 20 });
});
after(async () => {
  await fal.close();
  await replicate.close();
});
afterEach(async () => {
  fal.reset();
  replicate.reset();
  fal.configure({ corruptOutputs: false });
  while (open.length) {
    const o = open.pop()!;
    await o.rig.dispose();
    await o.project.cleanup();
  }
});

function voiceProject(voice: Record<string, unknown> | undefined) {
  return {
    dailies: 1,
    aspectRatio: '16:9',
    cast: [
      { id: 'ana', name: 'Ana' },
      { id: 'ben', name: 'Ben' },
    ],
    ...(voice ? { voice } : {}),
    shots: [
      {
        id: 's01-010',
        prompt: 'A café at dawn',
        model: 'draft/storyboard',
        duration: 2,
        dialogue: [{ speaker: 'ana', text: 'Is this seat taken?' }],
      },
      {
        id: 's01-020',
        prompt: 'Ben looks up',
        model: 'draft/storyboard',
        duration: 3,
        dialogue: [
          { speaker: 'ben', text: 'Not any more.' },
          { speaker: 'ana', text: 'Good.' },
        ],
      },
    ],
  };
}

async function rig(project: object) {
  const p = await createProject(project);
  const asked: SpendRequest[] = [];
  const r = cloudEngine(p.file, { fal, replicate }, {}, undefined, {
    confirmSpend: async (req) => {
      asked.push(req);
      return true;
    },
  });
  open.push({ rig: r, project: p });
  return { p, asked, ...r };
}

const ttsJobs = () => [...fal.jobs.values()].filter((j) => j.endpointId === KOKORO);
const spoken = () =>
  ttsJobs()
    .map((j) => (j.input as { prompt: string }).prompt)
    .sort();

async function animatic(p: TempProject) {
  const doc = await loadProject(p.file);
  return buildAnimatic({
    paths: doc.paths,
    project: doc.project,
    options: animaticOptions({ width: 320, fps: 12 }),
    ffmpeg: bundledFfmpeg(),
  });
}

describe('scratch voice on fal', () => {
  it('renders each line once, prices it in the confirmation, and never pays for it twice', async () => {
    const voice = { model: KOKORO, voices: { ana: 'af_heart', ben: 'am_adam' } };
    const { p, engine, asked } = await rig(voiceProject(voice));
    await engine.render();
    assert.deepEqual(spoken(), ['Good.', 'Is this seat taken?', 'Not any more.']);
    const voices = Object.fromEntries(
      ttsJobs().map((j) => [(j.input as { prompt: string }).prompt, (j.input as { voice: string }).voice]),
    );
    assert.equal(voices['Not any more.'], 'am_adam');
    assert.equal(voices['Good.'], 'af_heart');
    // The one confirmation names the lines and their price (fal's Kokoro: per 1000 characters).
    assert.equal(asked.length, 1);
    const row = asked[0]!.estimate.byModel.find((r) => r.model === KOKORO);
    assert.ok(row, 'the TTS model is in the estimate');
    assert.equal(row.variations, 3, 'three lines to speak');
    assert.ok(row.costUsd > 0, 'the lines are priced');

    // A second build: everything from the result cache, no request at all, nothing to confirm.
    fal.reset();
    await engine.render();
    assert.equal(ttsJobs().length, 0, 'no TTS request the second time');
    const est = await engine.estimate();
    assert.equal(
      est.byModel.find((r) => r.model === KOKORO),
      undefined,
      'nothing left to pay for',
    );

    // Editing one line renders that line only.
    const json = await p.json();
    (json.shots as unknown as { dialogue: { text: string }[] }[])[1]!.dialogue[1]!.text = 'Good. Sit.';
    await fs.writeFile(p.file, JSON.stringify(json, null, 2));
    await engine.render();
    assert.deepEqual(spoken(), ['Good. Sit.']);

    // The animatic carries the voice as MP3 (never AAC), as long as the cut, and writes cut/voice.mp3.
    const result = await animatic(p);
    const info = await probe(result.file);
    assert.deepEqual(info.streams.map((s) => s.codec_name).sort(), ['h264', 'mp3']);
    assert.ok(Number(info.format.duration) >= result.seconds - 0.1, 'the audio covers the cut');
    const track = await probe(path.join(p.dir, 'cut', 'voice.mp3'));
    assert.equal(track.streams[0]!.codec_name, 'mp3');
    assert.ok(Math.abs(Number(track.format.duration) - result.seconds) < 0.2, 'voice.mp3 spans the cut');
  });

  it('a corrupt TTS output fails that line with a clear error and keeps the previous animatic', async () => {
    const voice = { model: KOKORO, voices: { ana: 'af_heart', ben: 'am_adam' } };
    const { p, engine, events } = await rig(voiceProject(voice));
    await engine.render();
    const first = await animatic(p);
    const before = sha256(await fs.readFile(first.file));

    const json = await p.json();
    (json.shots as unknown as { dialogue: { text: string }[] }[])[0]!.dialogue[0]!.text =
      'Excuse me, is this seat taken?';
    await fs.writeFile(p.file, JSON.stringify(json, null, 2));
    fal.configure({ corruptOutputs: true });
    const summary = await engine.render();
    const failed = summary.errors.filter((e) => e.shotId === 's01-010');
    assert.equal(failed.length, 1, JSON.stringify(summary.errors));
    assert.match(failed[0]!.message, /line 1.*(not audio|cannot be decoded)/i);
    assert.ok(
      events.some((e) => e.type === 'log' && /s01-010 line 1/.test(e.message)),
      'the failure is logged with its line',
    );
    // The animatic was not rebuilt over with a broken track: the file is exactly what it was.
    assert.equal(sha256(await fs.readFile(first.file)), before);
  });

  it('offline (no voice model, or the draft): subtitles only, no audio track, no request', async () => {
    const { p, engine } = await rig(voiceProject(undefined));
    await engine.render();
    assert.equal(ttsJobs().length, 0);
    const result = await animatic(p);
    const info = await probe(result.file);
    assert.deepEqual(
      info.streams.map((s) => s.codec_type),
      ['video'],
    );
  });

  it('Replicate: a TTS model whose output is the audio URL, unpriced in the confirmation, cached', async () => {
    const voice = { model: 'jaaari/kokoro-82m', voices: { ana: 'af_bella' } };
    const { p, engine, asked } = await rig(voiceProject(voice));
    await engine.render();
    const lines = () => [...replicate.jobs.values()].map((j) => (j.input as { text: string }).text).sort();
    assert.deepEqual(lines(), ['Good.', 'Is this seat taken?', 'Not any more.']);
    assert.ok(asked[0]!.estimate.unpriced.includes('jaaari/kokoro-82m'), 'no published per-line price');
    replicate.reset();
    await engine.render();
    assert.equal(replicate.jobs.size, 0, 'no request the second time');
    const info = await probe((await animatic(p)).file);
    assert.deepEqual(info.streams.map((s) => s.codec_name).sort(), ['h264', 'mp3']);
  });

  it('without the provider key, or with an image model as voice: pictures render, lines stay subtitles', async () => {
    // (fal with a base URL needs no key on this machine: a studio proxy may add it. Replicate always does.)
    for (const voice of [{ model: 'jaaari/kokoro-82m' }, { model: 'fal-ai/flux/schnell' }]) {
      const p = await createProject(voiceProject(voice));
      const keys = voice.model === 'jaaari/kokoro-82m' ? { fal: 'k' } : undefined;
      const r = cloudEngine(p.file, { fal, replicate }, {}, keys);
      open.push({ rig: r, project: p });
      const summary = await r.engine.render();
      assert.equal(summary.shots.rendered, 2, JSON.stringify(summary.errors));
      assert.equal(ttsJobs().length + replicate.jobs.size, 0, 'no speech request');
      assert.ok(
        r.events.some((e) => e.type === 'log' && /scratch voice: .*lines stay subtitles/.test(e.message)),
        'the log says why there is no voice',
      );
      const info = await probe((await animatic(p)).file);
      assert.deepEqual(
        info.streams.map((s) => s.codec_type),
        ['video'],
      );
    }
  });
});
