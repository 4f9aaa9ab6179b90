// Image checks and thumbnails for the engine. The decode and resize run in the media worker pool, so a
// batch's image work never competes with the extension host's own thread (see workerPool.ts).
import type { ThumbnailOptions, VerifiedImage } from './verify';
import { mediaPool } from './workerPool';

export type { ThumbnailOptions, VerifiedImage } from './verify';
export { extOfMime, makeThumbnail, mimeOfExt } from './verify';

/**
 * Proves bytes are a whole, decodable image (a truncated PNG passes a header check but not this) and
 * makes its thumbnail in the same decode.
 */
export function verifyAndThumbnail(bytes: Uint8Array, options: ThumbnailOptions): Promise<VerifiedImage> {
  return mediaPool().thumbnail(bytes, options);
}
