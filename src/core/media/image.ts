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

const IMAGE_FORMATS: Record<string, { ext: string; mime: string }> = {
  png: { ext: 'png', mime: 'image/png' },
  jpeg: { ext: 'jpg', mime: 'image/jpeg' },
  webp: { ext: 'webp', mime: 'image/webp' },
  gif: { ext: 'gif', mime: 'image/gif' },
  avif: { ext: 'avif', mime: 'image/avif' },
  heif: { ext: 'heic', mime: 'image/heic' },
  tiff: { ext: 'tiff', mime: 'image/tiff' },
};

export interface ThumbnailOptions {
  size: number;
  quality: number;
}

export interface VerifiedImage {
  format: string;
  ext: string;
  mime: string;
  width: number;
  height: number;
  /** WebP thumbnail inside a `size` box; producing it decodes every pixel, which is the real check. */
  thumbnail: Buffer;
}

/**
 * Proves bytes are a whole, decodable image (a truncated PNG passes a header check but not this) and
 * makes its thumbnail in the same decode.
 */
export async function verifyAndThumbnail(
  input: Uint8Array | string,
  options: ThumbnailOptions,
): Promise<VerifiedImage> {
  const meta = await checkedMetadata(
    input,
    'bad-output',
    () => new DailiesError('bad-output', 'not an image (unrecognised or corrupt data)'),
  );
  const kind = meta.format ? IMAGE_FORMATS[meta.format] : undefined;
  if (!kind || !meta.width || !meta.height) {
    throw new DailiesError('bad-output', `unsupported image format "${meta.format ?? 'unknown'}"`);
  }
  let thumbnail: Buffer;
  try {
    thumbnail = await makeThumbnail(input, options);
  } catch (err) {
    throw new DailiesError('bad-output', `corrupt ${meta.format} image: ${(err as Error).message}`);
  }
  return {
    format: meta.format!,
    ext: kind.ext,
    mime: kind.mime,
    width: meta.width,
    height: meta.height,
    thumbnail,
  };
}

export function makeThumbnail(input: Uint8Array | string, options: ThumbnailOptions): Promise<Buffer> {
  return sharp(input, { ...DECODE_LIMITS, failOn: 'error' })
    .rotate()
    .resize(options.size, options.size, { fit: 'inside', kernel: 'lanczos3', withoutEnlargement: true })
    .webp({ quality: options.quality, effort: 4 })
    .toBuffer();
}

export function mimeOfExt(ext: string): string {
  return Object.values(IMAGE_FORMATS).find((f) => f.ext === ext)?.mime ?? 'application/octet-stream';
}

export function extOfMime(mime: string): string | undefined {
  return Object.values(IMAGE_FORMATS).find((f) => f.mime === mime.split(';')[0]?.trim())?.ext;
}
