// Replicate through the real `replicate` client: predictions.create → our own polling (tqdm lines in
// `logs` give steps) → outputs downloaded at once (Replicate deletes API outputs after an hour). File
// outputs are plain URL strings (useFileOutput: false) so downloads are ours: size-capped and verified.
import Replicate, { type Prediction, parseProgressFromLogs } from 'replicate';
import { sleep, throwIfAborted } from '../util/abort';
import { DailiesError } from '../util/errors';
import { canonicalJson } from '../util/hash';
import { type CloudProviderOptions, makeGuard, pollOnce, probeUrl } from './cloudBase';
import type { HttpGuard } from './httpGuard';
import { buildInput } from './inputs';
import { mapProviderError } from './providerErrors';
import { gatewayRouter, isProviderFileUrl, REPLICATE_API_HOSTS, REPLICATE_HOSTS } from './routes';
import type {
  CancelAnswer,
  GenerationRequest,
  GenerationResult,
  JobCheck,
  Provider,
  ProviderContext,
  ProviderOutput,
  UploadResult,
} from './types';

export class ReplicateProvider implements Provider {
  readonly id = 'replicate' as const;
  readonly needsUploads = true;
  private readonly guard: HttpGuard;
  private readonly client: Replicate;
  private readonly pollMs: number;

  constructor(private readonly options: CloudProviderOptions) {
    const base = options.config.baseUrls.replicate?.replace(/\/+$/, '');
    this.guard = makeGuard(options, {
      label: 'Replicate',
      base,
      route: base ? gatewayRouter(base, REPLICATE_HOSTS) : undefined,
      apiHosts: REPLICATE_API_HOSTS,
    });
    this.client = new Replicate({
      auth: options.key,
      baseUrl: base ? `${base}/v1` : undefined,
      fetch: this.guard.fetch,
      useFileOutput: false,
      // Never "data-uri": replicate 1.4.0 then sends the client object, token included, as the input.
      fileEncodingStrategy: 'upload',
    });
    this.pollMs = options.pollMs ?? 500;
  }

  async generate(req: GenerationRequest, ctx: ProviderContext): Promise<GenerationResult> {
    const input = buildInput(req, 'replicate');
    const [model, version] = req.model.endpoint.split(':');
    const signal = ctx.submitSignal ?? ctx.signal;
    const prediction = await this.guard
      .call(() =>
        version
          ? this.client.predictions.create({ version, input, signal })
          : this.client.predictions.create({ model: model!, input, signal }),
      )
      .catch((e) => {
        throw mapProviderError(e, 'Replicate');
      });
    ctx.onSubmitted(prediction.id);
    return this.follow(prediction, ctx);
  }

  async resume(requestId: string, _req: GenerationRequest, ctx: ProviderContext): Promise<GenerationResult> {
    const prediction = await this.get(requestId, ctx.signal);
    return this.follow(prediction, ctx);
  }

  /**
   * A submit was in flight when Dailies died: look through the account's recent predictions (newest
   * first) for one of this model with exactly this input, created after the journaled intent.
   */
  async findSubmission(
    req: GenerationRequest,
    since: number,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const input = canonicalJson(buildInput(req, 'replicate'));
    const [model, version] = req.model.endpoint.split(':');
    const earliest = since - 10_000;
    // One guarded call: the SDK's retries of a failing page never reach the network twice.
    return this.guard.call(async () => {
      let pages = 0;
      for await (const page of this.client.paginate(() => this.client.predictions.list({ signal }))) {
        for (const p of page) {
          if (Date.parse(p.created_at) < earliest) return undefined;
          if (version ? p.version !== version : p.model !== model) continue;
          // One canceled or failed meanwhile is not the lost submit's job (that one nobody stopped).
          if (p.status === 'canceled' || p.status === 'failed') continue;
          const full = p.input === undefined ? await this.get(p.id, signal) : p;
          if (canonicalJson(full.input) === input) return p.id;
        }
        if (++pages >= 10) return undefined;
      }
      return undefined;
    });
  }

  /** The answer is the prediction: canceling one that already succeeded leaves it succeeded. */
  async cancel(requestId: string): Promise<CancelAnswer | undefined> {
    try {
      const p = await this.guard.call(() => this.client.predictions.cancel(requestId));
      if (p.status === 'canceled') return 'canceled';
      return p.status === 'succeeded' || p.status === 'failed' ? 'already-completed' : 'requested';
    } catch (e) {
      const err = mapProviderError(e, 'Replicate');
      if (err.code === 'not-found') return 'not-found';
      throw err;
    }
  }

  async check(requestId: string, _req: GenerationRequest, signal: AbortSignal): Promise<JobCheck> {
    let p: Prediction;
    try {
      p = await this.guard.call(() => this.client.predictions.get(requestId, { signal }));
    } catch (e) {
      const err = mapProviderError(e, 'Replicate');
      if (err.code === 'not-found') return { state: 'gone' };
      throw err;
    }
    if (p.status === 'succeeded') {
      const outputs = collectOutputs(p.output);
      if (outputs.length > 0) return { state: 'succeeded', result: { outputs, requestId: p.id } };
      return {
        state: 'failed',
        error: new DailiesError('bad-output', 'Replicate returned no output (no image or video URL)'),
      };
    }
    if (p.status === 'failed') return { state: 'failed', error: predictionFailed(p) };
    // `aborted`: its deadline passed before it started, so it never ran.
    if (p.status === 'canceled' || (p.status as string) === 'aborted') return { state: 'canceled' };
    return { state: 'pending' };
  }

  async upload(
    file: { bytes: Uint8Array; mime: string; name: string },
    signal: AbortSignal,
  ): Promise<UploadResult> {
    const blob = new File([file.bytes], file.name, { type: file.mime });
    const created = await this.guard
      .call(() => this.client.files.create(blob, {}, { signal }))
      .catch((e) => {
        throw mapProviderError(e, 'Replicate');
      });
    const expiresAt = created.expires_at ? Date.parse(created.expires_at) : undefined;
    return { url: created.urls.get, expiresAt: Number.isNaN(expiresAt) ? undefined : expiresAt };
  }

  /** Files API URLs need the token; the guard would refuse it anywhere else, and so does this. */
  async validateUpload(url: string, signal: AbortSignal): Promise<boolean> {
    if (!isProviderFileUrl('replicate', url, this.options.config.baseUrls.replicate)) return false;
    return probeUrl(this.guard, url, signal, { Authorization: `Bearer ${this.options.key}` });
  }

  fetch(url: string, init: RequestInit): Promise<Response> {
    return this.guard.download(url, init);
  }

  private get(id: string, signal: AbortSignal): Promise<Prediction> {
    return pollOnce(
      () => this.guard.call(() => this.client.predictions.get(id, { signal })),
      (e) => mapProviderError(e, 'Replicate'),
      signal,
    );
  }

  private async follow(initial: Prediction, ctx: ProviderContext): Promise<GenerationResult> {
    const started = Date.now();
    let runningAt: number | undefined;
    let p = initial;
    for (;;) {
      throwIfAborted(ctx.signal);
      if (p.status === 'succeeded') break;
      if (p.status === 'failed') throw predictionFailed(p);
      if (p.status === 'canceled') throw new DailiesError('canceled', 'Canceled at Replicate');
      // Not terminal for the SDK's own wait() (it would poll forever); it is for us.
      if (p.status === 'aborted')
        throw new DailiesError('timeout', 'Replicate aborted the prediction before it started (deadline)');
      if (p.status === 'processing') {
        runningAt ??= Date.now();
        const progress = parseProgressFromLogs(p);
        ctx.onProgress({ state: 'running', step: progress?.current, steps: progress?.total });
      } else {
        ctx.onProgress({ state: 'queued' });
      }
      await sleep(this.pollMs, ctx.signal);
      p = await this.get(p.id, ctx.signal);
    }
    const outputs = collectOutputs(p.output);
    if (outputs.length === 0)
      throw new DailiesError('bad-output', 'Replicate returned no output (no image or video URL)');
    const done = Date.now();
    const predictMs = typeof p.metrics?.predict_time === 'number' ? p.metrics.predict_time * 1000 : undefined;
    return {
      outputs,
      requestId: p.id,
      queueMs: (runningAt ?? done) - started,
      runMs: predictMs ?? (runningAt ? done - runningAt : undefined),
    };
  }
}

function predictionFailed(p: Prediction): DailiesError {
  return new DailiesError(
    'validation',
    `Replicate prediction failed: ${String(p.error ?? 'unknown error').slice(0, 300)}`,
  );
}

function collectOutputs(output: unknown): ProviderOutput[] {
  const list = Array.isArray(output) ? output : [output];
  return list
    .filter((v): v is string => typeof v === 'string' && /^(https?:|data:)/.test(v))
    .map((url) => ({ kind: 'url', url }));
}
