// The embedded default provider: no key, no network. It draws a real storyboard frame with sharp — the
// scene's decor as the plate, the cast's refs as figures, the shot id, prompt and variation as a slate —
// deterministic by seed, with simulated steps and latency so it can stand in for a cloud model.
import { locateFfmpeg } from '../cut/ffmpeg';
import type { DraftFrameSpec } from '../media/draftFrame';
import { draftVideo } from '../media/draftVideo';
import { mediaPool } from '../media/workerPool';
import { AdaptiveLimiter } from '../render/limiter';
import { sleep, throwIfAborted } from '../util/abort';
import { DailiesError } from '../util/errors';
import { seededRandom } from '../util/random';
import type { GenerationRequest, GenerationResult, Provider, ProviderContext } from './types';

export interface DraftOptions {
  /** Simulated generation time per variation, spread over the steps. */
  latencyMs: number;
  /** ± this much, deterministic per seed, so a simulated batch has the uneven durations of a real one. */
  jitterMs?: number;
  /** Steps reported when the shot names none. */
  steps?: number;
  /** ffmpeg for draft videos (absolute); the bundled one when unset. */
  ffmpegPath?: string;
}

// Draft clips are encoded two at a time (each is an ffmpeg process of its own): queued rather than all
// started together, they finish one after another instead of all at the end of the batch.
const encoding = new AdaptiveLimiter('draft-videos', 2);

export class DraftProvider implements Provider {
  readonly id = 'draft' as const;
  readonly needsUploads = false;

  constructor(private options: DraftOptions) {}

  configure(options: DraftOptions): void {
    this.options = options;
  }

  fingerprint(request: GenerationRequest): Record<string, unknown> {
    // The frame prints these, so they are inputs too (the draft look itself is versioned by `draft`).
    const base = { draft: 2, shotId: request.shotId, labels: request.labels, variations: request.variations };
    return request.model.video ? { ...base, draftVideo: 1 } : base;
  }

  async generate(request: GenerationRequest, ctx: ProviderContext): Promise<GenerationResult> {
    if (request.model.video) return this.generateVideo(request, ctx);
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

  /** A real short H.264 clip of the start frame with a camera move (see media/draftVideo.ts). */
  private async generateVideo(request: GenerationRequest, ctx: ProviderContext): Promise<GenerationResult> {
    const started = Date.now();
    const start = request.refs.find((r) => r.role === 'start');
    if (!start?.abs) {
      throw new DailiesError(
        'validation',
        start
          ? `${start.source ?? 'from'}: the draft provider works offline; its start frame must be an image in the project, not a URL`
          : `${request.shotId}: a video needs a start frame`,
      );
    }
    if (!ctx.scratchDir) throw new DailiesError('internal', 'The draft video has no scratch folder');
    const ffmpeg = locateFfmpeg({ setting: this.options.ffmpegPath }).path;
    ctx.onSubmitted(`draft-${request.shotId}-v${request.variation}-${started.toString(36)}`);
    const data = await encoding.run(
      () =>
        draftVideo({
          start: start.abs!,
          aspectRatio: request.aspectRatio,
          seconds: request.video?.seconds ?? 3,
          seed: request.seed,
          ffmpeg,
          scratchDir: ctx.scratchDir!,
          signal: ctx.signal,
          onFrame: (step, steps) => ctx.onProgress({ state: 'running', step, steps }),
        }),
      ctx.signal,
    );
    return { outputs: [{ kind: 'bytes', data, mime: 'video/mp4' }], runMs: Date.now() - started };
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
    // A still's frame draws its cast, decor and inset; start/end frames belong to video shots only.
    refs: req.refs.flatMap((r) => {
      if (r.role !== 'cast' && r.role !== 'decor' && r.role !== 'shot') return [];
      return [{ role: r.role, owner: r.owner, label: r.label, abs: r.abs, rel: r.rel, source: r.source }];
    }),
  };
}
