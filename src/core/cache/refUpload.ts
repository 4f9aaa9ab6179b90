// One reference uploaded to one provider: read, prescaled to what the model can use, sent with retries
// (one 429 or 503 must not fail every shot that uses this ref), and the URL's lifetime set to the
// provider's stated expiry or the user's TTL, whichever is sooner. The upload cache decides when.
import { promises as fs } from 'node:fs';
import type { DailiesConfig } from '../config';
import { prescale } from '../media/prescale';
import type { Provider, RefInput } from '../providers/types';
import { withRetry } from '../render/retry';
import { DailiesError, toDailiesError } from '../util/errors';
import type { UploadEntry } from './uploadCache';

export type UploadLogger = (
  level: 'debug' | 'info' | 'warn' | 'error',
  tag: 'PREWARM' | 'CACHE' | 'UPLOAD',
  message: string,
) => void;

export interface RefUploadContext {
  config: DailiesConfig;
  now: () => number;
  log: UploadLogger;
}

/** A ref as the log names it: where it is used, and its path, URL or hash. */
export function label(ref: RefInput): string {
  const name = ref.rel ?? ref.url ?? ref.sha256.slice(0, 12);
  return ref.source ? `${ref.source} (${name})` : name;
}

/** `scaled` says how the image was prescaled, for the log; undefined when it went as it was. */
export async function uploadRef(
  provider: Provider,
  ref: RefInput,
  { config, now, log }: RefUploadContext,
  signal: AbortSignal,
): Promise<{ entry: UploadEntry; scaled?: string }> {
  if (!provider.upload || !ref.abs)
    throw new DailiesError('internal', `${provider.id} cannot upload ${label(ref)}`);
  const original = await fs.readFile(ref.abs);
  let image: Awaited<ReturnType<typeof prescale>>;
  try {
    image = await prescale(original, config.prescale);
  } catch (err) {
    throw new DailiesError('ref-not-image', `Reference ${label(ref)} ${toDailiesError(err).message}`);
  }
  const ext = image.mime === 'image/jpeg' ? 'jpg' : image.mime === 'image/webp' ? 'webp' : 'png';
  const file = { bytes: image.bytes, mime: image.mime, name: `${ref.sha256.slice(0, 16)}.${ext}` };
  const upload = provider.upload.bind(provider);
  const result = await withRetry(() => upload(file, signal), config.retry, {
    signal,
    onRetry: ({ attempt, delayMs, error }) =>
      log(
        'warn',
        'UPLOAD',
        `${label(ref)}: ${error.message}; retry ${attempt}/${config.retry.attempts - 1} in ${(delayMs / 1000).toFixed(1)} s`,
      ),
  });
  const uploadedAt = now();
  const ttlMs = config.uploadTtlMs[provider.id as 'fal' | 'replicate'] ?? 3600_000;
  const entry: UploadEntry = {
    provider: provider.id,
    sha256: ref.sha256,
    size: ref.size,
    url: result.url,
    uploadedAt,
    // The provider's stated expiry, or the user's TTL (dailies.uploadTtlHours.*) if that is sooner.
    expiresAt: Math.min(result.expiresAt ?? Number.POSITIVE_INFINITY, uploadedAt + ttlMs),
    source: 'upload',
  };
  return { entry, scaled: image.scaled ? `prescaled to ${image.width}×${image.height}` : undefined };
}
