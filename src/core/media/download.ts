// Downloads are size-capped while streaming (a Content-Length can lie or be absent) and time-limited.
import { anySignal } from '../util/abort';
import { DailiesError, isAbortError } from '../util/errors';

export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

export interface DownloadOptions {
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
  fetch?: Fetcher;
}

export async function download(
  url: string,
  options: DownloadOptions,
): Promise<{ bytes: Uint8Array; contentType: string }> {
  const fetcher = options.fetch ?? ((u, i) => globalThis.fetch(u, i));
  const signal = anySignal([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  let res: Response;
  try {
    res = await fetcher(url, { signal, redirect: 'follow' });
  } catch (err) {
    throw transportError(url, err, options.signal);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    const gone = res.status === 404 || res.status === 403 || res.status === 410;
    throw new DailiesError(
      gone ? 'not-found' : res.status >= 500 || res.status === 429 ? 'server' : 'network',
      `Download of ${redact(url)} failed: HTTP ${res.status}${gone ? ' (expired or deleted)' : ''}`,
      {
        status: res.status,
        retryable: !gone && (res.status >= 500 || res.status === 429),
      },
    );
  }
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > options.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge(url, options.maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body ?? []) {
      const c = chunk as Uint8Array;
      total += c.byteLength;
      if (total > options.maxBytes) throw tooLarge(url, options.maxBytes);
      chunks.push(c);
    }
  } catch (err) {
    if (err instanceof DailiesError) throw err;
    throw transportError(url, err, options.signal);
  }
  return { bytes: Buffer.concat(chunks), contentType: res.headers.get('content-type') ?? '' };
}

function transportError(url: string, err: unknown, userSignal: AbortSignal | undefined): DailiesError {
  if (userSignal?.aborted) return new DailiesError('canceled', 'Canceled');
  if (isAbortError(err) || (err instanceof Error && err.name === 'TimeoutError')) {
    return new DailiesError('timeout', `Download of ${redact(url)} timed out`, { retryable: true });
  }
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return new DailiesError('network', `Download of ${redact(url)} failed (connection error${cause})`, {
    retryable: true,
    cause: err,
  });
}

function tooLarge(url: string, max: number): DailiesError {
  return new DailiesError(
    'bad-output',
    `Download of ${redact(url)} is larger than ${Math.round(max / 2 ** 20)} MiB`,
  );
}

/** Signed URLs carry tokens in the query; logs and messages show only origin and path. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.slice(0, 80);
  }
}
