// What the fal and Replicate providers share: the guarded fetch with base-URL redirection, transient
// poll failures ridden out with backoff (one failed status poll must not fail a paid render), and cheap
// validation of uploaded URLs.
import type { DailiesConfig } from '../config';
import type { RateLimiter } from '../render/rateLimiter';
import { sleep } from '../util/abort';
import { DailiesError } from '../util/errors';
import { HttpGuard } from './httpGuard';
import { type FetchFn, redirectingFetch } from './redirectFetch';

export interface CloudProviderOptions {
  key: string;
  config: DailiesConfig;
  rate?: RateLimiter;
  /** Status poll interval (default 500 ms, as both SDKs use). */
  pollMs?: number;
  /** The fetch underneath everything (VS Code's patched global fetch by default, for proxy support). */
  fetch?: FetchFn;
}

export function makeGuard(
  options: CloudProviderOptions,
  base: string | undefined,
  hosts: RegExp,
  apiHost: RegExp,
): HttpGuard {
  const inner = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const routed = base ? redirectingFetch({ base, hosts, fetch: inner }) : inner;
  // Replicate's client already addresses API calls to the override (its baseUrl); they count too.
  const baseHost = base ? new URL(base).hostname : undefined;
  return new HttpGuard({
    fetch: routed,
    rate: options.rate,
    requestTimeoutMs: options.config.timeouts.requestMs,
    isApiHost: (host) => apiHost.test(host) || host === baseHost,
    via: base,
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
  fetchFn: FetchFn,
  url: string,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<boolean> {
  const res = await fetchFn(url, { method: 'GET', headers: { Range: 'bytes=0-0', ...headers }, signal });
  await res.arrayBuffer().catch(() => undefined);
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
