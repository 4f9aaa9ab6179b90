// Image checks and thumbnails for the engine. The decode and resize run in the media worker pool, so a
// batch's image work never competes with the extension host's own thread (see workerPool.ts).
import type { ThumbnailOptions, VerifiedImage } from './verify';
import { mediaPool } from './workerPool';

export { checkedMetadata, DECODE_LIMITS, MAX_INPUT_PIXELS } from './limits';
export type { ThumbnailOptions, VerifiedImage } from './verify';
export { extOfMime, makeThumbnail, mimeOfExt } from './verify';

/**
 * Proves bytes, or a file (a streamed download: a path crosses to the worker as a string, not a copy),
 * are a whole, decodable image within the pixel limit (a truncated PNG passes a header check but not
 * this), and makes its thumbnail in the same decode.
 */
export function verifyAndThumbnail(
  input: Uint8Array | string,
  options: ThumbnailOptions,
): Promise<VerifiedImage> {
  return mediaPool().thumbnail(input, options);
}
