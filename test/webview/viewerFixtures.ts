// A shot for the take viewer: four takes as real full-size PNGs (a 2.39:1 frame, 2400 px wide) with
// their WebP thumbnails, and two kept versions, served by the harness under /p/. Full images can be held
// back (a gate) to see the thumbnails first. Also used by the bench.
import sharp from 'sharp';
import type { TakeImage, VersionInfo, ViewerShot } from '../../src/shared/viewerProtocol';
import type { ExtraFiles } from './harness';

export const FULL = { width: 2400, height: 1004 };
const THUMB = { width: 400, height: 167 };

function frameSvg(width: number, height: number, hue: number, label: string): string {
  const bars = Array.from({ length: 12 }, (_, i) => {
    const h = ((i * 37 + hue) % 60) + 20;
    return `<rect x="${(i * width) / 12}" y="${height * (1 - h / 100)}" width="${width / 14}" height="${(height * h) / 100}" fill="hsl(${hue},30%,${15 + (i % 3) * 6}%)"/>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="hsl(${hue},45%,28%)"/>
    <circle cx="${width * 0.7}" cy="${height * 0.3}" r="${height * 0.12}" fill="hsl(${(hue + 180) % 360},80%,72%)"/>
    ${bars}
    <text x="${width * 0.05}" y="${height * 0.2}" font-size="${height * 0.12}" fill="white" font-family="sans-serif">${label}</text>
  </svg>`;
}

export interface ViewerFiles {
  files: ExtraFiles;
  /** Full images wait for this when set (thumbnails never do). */
  gate?: Promise<void>;
}

/** Registers the images of `takes` takes and `versions` older versions under /p/ of the harness. */
export async function makeViewerFiles(files: ExtraFiles, prefix = 'S'): Promise<void> {
  const jobs: Promise<void>[] = [];
  for (let v = 1; v <= 2; v++) {
    for (let t = 1; t <= 4; t++) {
      const hue = (t * 80 + v * 25) % 360;
      const label = `${prefix} v${v} take ${t}`;
      jobs.push(
        (async () => {
          const [full, thumb] = await Promise.all([
            sharp(Buffer.from(frameSvg(FULL.width, FULL.height, hue, label)))
              .png({ compressionLevel: 6 })
              .toBuffer(),
            sharp(Buffer.from(frameSvg(THUMB.width, THUMB.height, hue, label)))
              .webp({ quality: 80 })
              .toBuffer(),
          ]);
          files.set(`/p/${prefix}/v${v}/t${t}.png`, { body: full, type: 'image/png' });
          files.set(`/p/${prefix}/v${v}/t${t}.thumb.webp`, { body: thumb, type: 'image/webp' });
        })(),
      );
    }
  }
  await Promise.all(jobs);
}

function takes(origin: string, prefix: string, version: number, n = 4): TakeImage[] {
  return Array.from({ length: n }, (_, i) => ({
    variation: i + 1,
    image: `${origin}/p/${prefix}/v${version}/t${i + 1}.png`,
    thumb: `${origin}/p/${prefix}/v${version}/t${i + 1}.thumb.webp`,
    width: FULL.width,
    height: FULL.height,
    seed: 1940 + i,
  }));
}

export function viewerShot(origin: string, over: Partial<ViewerShot> = {}, prefix = 'S'): ViewerShot {
  const versions: VersionInfo[] = [
    {
      id: 'aaaaaaaaaaaa',
      n: 1,
      renderedAt: '2026-03-01T09:00:00.000Z',
      costUsd: 0.1,
      model: 'fal-ai/flux/dev',
      prompt: 'The platform at night, rain',
      legacy: false,
      current: false,
      takes: takes(origin, prefix, 1),
    },
    {
      id: 'bbbbbbbbbbbb',
      n: 2,
      renderedAt: '2026-03-02T09:00:00.000Z',
      costUsd: 0.1,
      model: 'fal-ai/flux/dev',
      prompt: 'The platform at night, rain, warm lamps',
      legacy: false,
      current: true,
      takes: takes(origin, prefix, 2),
    },
  ];
  return {
    projectFile: '/work/night-train/project.json',
    shotId: 's01-010',
    index: 0,
    total: 3,
    title: 'Night Train',
    scene: 'Platform 9, 23:40',
    prompt: 'The platform at night, rain, warm lamps',
    status: 'done',
    aspectRatio: '2.39:1',
    review: 'changes-requested',
    by: 'Ana',
    at: '2026-03-01T10:00:00.000Z',
    notes: [
      {
        text: 'Warmer lamps; lose the man on the left.',
        author: 'Ana',
        at: '2026-03-01T10:00:00.000Z',
        status: 'changes-requested',
        earlier: true,
      },
    ],
    take: 1,
    circled: false,
    takes: takes(origin, prefix, 2),
    versions,
    ...over,
  };
}
