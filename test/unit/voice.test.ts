// The scratch voice's plan: which lines become jobs, what their cache key is made of (text, voice, model —
// nothing else), how a TTS model's input and price are formed, and what the validator says about it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProjectText } from '../../src/core/project/load';
import type { Project } from '../../src/core/project/schema';
import { buildInput } from '../../src/core/providers/inputs';
import { ModelRegistry } from '../../src/core/providers/registry';
import { jobCostUsd } from '../../src/core/providers/videoModels';
import { planVoice } from '../../src/core/voice/plan';

const registry = new ModelRegistry();

function project(voice: Project['voice'], text = 'Is this seat taken?'): Project {
  return {
    cast: [{ id: 'ana', name: 'Ana' }],
    voice,
    shots: [
      { id: 's1', prompt: 'a', dialogue: [{ speaker: 'ana', text }] },
      { id: 's2', prompt: 'b' },
    ],
  } as Project;
}

const keyOf = (p: Project) => planVoice(p, registry)[0]!.jobs[0]!.key;

describe('scratch voice plan', () => {
  it('one job per line; the key follows text, voice and model only', () => {
    const fal = { model: 'fal-ai/kokoro/american-english', voices: { ana: 'af_heart' } };
    const shots = planVoice(project(fal), registry);
    assert.deepEqual(
      shots.map((s) => [s.shot.id, s.jobs.length]),
      [['s1', 1]],
    );
    const base = keyOf(project(fal));
    assert.equal(keyOf(project({ ...fal })), base, 'same inputs, same key');
    assert.notEqual(keyOf(project(fal, 'Is this seat free?')), base, 'text');
    assert.notEqual(keyOf(project({ ...fal, voices: { ana: 'af_bella' } })), base, 'voice');
    assert.notEqual(keyOf(project({ ...fal, model: 'fal-ai/kokoro/british-english' })), base, 'model');
    const other = { ...project(fal), title: 'renamed', aspectRatio: '4:3' } as Project;
    assert.equal(keyOf(other), base, 'nothing else changes the sound');
  });

  it('offline: no model, or a draft model, plans no jobs', () => {
    assert.deepEqual(planVoice(project(undefined), registry), []);
    assert.deepEqual(planVoice(project({ model: 'draft/storyboard' }), registry), []);
  });

  it('refuses an image model as a voice', () => {
    assert.throws(
      () => planVoice(project({ model: 'fal-ai/flux/schnell' }), registry),
      /not a text-to-speech/,
    );
  });

  it('fal takes prompt + voice and is priced per character; Replicate takes text + voice', () => {
    const fal = planVoice(project({ model: 'fal-ai/kokoro/american-english' }), registry)[0]!.jobs[0]!;
    assert.deepEqual(buildInput(fal.request, 'fal'), { prompt: 'Is this seat taken?', voice: 'af_heart' });
    assert.equal(jobCostUsd(fal.request), (0.02 * 'Is this seat taken?'.length) / 1000);
    const rep = planVoice(project({ model: 'jaaari/kokoro-82m', voices: { ana: 'af_sky' } }), registry)[0]!
      .jobs[0]!;
    assert.deepEqual(buildInput(rep.request, 'replicate'), { text: 'Is this seat taken?', voice: 'af_sky' });
    assert.equal(jobCostUsd(rep.request), undefined, 'no published per-line price: unpriced');
  });

  it('the validator warns about an unknown voice model and a voice for no cast member', () => {
    const text = JSON.stringify(
      project({ model: 'fal-ai/kokoro/american-englsh', voices: { bob: 'am_adam' } }),
    );
    const r = parseProjectText(text, 'project.json', {
      modelCheck: registry.modelCheck,
      modelIds: registry.modelIds,
    });
    assert.equal(r.ok, true, 'a warning, not an error: the pictures still render');
    if (!r.ok) return;
    const byPointer = new Map(r.issues.map((i) => [i.path, i]));
    assert.match(
      byPointer.get('voice.model')?.message ?? '',
      /unknown text-to-speech model.*american-english/,
    );
    assert.match(byPointer.get('voice.voices.bob')?.message ?? '', /not in the cast/);
  });
});
