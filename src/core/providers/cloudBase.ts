// What the fal and Replicate providers share: the guarded fetch (routing, bounds, who gets the key),
// transient poll failures ridden out with backoff (one failed status poll must not fail a paid render),
// and cheap validation of uploaded URLs.
import type { DailiesConfig } from '../config';
import type { RateLimiter } from '../render/rateLimiter';
import { sleep } from '../util/abort';
import { DailiesError } from '../util/errors';
import type { Lookup } from './egress';
import { HttpGuard } from './httpGuard';
import { nodeFetch } from './nodeFetch';
import type { FetchFn, Router } from './routes';

export interface CloudProviderOptions {
  /** Absent only for fal behind a server proxy that adds the key itself. */
  key?: string;
  config: DailiesConfig;
  rate?: RateLimiter;
  /** Status poll interval (default 500 ms, as both SDKs use). */
  pollMs?: number;
  /** The transport underneath everything (nodeFetch: node's http/https, which VS Code's proxy support patches). */
  fetch?: FetchFn;
  /** Name resolution for the address checks (the system resolver by default). */
  lookup?: Lookup;
}

export interface GuardSpec {
  label: string;
  /** The configured base URL, if any, and how requests are routed to it. */
  base?: string;
  route?: Router;
  /** The provider's API hosts: the only ones besides the base URL that may receive the key. */
  apiHosts: RegExp;
}

export function makeGuard(options: CloudProviderOptions, spec: GuardSpec): HttpGuard {
  const inner = options.fetch ?? nodeFetch;
  const { config } = options;
  // Replicate's client already addresses API calls to the override (its baseUrl); they count too.
  const baseHost = spec.base ? new URL(spec.base).hostname : undefined;
  return new HttpGuard({
    fetch: inner,
    egress: {
      label: spec.label,
      keyHosts: spec.apiHosts,
      trusted: spec.base ? [spec.base] : [],
      route: spec.route,
      lookup: options.lookup,
    },
    via: spec.base,
    rate: options.rate,
    requestTimeoutMs: config.timeouts.requestMs,
    idleTimeoutMs: config.timeouts.idleMs,
    download: { totalMs: config.timeouts.downloadMs, maxBytes: config.downloads.maxBytes },
    isApiHost: (host) => spec.apiHosts.test(host) || host === baseHost,
  });
}

const MAX_TRANSIENT = 8;

/**
 * Runs one poll; retryable failures wait (backoff, or Retry-After) and try again, up to a bound. A poll
 * that still fails leaves the job at the provider, so the error says a retry should re-attach to it
 * (unless the caller's mapping already decided otherwise).
 */
export async function pollOnce<T>(
  fn: () => Promise<T>,
  mapError: (e: unknown) => DailiesError,
  signal: AbortSignal,
): Promise<T> {
  for (let failures = 0; ; failures++) {
    try {
      return await fn();
    } catch (raw) {
      const err = mapError(raw);
      if (signal.aborted) throw new DailiesError('canceled', 'Canceled');
      if (!err.retryable) throw err;
      if (failures >= MAX_TRANSIENT) {
        throw err.details.reattach === false
          ? err
          : new DailiesError(err.code, err.message, { ...err.details, reattach: true });
      }
      await sleep(err.details.retryAfterMs ?? Math.min(30_000, 500 * 2 ** failures), signal);
    }
  }
}

/** GET with `Range: bytes=0-0` (HEAD never reuses a connection in undici): true = still served. */
export async function probeUrl(
  guard: HttpGuard,
  url: string,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<boolean> {
  const init = { method: 'GET', headers: { Range: 'bytes=0-0', ...headers }, signal };
  const res = await guard.download(url, init, 'probe');
  // A server that ignores Range would send the whole file: the status is all that is needed.
  await res.body?.cancel().catch(() => undefined);
  if (res.ok) return true;
  if (res.status === 404 || res.status === 403 || res.status === 410) return false;
  throw new DailiesError('server', `Checking ${new URL(url).host} failed: HTTP ${res.status}`, {
    retryable: true,
    status: res.status,
  });
}

export function ttlSeconds(config: DailiesConfig, provider: 'fal' | 'replicate'): number {
  return Math.max(60, Math.round(config.uploadTtlMs[provider] / 1000));
}
