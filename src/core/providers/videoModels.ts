// Image-to-video models: the built-in ones on fal.ai and Replicate, the offline draft, and the rules every
// video model shares — which clip lengths it allows (anything else is refused before paying), which
// length a shot gets when it names none, and what a clip costs (price per second of output).
//
// Input names, lengths and prices are as the providers publish them (model pages, 2026): fal's Kling 2.x
// and Wan take `image_url` and a string enum `duration` ("5" | "10"); Kling 4 takes `start_image_url` and
// an optional `end_image_url`; Replicate's Kling takes `start_image` / `end_image` and Wan takes `image`,
// both with integer durations. A project's `models` block adds others (see ModelDefinition.video).
import type { GenerationRequest, ModelInfo, VideoModelInfo } from './types';

export const DRAFT_VIDEO_MODEL_ID = 'draft/video';

type VideoBuiltIn = Omit<ModelInfo, 'refsAs' | 'sizeInput' | 'params' | 'class' | 'maxRefs' | 'video'> & {
  params?: Record<string, unknown>;
  video: Omit<VideoModelInfo, 'durationAs'> & { durationAs?: VideoModelInfo['durationAs'] };
};

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const VIDEO_BUILT_IN: VideoBuiltIn[] = [
  {
    id: DRAFT_VIDEO_MODEL_ID,
    provider: 'draft',
    endpoint: 'draft-video',
    priceUsd: 0,
    typicalSeconds: 2,
    video: { startInput: 'start', durationInput: 'duration', durations: range(1, 10), pricePerSecondUsd: 0 },
  },
  {
    id: 'fal-ai/kling-video/v2.1/standard/image-to-video',
    provider: 'fal',
    endpoint: 'fal-ai/kling-video/v2.1/standard/image-to-video',
    typicalSeconds: 180,
    video: {
      startInput: 'image_url',
      durationInput: 'duration',
      durations: [5, 10],
      durationAs: 'string',
      pricePerSecondUsd: 0.056,
    },
  },
  {
    id: 'fal-ai/kling-video/v2.1/pro/image-to-video',
    provider: 'fal',
    endpoint: 'fal-ai/kling-video/v2.1/pro/image-to-video',
    typicalSeconds: 300,
    video: {
      startInput: 'image_url',
      durationInput: 'duration',
      durations: [5, 10],
      durationAs: 'string',
      pricePerSecondUsd: 0.098,
    },
  },
  {
    id: 'fal-ai/kling-video/v4/image-to-video',
    provider: 'fal',
    endpoint: 'fal-ai/kling-video/v4/image-to-video',
    typicalSeconds: 300,
    video: {
      startInput: 'start_image_url',
      endInput: 'end_image_url',
      durationInput: 'duration',
      durations: range(3, 30),
      durationAs: 'string',
      pricePerSecondUsd: 0.157,
    },
  },
  {
    id: 'fal-ai/wan-25-preview/image-to-video',
    provider: 'fal',
    endpoint: 'fal-ai/wan-25-preview/image-to-video',
    typicalSeconds: 180,
    seedInput: 'seed',
    params: { resolution: '720p' },
    video: {
      startInput: 'image_url',
      durationInput: 'duration',
      durations: [5, 10],
      durationAs: 'string',
      pricePerSecondUsd: 0.1,
    },
  },
  {
    id: 'kwaivgi/kling-v2.1',
    provider: 'replicate',
    endpoint: 'kwaivgi/kling-v2.1',
    typicalSeconds: 240,
    params: { mode: 'standard' },
    video: {
      startInput: 'start_image',
      // Replicate's Kling 2.1 takes an end frame in `pro` mode only; set params.mode to use one.
      endInput: 'end_image',
      durationInput: 'duration',
      durations: [5, 10],
      pricePerSecondUsd: 0.05,
    },
  },
  {
    id: 'wan-video/wan-2.5-i2v',
    provider: 'replicate',
    endpoint: 'wan-video/wan-2.5-i2v',
    typicalSeconds: 180,
    seedInput: 'seed',
    params: { resolution: '720p' },
    video: { startInput: 'image', durationInput: 'duration', durations: [5, 10], pricePerSecondUsd: 0.1 },
  },
];

/** The built-in video models as registry entries (class `video`, no refs: the start frame is the input). */
export function videoBuiltIns(): ModelInfo[] {
  return VIDEO_BUILT_IN.map((m) => ({
    ...m,
    class: 'video',
    maxRefs: 0,
    refsAs: 'single',
    sizeInput: 'none',
    params: m.params ?? {},
    video: {
      ...m.video,
      durations: sortedDurations(m.video.durations),
      durationAs: m.video.durationAs ?? 'number',
    },
  }));
}

export function isVideoModel(model: ModelInfo): boolean {
  return model.video !== undefined;
}

export function sortedDurations(durations: readonly number[]): number[] {
  return [...new Set(durations.filter((d) => Number.isFinite(d) && d > 0))].sort((a, b) => a - b);
}

/** "5 or 10 s", "3–30 s", "2, 4 or 8 s". */
export function allowedText(durations: readonly number[]): string {
  const d = sortedDurations(durations);
  if (d.length > 3 && d.every((x, i) => i === 0 || x === d[i - 1]! + 1))
    return `${d[0]}–${d[d.length - 1]} s`;
  if (d.length === 1) return `${d[0]} s`;
  return `${d.slice(0, -1).join(', ')} or ${d[d.length - 1]} s`;
}

export type ClipLength = { ok: true; seconds: number } | { ok: false; message: string };

/**
 * The clip length a video shot asks for: `videoDuration` (or the model's own duration input in `params`),
 * which must be one the model allows; else the shortest allowed clip that covers the shot's duration in
 * the edit (the cut trims it), else the longest (the cut holds its last frame), else the model's shortest.
 */
export function clipLength(
  video: VideoModelInfo,
  asked: { videoDuration?: number; param?: unknown; editSeconds?: number },
): ClipLength {
  const allowed = sortedDurations(video.durations);
  if (allowed.length === 0) return { ok: false, message: 'the model lists no clip lengths' };
  const explicit =
    asked.videoDuration ??
    (asked.param === undefined
      ? undefined
      : typeof asked.param === 'number'
        ? asked.param
        : Number(asked.param));
  if (explicit !== undefined) {
    if (Number.isFinite(explicit) && allowed.includes(explicit)) return { ok: true, seconds: explicit };
    const what = asked.videoDuration !== undefined ? 'videoDuration' : `params.${video.durationInput}`;
    return {
      ok: false,
      message: `${what} ${JSON.stringify(asked.videoDuration ?? asked.param)} is not a clip length this model makes (${allowedText(allowed)})`,
    };
  }
  const want = asked.editSeconds;
  if (want === undefined || !Number.isFinite(want) || want <= 0) return { ok: true, seconds: allowed[0]! };
  return { ok: true, seconds: allowed.find((d) => d >= want) ?? allowed[allowed.length - 1]! };
}

/** What one variation costs: per second of output for a video model that has a price, else per image. */
export function jobCostUsd(request: Pick<GenerationRequest, 'model' | 'video' | 'tts'>): number | undefined {
  const { model } = request;
  if (model.tts?.pricePer1kCharsUsd !== undefined && request.tts) {
    return (model.tts.pricePer1kCharsUsd * request.tts.text.length) / 1000;
  }
  if (model.video && request.video) {
    const perSecond = model.video.pricePerSecondUsd;
    return perSecond === undefined ? model.priceUsd : perSecond * request.video.seconds;
  }
  return model.priceUsd;
}
