// The embedded default provider: no key, no network. It draws a real storyboard frame with sharp — the
// scene's decor as the plate, the cast's refs as figures, the shot id, prompt and variation as a slate —
// deterministic by seed, with simulated steps and latency so it can stand in for a cloud model.
import type { DraftFrameSpec } from '../media/draftFrame';
import { mediaPool } from '../media/workerPool';
import { sleep, throwIfAborted } from '../util/abort';
import { seededRandom } from '../util/random';
import type { GenerationRequest, GenerationResult, Provider, ProviderContext } from './types';

export interface DraftOptions {
  /** Simulated generation time per variation, spread over the steps. */
  latencyMs: number;
  /** ± this much, deterministic per seed, so a simulated batch has the uneven durations of a real one. */
  jitterMs?: number;
  /** Steps reported when the shot names none. */
  steps?: number;
}

export class DraftProvider implements Provider {
  readonly id = 'draft' as const;
  readonly needsUploads = false;

  constructor(private options: DraftOptions) {}

  configure(options: DraftOptions): void {
    this.options = options;
  }

  fingerprint(request: GenerationRequest): Record<string, unknown> {
    // The frame prints these, so they are inputs too (the draft look itself is versioned by `draft`).
    return { draft: 2, shotId: request.shotId, labels: request.labels, variations: request.variations };
  }

  async generate(request: GenerationRequest, ctx: ProviderContext): Promise<GenerationResult> {
    const started = Date.now();
    ctx.onSubmitted(`draft-${request.shotId}-v${request.variation}-${started.toString(36)}`);
    const steps = Math.max(1, request.steps);
    const jitter = this.options.jitterMs
      ? (seededRandom(request.seed ^ 0x5bd1e995)() * 2 - 1) * this.options.jitterMs
      : 0;
    const stepMs = Math.max(0, this.options.latencyMs + jitter) / steps;
    // Drawn by the media worker pool, one frame per worker at a time, first come first served: queued
    // rather than all started together, frames finish one wave after another, not all at the end.
    const frame = mediaPool().draftFrame(frameSpec(request));
    // Drawing overlaps the simulated steps; mark it handled so an early failure waits for the await below.
    frame.catch(() => undefined);
    for (let step = 1; step <= steps; step++) {
      throwIfAborted(ctx.signal);
      if (stepMs > 0) await sleep(stepMs, ctx.signal);
      ctx.onProgress({ state: 'running', step, steps });
    }
    const data = await frame;
    ctx.log(`frame drawn in ${mediaPool().where}`);
    throwIfAborted(ctx.signal);
    return { outputs: [{ kind: 'bytes', data, mime: 'image/jpeg' }], runMs: Date.now() - started };
  }
}

/** What the frame shows, and nothing else: the worker gets a plain, cloneable object. */
function frameSpec(req: GenerationRequest): DraftFrameSpec {
  return {
    shotId: req.shotId,
    variation: req.variation,
    variations: req.variations,
    prompt: req.prompt,
    seed: req.seed,
    steps: req.steps,
    width: req.width,
    height: req.height,
    aspectRatio: req.aspectRatio,
    labels: { scene: req.labels.scene, cast: [...req.labels.cast] },
    refs: req.refs.map((r) => ({
      role: r.role,
      owner: r.owner,
      label: r.label,
      abs: r.abs,
      rel: r.rel,
      source: r.source,
    })),
  };
}
