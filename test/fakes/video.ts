// What both fakes share for image-to-video models: which requests are video jobs, what a real i2v model
// would refuse (no start image, a length outside its enum), and the MP4s they return — real H.264 files
// made with the bundled ffmpeg at test time (cached, so a suite pays for each clip once).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Not imported from common.ts, which imports this file (its default options hold DEFAULT_VIDEO_SIZE).
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface VideoSize {
  width: number;
  height: number;
  fps: number;
}

export const DEFAULT_VIDEO_SIZE: VideoSize = { width: 320, height: 180, fps: 24 };

/** How an i2v endpoint takes its start frame and length, as the providers document them. */
export interface VideoSchema {
  startInput: string;
  endInput?: string;
  durations: number[];
  durationAs: 'string' | 'number';
  defaultSeconds: number;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** fal endpoints (fal.ai model pages) and Replicate models (replicate.com API tabs) the fakes know. */
const SCHEMAS: Record<string, VideoSchema> = {
  'fal-ai/kling-video/v2.1/standard/image-to-video': kling21Fal(),
  'fal-ai/kling-video/v2.1/pro/image-to-video': kling21Fal(),
  'fal-ai/kling-video/v4/image-to-video': {
    startInput: 'start_image_url',
    endInput: 'end_image_url',
    durations: range(3, 30),
    durationAs: 'string',
    defaultSeconds: 5,
  },
  'fal-ai/wan-25-preview/image-to-video': kling21Fal(),
  'kwaivgi/kling-v2.1': {
    startInput: 'start_image',
    endInput: 'end_image',
    durations: [5, 10],
    durationAs: 'number',
    defaultSeconds: 5,
  },
  'wan-video/wan-2.5-i2v': {
    startInput: 'image',
    durations: [5, 10],
    durationAs: 'number',
    defaultSeconds: 5,
  },
};

function kling21Fal(): VideoSchema {
  return { startInput: 'image_url', durations: [5, 10], durationAs: 'string', defaultSeconds: 5 };
}

/** The schema of a video endpoint (an unknown one that looks like video takes `image_url`, any length). */
export function videoSchema(endpoint: string): VideoSchema | undefined {
  const known = SCHEMAS[endpoint];
  if (known) return known;
  if (!/video|i2v/i.test(endpoint)) return undefined;
  return { startInput: 'image_url', durations: range(1, 60), durationAs: 'string', defaultSeconds: 5 };
}

export type VideoCheck = { ok: true; seconds: number } | { ok: false; field: string; message: string };

/** What the model itself would say about an input: a missing start image, a length it does not make. */
export function checkVideoInput(schema: VideoSchema, input: unknown): VideoCheck {
  const body = isRecord(input) ? input : {};
  const start = body[schema.startInput];
  if (typeof start !== 'string' || start === '') {
    return { ok: false, field: schema.startInput, message: 'field required' };
  }
  const raw = body['duration'];
  if (raw === undefined) return { ok: true, seconds: schema.defaultSeconds };
  const typeOk = schema.durationAs === 'string' ? typeof raw === 'string' : typeof raw === 'number';
  const seconds = Number(raw);
  if (!typeOk || !schema.durations.includes(seconds)) {
    return {
      ok: false,
      field: 'duration',
      message: `value is not a valid enumeration member; permitted: ${schema.durations.map((d) => (schema.durationAs === 'string' ? `'${d}'` : d)).join(', ')}`,
    };
  }
  return { ok: true, seconds };
}

const cache = new Map<string, Promise<Buffer>>();
let scratch: string | undefined;

function ffmpeg(): string {
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

/**
 * A real H.264 MP4 (yuv420p, +faststart, with an AAC track like many providers' outputs): a moving test
 * pattern whose hue follows `key`, `seconds` long. Cached by everything that changes its bytes.
 */
export function renderMp4(
  key: string,
  seconds: number,
  size: VideoSize = DEFAULT_VIDEO_SIZE,
): Promise<Buffer> {
  const hue = Number.parseInt(createHash('sha256').update(key).digest('hex').slice(0, 4), 16) % 360;
  const id = `${hue}:${seconds}:${size.width}x${size.height}@${size.fps}`;
  let bytes = cache.get(id);
  if (!bytes) {
    bytes = encode(hue, seconds, size);
    bytes.catch(() => cache.delete(id));
    cache.set(id, bytes);
  }
  return bytes;
}

async function encode(hue: number, seconds: number, size: VideoSize): Promise<Buffer> {
  scratch ??= mkdtempSync(path.join(tmpdir(), 'dailies-fake-video-'));
  const out = path.join(scratch, `${hue}-${seconds}-${size.width}x${size.height}-${size.fps}.mp4`);
  await run(ffmpeg(), [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size.width}x${size.height}:rate=${size.fps}:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    '-vf',
    `hue=h=${hue}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    '-movflags',
    '+faststart',
    out,
  ]);
  return fs.readFile(out);
}

/** The first `share` of a file: what a CDN serves when its copy was cut off (an origin-side truncation). */
export function truncated(bytes: Buffer, share = 0.6): Buffer {
  return bytes.subarray(0, Math.floor(bytes.length * share));
}
