// The scratch voice as jobs: one per dialogue line, on the project's `voice.model`, keyed by the content
// hash of what makes its sound (model endpoint, params, voice, text), so a line said before is never paid
// for again and a changed line is the only one to render. The animatic finds each line's audio by the same
// key in the result cache. No model, or a draft one: no jobs (the lines stay subtitles).
import type { Project } from '../project/schema';
import type { ModelRegistry } from '../providers/registry';
import type { GenerationRequest, ModelInfo } from '../providers/types';
import type { PlannedJob, PlannedShot, PlannedSpec } from '../render/plan';
import { DailiesError } from '../util/errors';
import { sha256 } from '../util/hash';

export interface VoiceLine {
  shotId: string;
  /** Index of the line in the shot's `dialogue`. */
  line: number;
  speaker: string;
  text: string;
  voice: string;
  key: string;
}

/** The TTS model the project names, or undefined when it speaks offline (none, or a draft model). */
export function voiceModel(project: Project, registry: ModelRegistry): ModelInfo | undefined {
  const id = project.voice?.model;
  if (!id) return undefined;
  const model = registry.withProjectModels(project.models).get(id);
  if (!model) throw new DailiesError('validation', `voice.model "${id}" is not a known text-to-speech model`);
  if (model.provider === 'draft') return undefined;
  if (!model.tts) throw new DailiesError('validation', `voice.model "${id}" is not a text-to-speech model`);
  return model;
}

export function voiceKey(
  model: ModelInfo,
  params: Record<string, unknown>,
  voice: string,
  text: string,
): string {
  return sha256(
    JSON.stringify({
      v: 1,
      kind: 'tts',
      provider: model.provider,
      endpoint: model.endpoint,
      params,
      voice,
      text,
    }),
  );
}

export function voiceLines(project: Project, model: ModelInfo, shotIds?: readonly string[]): VoiceLine[] {
  const only = shotIds ? new Set(shotIds) : undefined;
  const params = { ...model.params, ...(project.voice?.params ?? {}) };
  const voices = project.voice?.voices ?? {};
  return project.shots
    .filter((s) => !only || only.has(s.id))
    .flatMap((shot) =>
      (shot.dialogue ?? []).map((l, line) => {
        const voice = voices[l.speaker] ?? model.tts!.defaultVoice;
        return {
          shotId: shot.id,
          line,
          speaker: l.speaker,
          text: l.text,
          voice,
          key: voiceKey(model, params, voice, l.text),
        };
      }),
    );
}

/**
 * The lines as planned shots (one per shot that speaks, a job per line), so the estimate, the spend
 * confirmation and the job runner treat them exactly like images: priced, cached, claimed, journaled.
 */
export function planVoice(
  project: Project,
  registry: ModelRegistry,
  shotIds?: readonly string[],
): PlannedShot[] {
  const model = voiceModel(project, registry);
  if (!model) return [];
  const params = { ...model.params, ...(project.voice?.params ?? {}) };
  const byShot = new Map<string, VoiceLine[]>();
  for (const l of voiceLines(project, model, shotIds))
    byShot.set(l.shotId, [...(byShot.get(l.shotId) ?? []), l]);
  const spec = { model } as PlannedSpec; // the estimate reads only the model of a voice "shot"
  return [...byShot].map(([shotId, lines]) => {
    const index = project.shots.findIndex((s) => s.id === shotId);
    const jobs: PlannedJob[] = lines.map((l) => ({
      shotId,
      variation: l.line + 1,
      key: l.key,
      request: request(model, params, l, lines.length),
    }));
    return {
      shot: project.shots[index]!,
      index,
      spec,
      freshness: 'stale',
      reason: 'scratch voice',
      jobs,
      refs: [],
    };
  });
}

function request(
  model: ModelInfo,
  params: Record<string, unknown>,
  l: VoiceLine,
  count: number,
): GenerationRequest {
  return {
    shotId: l.shotId,
    variation: l.line + 1,
    variations: count,
    model,
    prompt: l.text,
    seed: 0,
    steps: 0,
    width: 0,
    height: 0,
    aspectRatio: '16:9',
    params,
    refs: [],
    labels: { cast: [l.speaker] },
    refUrls: new Map(),
    tts: { text: l.text, voice: l.voice },
  };
}
