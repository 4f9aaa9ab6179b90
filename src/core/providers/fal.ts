// fal.ai through the real @fal-ai/client: queue submit → our own status polling (logs give steps, the
// queue gives positions) → result. The request id is journaled at submit so a reload re-attaches.
// With a base URL, fal's API is reached through it in fal's proxy protocol, so a studio can run fal's
// standard server proxy: the key then lives on that server and this machine needs none.
import type { FalClient, QueueStatus } from '@fal-ai/client';
import { sleep, throwIfAborted } from '../util/abort';
import { DailiesError } from '../util/errors';
import { type CloudProviderOptions, makeGuard, pollOnce, probeUrl, ttlSeconds } from './cloudBase';
import { guardedInfo, type HttpGuard } from './httpGuard';
import { buildInput, stepFromLogs } from './inputs';
import { mapProviderError } from './providerErrors';
import { FAL_API_HOSTS, falProxyRouter, isProviderFileUrl } from './routes';
import type {
  CancelAnswer,
  GenerationRequest,
  GenerationResult,
  JobCheck,
  ModelInfo,
  Provider,
  ProviderContext,
  ProviderOutput,
  UploadResult,
} from './types';

export class FalProvider implements Provider {
  readonly id = 'fal' as const;
  readonly needsUploads = true;
  private readonly guard: HttpGuard;
  private loaded: FalClient | undefined;
  private readonly pollMs: number;

  constructor(private readonly options: CloudProviderOptions) {
    const base = options.config.baseUrls.fal;
    this.guard = makeGuard(options, {
      label: 'fal.ai',
      base,
      route: base ? falProxyRouter(base) : undefined,
      apiHosts: FAL_API_HOSTS,
    });
    this.pollMs = options.pollMs ?? 500;
  }

  /**
   * The client, made (and @fal-ai/client loaded) at the first call: its module set-up (state machines,
   * msgpack) is a noticeable part of the start-up of a run that has nothing to submit.
   */
  private get client(): FalClient {
    this.loaded ??= (require('@fal-ai/client') as typeof import('@fal-ai/client')).createFalClient({
      // Explicitly undefined without a key: the client would otherwise read FAL_KEY from the environment.
      credentials: this.options.key || undefined,
      fetch: this.guard.fetch,
      suppressLocalCredentialsWarning: true,
    });
    return this.loaded;
  }

  async generate(req: GenerationRequest, ctx: ProviderContext): Promise<GenerationResult> {
    const endpoint = req.model.endpoint;
    const input = buildInput(req, 'fal');
    const abortSignal = ctx.submitSignal ?? ctx.signal;
    const submitted = await this.guard
      .call(() => this.client.queue.submit(endpoint, { input, abortSignal }))
      .catch((e) => {
        throw this.error(e);
      });
    ctx.onSubmitted(submitted.request_id);
    ctx.onProgress({ state: 'queued', queuePosition: submitted.queue_position });
    return this.follow(endpoint, submitted.request_id, ctx);
  }

  resume(requestId: string, req: GenerationRequest, ctx: ProviderContext): Promise<GenerationResult> {
    return this.follow(req.model.endpoint, requestId, ctx);
  }

  /**
   * fal documents OK / CANCELLATION_REQUESTED / ALREADY_COMPLETED / NOT_FOUND but no status codes, and the
   * client drops a 2xx body: any 2xx is only "requested". The job's state afterwards is what counts.
   */
  async cancel(requestId: string, model: ModelInfo): Promise<CancelAnswer | undefined> {
    try {
      await this.guard.call(() => this.client.queue.cancel(model.endpoint, { requestId }));
      return 'requested';
    } catch (e) {
      const answer = (e as { body?: { status?: unknown } })?.body?.status;
      if (answer === 'ALREADY_COMPLETED') return 'already-completed';
      if (answer === 'NOT_FOUND' || (e as { status?: unknown })?.status === 404) return 'not-found';
      throw this.error(e);
    }
  }

  /** fal's status only ever says IN_QUEUE, IN_PROGRESS or COMPLETED; how it ended is in the result. */
  async check(requestId: string, req: GenerationRequest, signal: AbortSignal): Promise<JobCheck> {
    const endpoint = req.model.endpoint;
    let status: QueueStatus;
    try {
      status = await this.guard.call(() =>
        this.client.queue.status(endpoint, { requestId, logs: false, abortSignal: signal }),
      );
    } catch (e) {
      if (this.error(e).code === 'not-found') return { state: 'gone' };
      throw this.error(e);
    }
    if (status.status !== 'COMPLETED') return { state: 'pending' };
    try {
      return { state: 'succeeded', result: await this.result(endpoint, requestId, signal) };
    } catch (e) {
      const err = e instanceof DailiesError ? e : this.resultError(e);
      if (err.code === 'canceled') return { state: 'canceled' };
      if (err.code === 'not-found') return { state: 'gone' };
      if (err.retryable && err.details.reattach !== false) throw err;
      return { state: 'failed', error: err };
    }
  }

  async upload(file: { bytes: Uint8Array; mime: string; name: string }): Promise<UploadResult> {
    const expiresIn = ttlSeconds(this.options.config, 'fal');
    const blob = new File([file.bytes], file.name, { type: file.mime });
    const url = await this.guard
      .call(() => this.client.storage.upload(blob, { lifecycle: { expiresIn } }))
      .catch((e) => {
        throw this.error(e);
      });
    return { url, expiresAt: Date.now() + expiresIn * 1000 };
  }

  async validateUpload(url: string, signal: AbortSignal): Promise<boolean> {
    if (!isProviderFileUrl('fal', url, this.options.config.baseUrls.fal)) return false;
    return probeUrl(this.guard, url, signal);
  }

  fetch(url: string, init: RequestInit): Promise<Response> {
    return this.guard.download(url, init);
  }

  private async follow(endpoint: string, requestId: string, ctx: ProviderContext): Promise<GenerationResult> {
    const started = Date.now();
    let runningAt: number | undefined;
    for (;;) {
      throwIfAborted(ctx.signal);
      const status: QueueStatus = await pollOnce(
        () =>
          this.guard.call(() =>
            this.client.queue.status(endpoint, { requestId, logs: true, abortSignal: ctx.signal }),
          ),
        (e) => this.error(e),
        ctx.signal,
      );
      if (status.status === 'COMPLETED') break;
      if (status.status === 'IN_QUEUE') {
        ctx.onProgress({ state: 'queued', queuePosition: status.queue_position });
      } else {
        runningAt ??= Date.now();
        const lines = (status.logs ?? []).map((l) => l.message);
        ctx.onProgress({ state: 'running', ...stepFromLogs(lines), message: lines[lines.length - 1] });
      }
      await sleep(this.pollMs, ctx.signal);
    }
    const { outputs } = await this.result(endpoint, requestId, ctx.signal);
    const done = Date.now();
    return {
      outputs,
      requestId,
      queueMs: (runningAt ?? done) - started,
      runMs: runningAt ? done - runningAt : undefined,
    };
  }

  private async result(endpoint: string, requestId: string, signal: AbortSignal): Promise<GenerationResult> {
    const result = await pollOnce(
      () => this.guard.call(() => this.client.queue.result(endpoint, { requestId, abortSignal: signal })),
      (e) => this.resultError(e),
      signal,
    );
    const outputs = collectOutputs(result.data);
    if (outputs.length === 0)
      throw new DailiesError('bad-output', 'fal.ai returned no output (no image, video or audio URL)');
    return { outputs, requestId };
  }

  /** A result that carries fal's `error_type` is the job's own failure: resubmitting is the retry. */
  private resultError(e: unknown): DailiesError {
    const err = this.error(e);
    const body = (e as { body?: { error_type?: unknown } })?.body;
    const jobFailed = body?.error_type !== undefined || guardedInfo(body)?.errorType !== undefined;
    return err.retryable && jobFailed
      ? new DailiesError(err.code, err.message, { ...err.details, reattach: false })
      : err;
  }

  private error(e: unknown): DailiesError {
    const body = (e as { body?: { error_type?: string } })?.body;
    if (body?.error_type === 'client_cancelled') return new DailiesError('canceled', 'Canceled at fal.ai');
    const err = mapProviderError(e, 'fal.ai');
    if (err.code === 'auth' && !this.options.key && err.details.status === 401) {
      // No key here: it is the proxy's to add, so "rejected the API key" would send the user hunting.
      return new DailiesError(
        'auth',
        `fal.ai refused the request through ${this.options.config.baseUrls.fal} (HTTP 401): no fal key on this machine, and the proxy did not add one`,
        err.details,
      );
    }
    return err;
  }
}

/** fal image models answer `{images: [{url}]}`; others `{image: {url}}` or `{video: {url}}`. */
function collectOutputs(data: unknown): ProviderOutput[] {
  const out: ProviderOutput[] = [];
  const take = (v: unknown) => {
    if (typeof v === 'string' && /^(https?:|data:)/.test(v)) out.push({ kind: 'url', url: v });
    else if (v && typeof v === 'object' && typeof (v as { url?: unknown }).url === 'string')
      take((v as { url: string }).url);
  };
  if (data && typeof data === 'object') {
    const d = data as Record<string, unknown>;
    if (Array.isArray(d.images)) d.images.forEach(take);
    take(d.image);
    take(d.video);
    take(d.audio);
  }
  return out;
}
