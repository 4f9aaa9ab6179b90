// A shot is stale when the hash of everything its provider would receive differs from the one recorded.
// The hash is taken from the very GenerationRequest that is sent (plan.ts builds each request once), so
// the fingerprint can never drift from what the provider gets. Refs enter by content hash, never by path:
// renaming an image changes nothing, editing it changes all shots that use it.
import type { GenerationRequest, Provider } from '../providers/types';
import { canonicalJson, hashJson, sha256 } from '../util/hash';

const HASH_VERSION = 1;

// The field set and order are part of the recorded hashes: changing them makes every shot stale.
function commonInputs(req: GenerationRequest) {
  return {
    v: HASH_VERSION,
    provider: req.model.provider,
    model: req.model.id,
    endpoint: req.model.endpoint,
    prompt: req.prompt,
    negativePrompt: req.negativePrompt,
    steps: req.steps,
    aspectRatio: req.aspectRatio,
    width: req.width,
    height: req.height,
    params: req.params,
    refs: req.refs.map((r) => ({ role: r.role, sha256: r.sha256 })),
    // Absent (so left out of the hash) for image shots: their hashes are what they always were.
    videoSeconds: req.video?.seconds,
  };
}

/** What the provider adds to the hashed inputs for this request (its `fingerprint`), or nothing. */
export function providerExtras(
  provider: Provider | undefined,
  request: GenerationRequest,
): Record<string, unknown> {
  return provider?.fingerprint?.(request) ?? {};
}

/**
 * The shot-level hash recorded in project.json: all variations, all inputs. `first` is the shot's first
 * variation's request (its seed is the shot's base seed), `extra` that request's provider extras.
 */
export function shotInputHash(first: GenerationRequest, extra: Record<string, unknown> = {}): string {
  return sha256(shotInputText(first, extra));
}

/**
 * canonicalJson({ ...commonInputs(first), seed, variations, extra }), written out in its sorted key order
 * without building that object, its key list and its refs copy: a plan hashes every shot, and a no-op
 * re-plan of 20,000 shots is mostly this. test/unit/requestHash.test.ts holds it to the general form.
 */
export function shotInputText(first: GenerationRequest, extra: Record<string, unknown>): string {
  let refs = '[';
  for (let i = 0; i < first.refs.length; i++) {
    const r = first.refs[i]!;
    refs += `${i === 0 ? '' : ','}${field(field('{', 'role', r.role), 'sha256', r.sha256)}}`;
  }
  let out = '{';
  out = field(out, 'aspectRatio', first.aspectRatio);
  out = field(out, 'endpoint', first.model.endpoint);
  out = field(out, 'extra', extra);
  out = field(out, 'height', first.height);
  out = field(out, 'model', first.model.id);
  out = field(out, 'negativePrompt', first.negativePrompt);
  out = field(out, 'params', first.params);
  out = field(out, 'prompt', first.prompt);
  out = field(out, 'provider', first.model.provider);
  out += `${out.length > 1 ? ',' : ''}"refs":${refs}]`;
  out = field(out, 'seed', first.seed);
  out = field(out, 'steps', first.steps);
  out = field(out, 'v', HASH_VERSION);
  out = field(out, 'variations', first.variations);
  out = field(out, 'videoSeconds', first.video?.seconds);
  out = field(out, 'width', first.width);
  return `${out}}`;
}

/** `out` (an object's text so far, from its `{`) with `"key":value` added, or as it was for undefined. */
function field(out: string, key: string, value: unknown): string {
  return value === undefined ? out : `${out}${out.length > 1 ? ',' : ''}"${key}":${canonicalJson(value)}`;
}

/** The result-cache key of one variation: going from 2 to 4 variations keeps the first two cached. */
export function variationKey(request: GenerationRequest, extra: Record<string, unknown> = {}): string {
  const { variations: _n, ...rest } = extra;
  return hashJson({ ...commonInputs(request), seed: request.seed, extra: rest });
}
