// 3. Thumbnails: 200 (DAILIES_BENCH_THUMBS) × 4 MP JPEG and 200 × 2048² PNG → 400 px WebP (Lanczos, q80). Dailies' pipeline
// (header check, then one decode to the thumbnail, on the media worker pool, 2 in flight) against raw
// sharp doing exactly the same work with the same concurrency and the same libvips settings (threads =
// 1, as Dailies sets them), in this process. Rounds alternate, the faster of two counts for each side.

import sharp from 'sharp';
import { verifyAndThumbnail } from '../src/core/media/image';
import { sharp as dailiesSharp } from '../src/core/media/sharpSetup';
import { mapLimit } from '../src/core/util/mapLimit';
import { type BenchRow, ratio, timed } from './lib/report';

const DISTINCT = 20;
const IN_FLIGHT = 2;
const OPTIONS = { size: 400, quality: 80 };

async function inputs(kind: 'jpeg' | 'png', count: number): Promise<Buffer[]> {
  const [w, h] = kind === 'jpeg' ? [2304, 1728] : [2048, 2048];
  const distinct = await Promise.all(
    Array.from({ length: DISTINCT }, async (_, i) => {
      // Noise makes the encoders and decoders do realistic work (a flat image decodes in no time).
      return sharp({
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
    }),
  );
  return Array.from({ length: count }, (_, i) => distinct[i % DISTINCT]!);
}

/** What verifyAndThumbnail does, written with sharp directly: header read, then one decode to WebP. */
async function rawSharp(bytes: Buffer): Promise<number> {
  const meta = await sharp(bytes).metadata();
  if (!meta.width || !meta.height) throw new Error('no dimensions');
  const thumb = await sharp(bytes, { failOn: 'error' })
    .rotate()
    .resize(OPTIONS.size, OPTIONS.size, { fit: 'inside', kernel: 'lanczos3', withoutEnlargement: true })
    .webp({ quality: OPTIONS.quality, effort: 4 })
    .toBuffer();
  return thumb.length;
}

async function measure(files: Buffer[], one: (f: Buffer) => Promise<number>) {
  const cpu = process.cpuUsage();
  let bytes = 0;
  const t = await timed(() =>
    mapLimit(files, IN_FLIGHT, async (f) => {
      bytes += await one(f);
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    rate: (files.length / t.ms) * 1000,
    cpuMs: (used.user + used.system) / 1000 / files.length,
    bytes,
  };
}

export async function runThumbnailBench(): Promise<BenchRow[]> {
  const count = Number(process.env.DAILIES_BENCH_THUMBS ?? 200);
  const rows: BenchRow[] = [];
  const ours = async (f: Buffer) => (await verifyAndThumbnail(f, OPTIONS)).thumbnail.length;
  for (const kind of ['jpeg', 'png'] as const) {
    const files = await inputs(kind, count);
    dailiesSharp(); // libvips configured as Dailies configures it (threads = 1) for both sides
    await ours(files[0]!); // starts the worker pool outside the measurement
    const rounds = {
      raw: [] as Awaited<ReturnType<typeof measure>>[],
      ours: [] as Awaited<ReturnType<typeof measure>>[],
    };
    for (let round = 0; round < 2; round++) {
      rounds.raw.push(await measure(files, rawSharp));
      rounds.ours.push(await measure(files, ours));
    }
    const best = (list: Awaited<ReturnType<typeof measure>>[]) =>
      list.reduce((a, b) => (b.rate > a.rate ? b : a));
    const raw = best(rounds.raw);
    const dailies = best(rounds.ours);
    const label = kind === 'jpeg' ? '4 MP JPEG' : '2048² PNG';
    rows.push(
      {
        bench: 'thumbnails',
        metric: `${label} → 400 px WebP: throughput, ${IN_FLIGHT} in flight`,
        value: dailies.rate,
        unit: 'img/s',
        baseline: { label: `raw sharp, same work, ${IN_FLIGHT} in flight`, value: raw.rate },
        ratio: ratio(dailies.rate, raw.rate),
        note: 'Dailies: on the media worker pool (bytes copied to and from the worker)',
      },
      {
        bench: 'thumbnails',
        metric: `${label}: CPU per image, all threads`,
        value: dailies.cpuMs,
        unit: 'ms',
        baseline: { label: 'raw sharp, same work', value: raw.cpuMs },
        ratio: ratio(dailies.cpuMs, raw.cpuMs),
      },
      { bench: 'thumbnails', metric: `${label}: average thumbnail`, value: dailies.bytes / count, unit: 'B' },
    );
  }
  return rows;
}
