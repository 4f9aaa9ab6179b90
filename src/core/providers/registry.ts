// Maps a shot's `model` to provider, endpoint, input mapping, class and price. Built-in entries cover the
// common image models; a project's `models` block and the user's settings add or override entries.
import type { ModelDefinition, ProviderId } from '../project/schema';
import { TTS_BUILT_IN } from './ttsModels';
import type { ModelInfo } from './types';
import { sortedDurations, videoBuiltIns } from './videoModels';

export const DRAFT_MODEL_ID = 'draft/storyboard';

type BuiltIn = Omit<ModelInfo, 'params' | 'refsAs' | 'sizeInput'> &
  Partial<Pick<ModelInfo, 'params' | 'refsAs' | 'sizeInput'>>;

// Prices are per output image as published by the providers (2026); estimates label them as such.
const BUILT_IN: BuiltIn[] = [
  {
    id: DRAFT_MODEL_ID,
    provider: 'draft',
    endpoint: 'draft',
    class: 'light',
    priceUsd: 0,
    maxRefs: 8,
    typicalSeconds: 1,
  },
  {
    id: 'fal-ai/flux/schnell',
    provider: 'fal',
    endpoint: 'fal-ai/flux/schnell',
    class: 'light',
    priceUsd: 0.003,
    maxRefs: 0,
    sizeInput: 'image_size',
    stepsInput: 'num_inference_steps',
    seedInput: 'seed',
    typicalSeconds: 2,
  },
  {
    id: 'fal-ai/flux/dev',
    provider: 'fal',
    endpoint: 'fal-ai/flux/dev',
    class: 'heavy',
    priceUsd: 0.025,
    maxRefs: 0,
    sizeInput: 'image_size',
    stepsInput: 'num_inference_steps',
    seedInput: 'seed',
    typicalSeconds: 8,
  },
  {
    id: 'fal-ai/flux-pro/kontext',
    provider: 'fal',
    endpoint: 'fal-ai/flux-pro/kontext',
    class: 'heavy',
    priceUsd: 0.04,
    maxRefs: 1,
    refsInput: 'image_url',
    refsAs: 'single',
    sizeInput: 'aspect_ratio',
    seedInput: 'seed',
    typicalSeconds: 10,
  },
  {
    id: 'fal-ai/flux-pro/kontext/multi',
    provider: 'fal',
    endpoint: 'fal-ai/flux-pro/kontext/multi',
    class: 'heavy',
    priceUsd: 0.04,
    maxRefs: 4,
    refsInput: 'image_urls',
    refsAs: 'list',
    sizeInput: 'aspect_ratio',
    seedInput: 'seed',
    typicalSeconds: 12,
  },
  {
    id: 'black-forest-labs/flux-schnell',
    provider: 'replicate',
    endpoint: 'black-forest-labs/flux-schnell',
    class: 'light',
    priceUsd: 0.003,
    maxRefs: 0,
    sizeInput: 'aspect_ratio',
    seedInput: 'seed',
    typicalSeconds: 2,
    params: { output_format: 'png' },
  },
  {
    id: 'black-forest-labs/flux-dev',
    provider: 'replicate',
    endpoint: 'black-forest-labs/flux-dev',
    class: 'heavy',
    priceUsd: 0.025,
    maxRefs: 0,
    sizeInput: 'aspect_ratio',
    stepsInput: 'num_inference_steps',
    seedInput: 'seed',
    typicalSeconds: 8,
    params: { output_format: 'png' },
  },
  {
    id: 'black-forest-labs/flux-kontext-pro',
    provider: 'replicate',
    endpoint: 'black-forest-labs/flux-kontext-pro',
    class: 'heavy',
    priceUsd: 0.04,
    maxRefs: 1,
    refsInput: 'input_image',
    refsAs: 'single',
    sizeInput: 'aspect_ratio',
    seedInput: 'seed',
    typicalSeconds: 10,
    params: { output_format: 'png' },
  },
];

function complete(m: BuiltIn): ModelInfo {
  return { refsAs: 'list', sizeInput: 'none', params: {}, ...m };
}

export class ModelRegistry {
  private readonly models = new Map<string, ModelInfo>();

  constructor(extra: Record<string, ModelDefinition> = {}) {
    for (const m of BUILT_IN) this.models.set(m.id, complete(m));
    for (const m of videoBuiltIns()) this.models.set(m.id, m);
    for (const m of TTS_BUILT_IN) this.models.set(m.id, m);
    for (const [id, def] of Object.entries(extra)) this.models.set(id, fromDefinition(id, def));
  }

  /** A registry that also knows a project's own `models` block. */
  withProjectModels(models: Record<string, ModelDefinition> | undefined): ModelRegistry {
    if (!models || Object.keys(models).length === 0) return this;
    const copy = new ModelRegistry();
    for (const [id, m] of this.models) copy.models.set(id, m);
    for (const [id, def] of Object.entries(models)) copy.models.set(id, fromDefinition(id, def));
    return copy;
  }

  get(id: string): ModelInfo | undefined {
    return this.models.get(id);
  }

  /** Known, or at least callable because the shot names its provider. */
  resolve(id: string, provider?: ProviderId): ModelInfo | undefined {
    const known = this.models.get(id);
    if (known && (!provider || known.provider === provider)) return known;
    if (!provider) return undefined;
    if (provider === 'draft') return { ...complete(BUILT_IN[0]!), id };
    return complete({
      id,
      provider,
      endpoint: id,
      class: 'heavy',
      maxRefs: 0,
      sizeInput: provider === 'fal' ? 'image_size' : 'aspect_ratio',
      seedInput: 'seed',
      typicalSeconds: 10,
    });
  }

  isKnown = (id: string, provider?: string): boolean =>
    this.resolve(id, provider as ProviderId | undefined) !== undefined;

  /** For validation: a model check that knows the project's own `models` block. */
  modelCheck = (project: { models?: Record<string, ModelDefinition> }) =>
    this.withProjectModels(project.models).isKnown;

  /** For quick fixes: the model ids a project may name (built in, and its own `models`). */
  modelIds = (project: { models?: Record<string, ModelDefinition> }): string[] =>
    this.withProjectModels(project.models)
      .list()
      .map((m) => m.id);

  list(): ModelInfo[] {
    return [...this.models.values()];
  }
}

function fromDefinition(id: string, def: ModelDefinition): ModelInfo {
  return complete({
    id,
    provider: def.provider,
    endpoint: def.endpoint,
    class: def.class ?? 'heavy',
    priceUsd: def.priceUsd,
    maxRefs: def.maxRefs ?? (def.refsInput ? 4 : 0),
    refsInput: def.refsInput,
    refsAs: def.refsAs ?? 'list',
    sizeInput: def.sizeInput ?? (def.provider === 'fal' ? 'image_size' : 'aspect_ratio'),
    stepsInput: def.stepsInput,
    seedInput: def.seedInput ?? (def.video ? undefined : 'seed'),
    typicalSeconds: def.video ? 180 : 10,
    params: def.params ?? {},
    ...(def.video
      ? {
          class: 'video',
          maxRefs: 0,
          sizeInput: def.sizeInput ?? 'none',
          video: {
            startInput: def.video.startInput,
            endInput: def.video.endInput,
            durationInput: def.video.durationInput,
            durations: sortedDurations(def.video.durations),
            durationAs: def.video.durationAs ?? (def.provider === 'fal' ? 'string' : 'number'),
            pricePerSecondUsd: def.video.pricePerSecondUsd,
          },
        }
      : {}),
  });
}
