// A shot as the engine sees it: defaults merged in, the model resolved, refs gathered from the shot, its
// cast and its scene — only as many as the model takes, so an image a model never receives cannot
// make a shot stale.
import type { DailiesConfig, Origin } from '../config';
import { DRAFT_MODEL_ID, type ModelRegistry } from '../providers/registry';
import type { ModelInfo, RefInput } from '../providers/types';
import { DRAFT_VIDEO_MODEL_ID } from '../providers/videoModels';
import { DailiesError } from '../util/errors';
import { seedFromString } from '../util/random';
import type { Project, Shot } from './schema';
import { type VideoSpec, videoSpec } from './videoSpec';

export interface RefSpec {
  role: RefInput['role'];
  owner: string;
  label: string;
  ref: string;
  /** Where it is written, e.g. `cast[2].refs[0]`, so an error can point at it. */
  source: string;
}

export interface ShotSpec {
  shot: Shot;
  index: number;
  model: ModelInfo;
  prompt: string;
  negativePrompt?: string;
  steps: number;
  baseSeed: number;
  variations: number;
  aspectRatio: string;
  width: number;
  height: number;
  params: Record<string, unknown>;
  refs: RefSpec[];
  labels: { scene?: string; cast: string[] };
  /** Video shots: the clip length and the start (end) frame, which are also the last of `refs`. */
  video?: VideoSpec;
}

const DEFAULT_STEPS = 28;

export function shotSpec(
  project: Project,
  shot: Shot,
  index: number,
  registry: ModelRegistry,
  config: DailiesConfig,
  /** false: a video shot's start frame is not looked at (a provisional spec, for estimates). */
  frames = true,
): ShotSpec {
  const defaults = project.defaults ?? {};
  const model = resolveModel(shot, index, project, registry, config);
  const aspectRatio = shot.aspectRatio ?? project.aspectRatio ?? '16:9';
  const { width, height } = frameSize(aspectRatio);

  // Each ref keeps the JSON path it came from, so an error about it can name the line to fix.
  const all: RefSpec[] = [];
  const add = (role: RefSpec['role'], owner: string, label: string, refs: string[] | undefined, at: string) =>
    (refs ?? []).forEach((ref, j) => {
      all.push({ role, owner, label, ref, source: `${at}[${j}]` });
    });
  add('shot', shot.id, shot.id, shot.refs, `shots[${index}].refs`);
  const castNames: string[] = [];
  for (const id of shot.cast ?? []) {
    const i = project.cast?.findIndex((c) => c.id === id) ?? -1;
    const member = project.cast?.[i];
    if (!member) continue;
    castNames.push(member.name ?? member.id);
    add('cast', member.id, member.name ?? member.id, member.refs, `cast[${i}].refs`);
  }
  const sceneIndex = shot.scene ? (project.scenes?.findIndex((s) => s.id === shot.scene) ?? -1) : -1;
  const scene = project.scenes?.[sceneIndex];
  if (scene) add('decor', scene.id, scene.title ?? scene.id, scene.decor, `scenes[${sceneIndex}].decor`);
  const seen = new Set<string>();
  const refs = all.filter((r) => !seen.has(r.ref) && seen.add(r.ref)).slice(0, model.maxRefs);
  const params = { ...model.params, ...(defaults.params ?? {}), ...(shot.params ?? {}) };
  const video = videoSpec(project, shot, index, model, params, frames);
  if (video?.start) refs.push(video.start, ...(video.end ? [video.end] : []));

  return {
    shot,
    index,
    model,
    prompt: shot.prompt,
    negativePrompt: shot.negativePrompt,
    steps:
      shot.steps ??
      defaults.steps ??
      (model.provider === 'draft' ? (config.draft.steps ?? 24) : DEFAULT_STEPS),
    baseSeed: shot.seed ?? defaults.seed ?? seedFromString(shot.id),
    variations: shot.variations ?? defaults.variations ?? 1,
    aspectRatio,
    width,
    height,
    params,
    refs,
    labels: {
      scene: scene ? (scene.title ?? scene.id) : undefined,
      cast: castNames,
    },
    ...(video ? { video } : {}),
  };
}

function resolveModel(
  shot: Shot,
  index: number,
  project: Project,
  registry: ModelRegistry,
  config: DailiesConfig,
): ModelInfo {
  const id = shot.model ?? project.defaults?.model ?? config.defaultModel;
  if (config.providerOverride === 'draft') {
    // Offline previs of a cloud project: a video shot drafts as a moving clip, a still as a frame.
    const named = registry.resolve(id, shot.provider ?? project.defaults?.provider);
    const video = named?.video !== undefined || shot.from !== undefined;
    return registry.get(video ? DRAFT_VIDEO_MODEL_ID : DRAFT_MODEL_ID)!;
  }
  const provider = config.providerOverride ?? shot.provider ?? project.defaults?.provider;
  const known = registry.get(id);
  // A known model sent to another provider would be submitted there under its own id and 404.
  if (known && provider && known.provider !== provider)
    throw providerMismatch(shot, index, project, config, registry, known);
  const model = registry.resolve(id, provider);
  if (!model) {
    throw new DailiesError(
      'unknown-model',
      `Shot ${shot.id}: unknown model "${id}" (add it under "models" or set "provider")`,
    );
  }
  return model;
}

const PROVIDER_NAME: Record<string, string> = { draft: 'draft', fal: 'fal.ai', replicate: 'Replicate' };

/** Names the model, where it came from, what sends it elsewhere, and the two ways out. */
function providerMismatch(
  shot: Shot,
  index: number,
  project: Project,
  config: DailiesConfig,
  registry: ModelRegistry,
  model: ModelInfo,
): DailiesError {
  const wanted = config.providerOverride ?? shot.provider ?? project.defaults?.provider ?? 'draft';
  const target = PROVIDER_NAME[wanted] ?? wanted;
  const forced: Origin = config.providerOverride
    ? (config.origin?.providerOverride ?? {
        by: 'the provider override',
        change: 'remove the provider override',
      })
    : shot.provider
      ? { by: `the shot's "provider"`, change: `remove the shot's "provider"` }
      : { by: 'project.json defaults.provider', change: 'remove project.json defaults.provider' };
  const from: Origin = shot.model
    ? { by: `its own "model"`, change: `change the shot's "model" to` }
    : project.defaults?.model
      ? { by: 'project.json defaults.model', change: 'change project.json defaults.model to' }
      : (config.origin?.defaultModel ?? { by: 'the default model', change: 'change the default model to' });
  const examples = registry
    .list()
    .filter((m) => m.provider === wanted)
    .slice(0, 2)
    .map((m) => m.id);
  // From settings, flags or env it is a batch problem (`config`, refused whole); from the project, one
  // shot's problem like any other (the rest of the batch renders).
  // A project problem names where it is written, like every other shot error.
  const where = config.providerOverride
    ? `Shot ${shot.id}`
    : `shots[${index}].${shot.provider ? 'provider' : 'model'}: shot ${shot.id}`;
  return new DailiesError(
    config.providerOverride ? 'config' : 'project-semantic',
    `${where} uses model "${model.id}" (${from.by}), a ${PROVIDER_NAME[model.provider] ?? model.provider} model, ` +
      `but ${forced.by} sends ${config.providerOverride ? 'every shot' : 'it'} to ${target}. Nothing was sent. ` +
      `Either ${forced.change}, or ${from.change} a ${target} model${examples.length ? ` (e.g. ${examples.join(', ')})` : ''}.`,
  );
}

export function variationSeed(spec: ShotSpec, variation: number): number {
  return (spec.baseSeed + variation - 1) % 4294967296;
}

/** About one megapixel at the requested ratio, in multiples of 16 (what diffusion models expect). */
export function frameSize(aspectRatio: string, targetPixels = 1_048_576): { width: number; height: number } {
  const [w, h] = aspectRatio.split(':').map(Number);
  const ratio = w && h && Number.isFinite(w / h) ? Math.min(8, Math.max(1 / 8, w / h)) : 16 / 9;
  const round16 = (n: number) => Math.max(64, Math.round(n / 16) * 16);
  return {
    width: round16(Math.sqrt(targetPixels * ratio)),
    height: round16(Math.sqrt(targetPixels / ratio)),
  };
}
