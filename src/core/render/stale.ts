// A shot is stale when the hash of everything its provider would receive differs from the one recorded.
// Refs enter by content hash, never by path: renaming an image changes nothing, editing it changes all
// shots that use it.
import type { ShotSpec } from '../project/spec';
import { variationSeed } from '../project/spec';
import type { Provider, RefInput } from '../providers/types';
import { hashJson } from '../util/hash';

const HASH_VERSION = 1;

function commonInputs(spec: ShotSpec, refs: RefInput[]) {
  return {
    v: HASH_VERSION,
    provider: spec.model.provider,
    model: spec.model.id,
    endpoint: spec.model.endpoint,
    prompt: spec.prompt,
    negativePrompt: spec.negativePrompt,
    steps: spec.steps,
    aspectRatio: spec.aspectRatio,
    width: spec.width,
    height: spec.height,
    params: spec.params,
    refs: refs.map((r) => ({ role: r.role, sha256: r.sha256 })),
    // Absent (so left out of the hash) for image shots: their hashes are what they always were.
    videoSeconds: spec.video?.seconds,
  };
}

/** The shot-level hash recorded in project.json: all variations, all inputs. */
export function shotInputHash(spec: ShotSpec, refs: RefInput[], extra: Record<string, unknown> = {}): string {
  return hashJson({ ...commonInputs(spec, refs), seed: spec.baseSeed, variations: spec.variations, extra });
}

/** The result-cache key of one variation: going from 2 to 4 variations keeps the first two cached. */
export function variationKey(
  spec: ShotSpec,
  refs: RefInput[],
  variation: number,
  extra: Record<string, unknown> = {},
): string {
  const { variations: _n, ...rest } = extra;
  return hashJson({ ...commonInputs(spec, refs), seed: variationSeed(spec, variation), extra: rest });
}

export function providerExtras(
  provider: Provider | undefined,
  spec: ShotSpec,
  refs: RefInput[],
  variation = 1,
) {
  if (!provider?.fingerprint) return {};
  return provider.fingerprint({
    shotId: spec.shot.id,
    variation,
    variations: spec.variations,
    model: spec.model,
    prompt: spec.prompt,
    negativePrompt: spec.negativePrompt,
    seed: variationSeed(spec, variation),
    steps: spec.steps,
    width: spec.width,
    height: spec.height,
    aspectRatio: spec.aspectRatio,
    params: spec.params,
    refs,
    labels: spec.labels,
    refUrls: new Map(),
    ...(spec.video ? { video: { seconds: spec.video.seconds } } : {}),
  });
}
