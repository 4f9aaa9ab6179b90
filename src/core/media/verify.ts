// Proof that bytes are a whole image, and its thumbnail, in one decode: the pixel work behind
// image.ts's verifyAndThumbnail, run by a media worker (or in process when workers are unavailable).
import { DailiesError } from '../util/errors';
import { checkedMetadata, DECODE_LIMITS } from './limits';
import { sharp } from './sharpSetup';

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
 * Proves bytes (or a file) are a whole, decodable image within the pixel limit (a truncated PNG passes a header check but not this) and
 * makes its thumbnail in the same decode.
 */
export async function verifyImage(
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
