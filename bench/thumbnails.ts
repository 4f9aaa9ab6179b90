// 3. Thumbnails: 200 × 4 MP JPEG and 200 × 2048² PNG → 400 px WebP (Lanczos, q80). Dailies' pipeline
// (full decode check + thumbnail, 2 in flight, libvips threads = 1) against raw sharp, same settings.
import sharp from 'sharp';
import { verifyAndThumbnail } from '../src/core/media/image';
import { mapLimit } from '../src/core/util/mapLimit';
import { type BenchRow, ratio, timed } from './lib/report';

const COUNT = 200;
const DISTINCT = 20;

async function inputs(kind: 'jpeg' | 'png'): Promise<Buffer[]> {
  const [w, h] = kind === 'jpeg' ? [2304, 1728] : [2048, 2048];
  const distinct = await Promise.all(
    Array.from({ length: DISTINCT }, async (_, i) => {
      // Noise makes the encoders and decoders do realistic work (a flat image decodes in no time).
      const noise = await sharp({
        create: {
          width: w,
          height: h,
          channels: 3,
          background: { r: i * 12, g: 80, b: 160 },
          noise: { type: 'gaussian', mean: 128, sigma: 40 },
        },
      })
        .blur(1.2)
        .toFormat(kind, kind === 'jpeg' ? { quality: 90 } : { compressionLevel: 6 })
        .toBuffer();
      return noise;
    }),
  );
  return Array.from({ length: COUNT }, (_, i) => distinct[i % DISTINCT]!);
}

export async function runThumbnailBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const options = { size: 400, quality: 80 };
  for (const kind of ['jpeg', 'png'] as const) {
    const files = await inputs(kind);
    sharp.cache(false);
    // Raw sharp: the library's defaults (libvips threads = cores), one image at a time.
    const raw = await timed(async () => {
      for (const f of files)
        await sharp(f)
          .resize(400, 400, { fit: 'inside', kernel: 'lanczos3' })
          .webp({ quality: 80 })
          .toBuffer();
    });
    // Dailies: verification decode + thumbnail through the media limiter (2 in flight).
    let bytes = 0;
    const ours = await timed(() =>
      mapLimit(files, 2, async (f) => {
        const v = await verifyAndThumbnail(f, options);
        bytes += v.thumbnail.length;
      }),
    );
    const label = kind === 'jpeg' ? '4 MP JPEG' : '2048² PNG';
    const rawRate = (COUNT / raw.ms) * 1000;
    const ourRate = (COUNT / ours.ms) * 1000;
    rows.push({
      bench: 'thumbnails',
      metric: `${label} → 400 px WebP: throughput`,
      value: ourRate,
      unit: 'img/s',
      baseline: { label: 'raw sharp', value: rawRate },
      ratio: ratio(ourRate, rawRate),
      note: 'ours includes a full-decode check',
    });
    rows.push({
      bench: 'thumbnails',
      metric: `${label}: average thumbnail`,
      value: bytes / COUNT,
      unit: 'B',
    });
  }
  return rows;
}
