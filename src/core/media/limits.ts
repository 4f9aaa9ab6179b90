// The bound on pixels: every image Dailies did not draw itself (refs, outputs, draft inputs) has its
// header read first and is refused, named with its size, before anything decodes a decompression bomb.
import type { Metadata, SharpOptions } from 'sharp';
import { DailiesError, type ErrorCode } from '../util/errors';
import { sharp } from './sharpSetup';

/**
 * The most pixels Dailies decodes from one image (8192 × 8192, about 64 MP): far above any model's
 * output or a sensible reference, far below what a few-kilobyte decompression bomb can declare.
 */
export const MAX_INPUT_PIXELS = 8192 * 8192;

/** Options for every decode of an image Dailies did not draw itself: pixel limit, first page only. */
export const DECODE_LIMITS: SharpOptions = { limitInputPixels: MAX_INPUT_PIXELS, pages: 1 };

/**
 * Reads the header only (no pixels) and refuses an image whose first page is over the limit, naming its
 * size, before anything decodes it. Not an image at all: `notImage` is thrown.
 */
export async function checkedMetadata(
  input: Uint8Array | string,
  code: ErrorCode,
  notImage: () => DailiesError,
  subject = 'the image is',
): Promise<Metadata> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false, pages: 1 }).metadata();
  } catch {
    throw notImage();
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width * height > MAX_INPUT_PIXELS) {
    throw new DailiesError(
      code,
      `${subject} too large (${width} × ${height}); the limit is ${Math.round(MAX_INPUT_PIXELS / 1e6)} MP`,
    );
  }
  return meta;
}
