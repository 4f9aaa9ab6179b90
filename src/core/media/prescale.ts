// Providers bill and time by input size, and most models work at ~1–2 MP anyway: refs above the limits
// are scaled down (never up) before upload. Small images pass through byte-for-byte.
import { DailiesError } from '../util/errors';
import { checkedMetadata, DECODE_LIMITS } from './limits';
import { sharp } from './sharpSetup';

export interface PrescaleLimits {
  maxPixels: number;
  maxSide: number;
}

export interface PrescaledImage {
  bytes: Uint8Array;
  mime: string;
  width: number;
  height: number;
  scaled: boolean;
}

export async function prescale(bytes: Uint8Array, limits: PrescaleLimits): Promise<PrescaledImage> {
  const meta = await checkedMetadata(
    bytes,
    'ref-too-large',
    () => new DailiesError('ref-not-image', 'is not an image (unrecognised or corrupt data)'),
    'is',
  );
  const { width = 0, height = 0, format } = meta;
  if (!width || !height) throw new DailiesError('ref-not-image', 'is not an image (no dimensions)');
  const scale = Math.min(
    1,
    limits.maxSide / Math.max(width, height),
    Math.sqrt(limits.maxPixels / (width * height)),
  );
  const mime = format === 'jpeg' ? 'image/jpeg' : format === 'webp' ? 'image/webp' : 'image/png';
  if (scale >= 1 && (format === 'png' || format === 'jpeg' || format === 'webp')) {
    return { bytes, mime, width, height, scaled: false };
  }
  const w = Math.max(1, Math.floor(width * scale));
  const h = Math.max(1, Math.floor(height * scale));
  try {
    const pipeline = sharp(bytes, { ...DECODE_LIMITS, failOn: 'error' })
      .rotate()
      .resize(w, h, { fit: 'fill', kernel: 'lanczos3' });
    const out =
      mime === 'image/jpeg'
        ? await pipeline.jpeg({ quality: 90 }).toBuffer()
        : mime === 'image/webp'
          ? await pipeline.webp({ quality: 90 }).toBuffer()
          : await pipeline.png().toBuffer();
    return { bytes: out, mime, width: w, height: h, scaled: scale < 1 };
  } catch (err) {
    throw new DailiesError('ref-not-image', `is a corrupt image: ${(err as Error).message}`);
  }
}
