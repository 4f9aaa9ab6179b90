// Downloads stream to a temp file (hashed on the way) so a batch of large outputs never sits in memory;
// they are size-capped while streaming (a Content-Length can lie or be absent). Time bounds, redirects
// and which hosts may be reached belong to the fetch given here (HttpGuard.download): never a bare fetch.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { bytesLabel } from '../util/bytes';
import { DailiesError, isAbortError } from '../util/errors';

export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

export interface DownloadOptions {
  maxBytes: number;
  signal?: AbortSignal;
  fetch: Fetcher;
}

export interface DownloadedFile {
  /** A temp file in the directory given; the caller moves or removes it. */
  file: string;
  sha256: string;
  size: number;
  contentType: string;
}

/** Streams `url` into a new temp file in `dir` (created if needed); removes it again on any failure. */
export async function downloadToFile(
  url: string,
  dir: string,
  options: DownloadOptions,
): Promise<DownloadedFile> {
  const res = await open(url, options);
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `dl-${process.pid}-${randomBytes(6).toString('hex')}.part`);
  // 'wx': a new file or nothing; never through a link someone left in its place.
  const handle = await fs.open(file, 'wx');
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      const c = chunk as Uint8Array;
      size += c.byteLength;
      if (size > options.maxBytes) throw tooLarge(url, options.maxBytes);
      hash.update(c);
      await handle.write(c);
    }
    await handle.close();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(file, { force: true });
    if (err instanceof DailiesError) throw err;
    throw transportError(url, err, options.signal);
  }
  return { file, sha256: hash.digest('hex'), size, contentType: res.headers.get('content-type') ?? '' };
}

/** Into memory, for small files (link-rot migration of refs); the same caps apply. */
export async function download(
  url: string,
  options: DownloadOptions,
): Promise<{ bytes: Uint8Array; contentType: string }> {
  const res = await open(url, options);
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

async function open(url: string, options: DownloadOptions): Promise<Response> {
  let res: Response;
  try {
    res = await options.fetch(url, { signal: options.signal });
  } catch (err) {
    if (err instanceof DailiesError) throw err;
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
  return res;
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
  return new DailiesError('bad-output', `Download of ${redact(url)} is larger than ${bytesLabel(max)}`);
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
