// An in-process provider for scheduling tests: it records concurrency per class, can fail on cue, and
// answers with real PNG bytes so the whole pipeline (verify, thumbnail, store, write-back) runs.
import sharp from 'sharp';
import type {
  GenerationRequest,
  GenerationResult,
  Provider,
  ProviderContext,
} from '../../src/core/providers/types';
import { sleep } from '../../src/core/util/abort';
import type { DailiesError } from '../../src/core/util/errors';

export interface FakeProviderOptions {
  latencyMs?: number | ((req: GenerationRequest) => number);
  /** Throws this for a request (return undefined to succeed). Called per attempt. */
  fail?: (req: GenerationRequest, attempt: number) => DailiesError | undefined;
  id?: 'draft' | 'fal' | 'replicate';
}

export class FakeProvider implements Provider {
  readonly id: 'draft' | 'fal' | 'replicate';
  readonly needsUploads = false;
  running = 0;
  peak = 0;
  /** Peak concurrency per model class. */
  peakByClass = new Map<string, number>();
  private runningByClass = new Map<string, number>();
  calls: { shotId: string; variation: number; at: number }[] = [];
  attempts = new Map<string, number>();
  canceledIds: string[] = [];

  constructor(private readonly options: FakeProviderOptions = {}) {
    this.id = options.id ?? 'draft';
  }

  async generate(req: GenerationRequest, ctx: ProviderContext): Promise<GenerationResult> {
    const key = `${req.shotId}#${req.variation}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    this.calls.push({ shotId: req.shotId, variation: req.variation, at: Date.now() });
    const cls = req.model.class;
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    this.runningByClass.set(cls, (this.runningByClass.get(cls) ?? 0) + 1);
    this.peakByClass.set(cls, Math.max(this.peakByClass.get(cls) ?? 0, this.runningByClass.get(cls)!));
    try {
      ctx.onSubmitted(`req-${key}-${attempt}`);
      const error = this.options.fail?.(req, attempt);
      const latency =
        typeof this.options.latencyMs === 'function'
          ? this.options.latencyMs(req)
          : (this.options.latencyMs ?? 5);
      ctx.onProgress({ state: 'running', step: 1, steps: 2 });
      await sleep(latency, ctx.signal);
      if (error) throw error;
      ctx.onProgress({ state: 'running', step: 2, steps: 2 });
      return { outputs: [{ kind: 'bytes', data: await png(req.seed), mime: 'image/png' }] };
    } finally {
      this.running--;
      this.runningByClass.set(cls, this.runningByClass.get(cls)! - 1);
    }
  }

  async cancel(requestId: string): Promise<undefined> {
    this.canceledIds.push(requestId);
    return undefined;
  }
}

const cache = new Map<number, Buffer>();
async function png(seed: number): Promise<Buffer> {
  let b = cache.get(seed);
  if (!b) {
    const c = (seed * 2654435761) >>> 0;
    b = await sharp({
      create: {
        width: 64,
        height: 36,
        channels: 3,
        background: { r: c & 255, g: (c >> 8) & 255, b: (c >> 16) & 255 },
      },
    })
      .png()
      .toBuffer();
    cache.set(seed, b);
  }
  return b;
}
