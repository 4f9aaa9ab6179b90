// 9. A video output made reviewable: a 5 s 1080p H.264 clip (with an AAC track, as providers send) →
// Dailies' proxy + poster + WebP thumbnail (probe, one decoding pass for proxy and poster, sharp for the
// thumbnail — see src/core/media/video.ts) against ONE plain ffmpeg invocation writing the same three
// files (proxy, poster, WebP thumbnail) from one decode. Alternated, repeated, medians reported side by
// side; the difference is what the probe and the frame-count check cost.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { resolveConfig } from '../src/core/config';
import { locateFfmpeg } from '../src/core/cut/ffmpeg';
import { makeThumbnail } from '../src/core/media/image';
import { makeReviewMedia } from '../src/core/media/video';
import { type BenchRow, ratio, timed } from './lib/report';

const REPEATS = 3;
const run = promisify(execFile);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function runVideoBench(): Promise<BenchRow[]> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dailies-bench-video-'));
  try {
    const ffmpeg = locateFfmpeg({ env: {} }).path;
    const clip = path.join(dir, 'clip.mp4');
    await run(ffmpeg, [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1920x1080:rate=24:duration=5',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=5',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      '-movflags',
      '+faststart',
      clip,
    ]);
    const thumbnails = resolveConfig({}).thumbnails;
    const ours: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const work = path.join(dir, `ours-${i}`);
      ours.push(
        (
          await timed(async () => {
            const media = await makeReviewMedia(clip, work, { ffmpeg });
            await fs.writeFile(
              path.join(work, 'thumb.webp'),
              await makeThumbnail(media.poster.file, thumbnails),
            );
          })
        ).ms,
      );
      plain.push(
        (await timed(() => plainOnePass(ffmpeg, clip, path.join(dir, `plain-${i}`), thumbnails.size))).ms,
      );
    }
    const value = median(ours);
    const baseline = median(plain);
    return [
      {
        bench: 'video',
        metric: `proxy + poster + thumbnail of a 5 s 1080p clip (median of ${REPEATS})`,
        value,
        unit: 'ms',
        baseline: { label: 'one plain ffmpeg invocation', value: baseline },
        ratio: ratio(value, baseline),
        note: 'ours adds a one-frame probe and checks the decoded frame count',
      },
    ];
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The same three files from one ffmpeg command: no probe, no verification. */
async function plainOnePass(ffmpeg: string, clip: string, out: string, thumb: number): Promise<void> {
  await fs.mkdir(out, { recursive: true });
  await run(ffmpeg, [
    '-v',
    'error',
    '-y',
    '-i',
    clip,
    '-map',
    '0:v:0',
    '-vf',
    'scale=640:360,setsar=1,format=yuv420p',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '28',
    '-profile:v',
    'main',
    '-an',
    '-movflags',
    '+faststart',
    path.join(out, 'proxy.mp4'),
    '-map',
    '0:v:0',
    '-vf',
    'select=gte(t\\,2)',
    '-frames:v',
    '1',
    '-q:v',
    '3',
    path.join(out, 'poster.jpg'),
    '-map',
    '0:v:0',
    '-vf',
    `select=gte(t\\,2),scale=${thumb}:-2:flags=lanczos`,
    '-frames:v',
    '1',
    '-c:v',
    'libwebp',
    '-quality',
    '80',
    path.join(out, 'thumb.webp'),
  ]);
}
