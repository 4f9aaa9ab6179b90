// The fetch both SDKs receive. It owns what the SDKs get wrong or do not do:
// 1. Retries. Replicate's client retries 429 (and 5xx/network on GET) six times back to back, ignoring
//    Retry-After; fal's client sleeps 1–7 s between its own retries. Inside one logical call (tracked with
//    AsyncLocalStorage) the first failure is remembered and replayed to the SDK's repeats without touching
//    the network, and retryable statuses are rewritten so neither SDK retries on its own. Our retry layer
//    (Retry-After honoured, jittered backoff, bounded attempts) is the only one.
// 2. The global per-provider request rate, and a shared pause after a 429.
// 3. Bounds on every request: idle and total time on timers held here, and bytes (boundedFetch.ts).
// 4. Where requests may go and who gets the key: base-URL routing, https and public addresses only,
//    redirects re-checked at every hop (egress.ts). Downloads take the same path with their own bounds.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RateLimiter } from '../render/rateLimiter';
import { DailiesError } from '../util/errors';
import { type Bounds, boundedFetch } from './boundedFetch';
import { type EgressPolicy, egressFetch } from './egress';
import { type FetchFn, requestUrl } from './routes';

/** Statuses our layer retries; the SDKs never see them as such. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);
/** Non-standard on purpose: outside every SDK's retry list, still ≥ 500 so it reads as a failure. */
export const GUARDED_STATUS = 599;
/** No JSON answer of either API comes near this; a bigger one is a broken or hostile server. */
export const API_BODY_LIMIT = 16 * 1024 * 1024;

export interface GuardedFailureInfo {
  status: number;
  retryAfterMs?: number;
  detail?: unknown;
  /** fal's `error_type` (runner_server_error…): the job itself failed, as opposed to a gateway hiccup. */
  errorType?: string;
}

interface CallScope {
  failure?: { response: () => Response } | { error: DailiesError };
}

export interface HttpGuardOptions {
  fetch: FetchFn;
  egress: EgressPolicy;
  /** The base URL routed requests go to, named in messages. */
  via?: string;
  rate?: RateLimiter;
  /** API calls: total per request, and the longest wait for the next data. */
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  /** Downloads: total per download, and its byte cap. */
  download: { totalMs: number; maxBytes: number };
  /** Hosts whose requests count against the rate (API hosts; CDN downloads do not). */
  isApiHost?: (host: string) => boolean;
}

export class HttpGuard {
  private readonly scope = new AsyncLocalStorage<CallScope>();
  private readonly send: FetchFn;

  constructor(private readonly options: HttpGuardOptions) {
    this.send = egressFetch(options.egress, options.fetch);
  }

  /** Runs one logical SDK call; SDK-internal repeats inside it never reach the network twice. */
  call<T>(fn: () => Promise<T>): Promise<T> {
    return this.scope.run({}, fn);
  }

  /** The base URL a request for `url` is sent to, when it is routed there. */
  private via(url: URL): string | undefined {
    return this.options.egress.route?.(url) ? this.options.via : undefined;
  }

  /** A download (output, probe of an uploaded file): same routing and checks, download bounds, no rate. */
  async download(url: string, init: RequestInit = {}, purpose: 'file' | 'probe' = 'file'): Promise<Response> {
    const target = requestUrl(url);
    const probe = purpose === 'probe';
    const bounds: Bounds = {
      totalMs: probe ? this.options.requestTimeoutMs : this.options.download.totalMs,
      idleMs: this.options.idleTimeoutMs,
      maxBytes: probe ? API_BODY_LIMIT : this.options.download.maxBytes,
      what: `${probe ? 'Checking' : 'Download of'} ${target.protocol}//${target.host}${target.pathname}`,
    };
    try {
      return await boundedFetch(this.send, url, init, bounds);
    } catch (err) {
      throw transportError(err, init.signal ?? undefined, target, this.via(target));
    }
  }

  readonly fetch: FetchFn = async (input, init) => {
    const call = this.scope.getStore();
    if (call?.failure) {
      if ('error' in call.failure) throw call.failure.error;
      return call.failure.response();
    }
    const url = requestUrl(input);
    const callerSignal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    if (this.options.rate && (this.options.isApiHost?.(url.hostname) ?? true)) {
      await this.options.rate.acquire(callerSignal ?? undefined).catch(() => {
        throw new DailiesError('canceled', 'Canceled');
      });
    }
    const via = this.via(url);
    const bounds: Bounds = {
      totalMs: this.options.requestTimeoutMs,
      idleMs: this.options.idleTimeoutMs,
      maxBytes: API_BODY_LIMIT,
      what: via ? `${url.host} (via ${via})` : url.host,
    };
    let res: Response;
    try {
      const request = input instanceof Request ? new Request(input, init) : undefined;
      res = await boundedFetch(
        this.send,
        request ? request.url : input instanceof URL ? input : String(input),
        request ? requestInit(request) : { ...init },
        bounds,
      );
    } catch (err) {
      const error = transportError(err, callerSignal ?? undefined, url, via);
      if (call) call.failure = { error };
      throw error;
    }
    if (!RETRYABLE.has(res.status)) {
      if (res.ok) this.options.rate?.onSuccess();
      return res;
    }
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    if (res.status === 429) {
      this.options.rate?.onThrottle();
      this.options.rate?.pauseFor(retryAfterMs ?? 1000);
    }
    const text = await res.text().catch(() => '');
    const parsed = parseBody(text);
    const info: GuardedFailureInfo = {
      status: res.status,
      retryAfterMs,
      detail: parsed.detail,
      errorType: parsed.errorType ?? res.headers.get('x-fal-error-type') ?? undefined,
    };
    const body = JSON.stringify({ detail: info.detail ?? res.statusText, dailies: info });
    const headers = new Headers(res.headers);
    headers.set('content-type', 'application/json');
    headers.delete('content-length');
    headers.delete('content-encoding');
    const make = () =>
      new Response(body, { status: GUARDED_STATUS, statusText: `Retryable ${res.status}`, headers });
    if (call) call.failure = { response: make };
    return make();
  };
}

function requestInit(req: Request): RequestInit & { duplex?: 'half' } {
  return {
    method: req.method,
    headers: req.headers,
    signal: req.signal,
    ...(req.body ? { body: req.body, duplex: 'half' as const } : {}),
  };
}

function transportError(err: unknown, caller: AbortSignal | undefined, url: URL, via?: string): DailiesError {
  if (err instanceof DailiesError) return err;
  if (caller?.aborted) return new DailiesError('canceled', 'Canceled');
  const target = via ? `${url.host} via ${via}` : url.host;
  const cause = (err instanceof Error && err.cause instanceof Error ? err.cause : undefined) as
    | (NodeJS.ErrnoException & { hostname?: string })
    | undefined;
  const code = cause?.code;
  // The name that failed to resolve is the one actually dialled: the override's host when there is one.
  const dialled = cause?.hostname ?? (via ? new URL(via).hostname : url.hostname);
  const why =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? `cannot resolve ${dialled}`
      : (code ?? 'connection failed');
  return new DailiesError('network', `Network error talking to ${target} (${why})`, {
    retryable: true,
    cause: err,
  });
}

export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function parseBody(text: string): { detail: unknown; errorType?: string } {
  try {
    const json = JSON.parse(text) as { detail?: unknown; error_type?: unknown };
    return {
      detail: json.detail ?? json,
      errorType: typeof json.error_type === 'string' ? json.error_type : undefined,
    };
  } catch {
    return { detail: text.slice(0, 300) || undefined };
  }
}

/** Reads the marker our guard put in an error body (fal ApiError.body, or Replicate's message text). */
export function guardedInfo(body: unknown): GuardedFailureInfo | undefined {
  if (typeof body === 'string') {
    const at = body.indexOf('{"detail"');
    if (at < 0) return undefined;
    try {
      return guardedInfo(JSON.parse(body.slice(at, body.lastIndexOf('}') + 1)));
    } catch {
      return undefined;
    }
  }
  if (body && typeof body === 'object' && 'dailies' in body) {
    const info = (body as { dailies: unknown }).dailies;
    if (info && typeof info === 'object' && typeof (info as GuardedFailureInfo).status === 'number')
      return info as GuardedFailureInfo;
  }
  return undefined;
}
