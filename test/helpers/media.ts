// Real media checks for the animatic tests: ffprobe from @ffprobe-installer (never the system's), frames
// decoded by the bundled ffmpeg, and small projects whose shots are "rendered" by writing real images and
// render records, so a test controls exactly which shot shows what.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { locateFfmpeg } from '../../src/core/cut/ffmpeg';
import { sha256 } from '../../src/core/util/hash';
import { createProject, makeImage, type TempProject } from './tempProject';

const run = promisify(execFile);

/** The npm ffmpeg, whatever DAILIES_FFMPEG says in the developer's shell. */
export function bundledFfmpeg(): string {
  return locateFfmpeg({ env: {} }).path;
}

export function ffprobePath(): string {
  return (require('@ffprobe-installer/ffprobe') as { path: string }).path;
}

export interface Probe {
  streams: {
    codec_type: string;
    codec_name: string;
    pix_fmt?: string;
    width?: number;
    height?: number;
    nb_read_frames?: string;
    r_frame_rate?: string;
  }[];
  format: { duration: string; format_name: string };
}

export async function probe(file: string): Promise<Probe> {
  const { stdout } = await run(ffprobePath(), [
    '-v',
    'error',
    '-count_frames',
    '-show_entries',
    'stream=codec_type,codec_name,pix_fmt,width,height,nb_read_frames,r_frame_rate:format=duration,format_name',
    '-of',
    'json',
    file,
  ]);
  return JSON.parse(stdout) as Probe;
}

/** Presentation times (s) of the key frames: every segment starts on one, so shot starts are among them. */
export async function keyframeTimes(file: string): Promise<number[]> {
  const { stdout } = await run(
    ffprobePath(),
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'frame=pkt_pts_time,pts_time,key_frame',
      '-of',
      'json',
      file,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const frames = (
    JSON.parse(stdout) as { frames: { key_frame: number; pts_time?: string; pkt_pts_time?: string }[] }
  ).frames;
  return frames.filter((f) => f.key_frame === 1).map((f) => Number(f.pts_time ?? f.pkt_pts_time));
}

/** The decoded frame shown at `seconds`, as raw RGB (width × height × 3 bytes). */
export async function frameAt(file: string, seconds: number): Promise<Buffer> {
  const { stdout } = await run(
    bundledFfmpeg(),
    // Input seeking starts at the first frame whose time is not before -ss: step back a millisecond so a
    // frame's own start time (n / fps, rounded) still selects it.
    [
      '-v',
      'error',
      '-ss',
      Math.max(0, seconds - 0.001).toFixed(3),
      '-i',
      file,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** Decodes the whole file; resolves with ffmpeg's error output (empty when every packet decoded). */
export async function decodeErrors(file: string): Promise<string> {
  const { stderr } = await run(bundledFfmpeg(), ['-v', 'error', '-i', file, '-f', 'null', '-']);
  return stderr.trim();
}

/** Mean absolute difference (0–255) of two RGB frames over a region given in fractions of the frame. */
export function regionDiff(
  a: Buffer,
  b: Buffer,
  width: number,
  region: { x0: number; y0: number; x1: number; y1: number },
): number {
  const height = a.length / 3 / width;
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(region.y0 * height); y < Math.floor(region.y1 * height); y++) {
    for (let x = Math.floor(region.x0 * width); x < Math.floor(region.x1 * width); x++) {
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) sum += Math.abs(a[i + c]! - b[i + c]!);
      n += 3;
    }
  }
  return n ? sum / n : 0;
}

export interface CutShot {
  id: string;
  duration?: number;
  /** A colour: the shot is rendered with a 320×180 image of it. False: not rendered. */
  color?: string | false;
  variations?: string[];
  take?: number;
  dialogue?: { speaker: string; text: string }[];
  scene?: string;
}

/** A project whose shots are rendered (images on disk + render records) exactly as described. */
export async function cutProject(
  shots: CutShot[],
  extra: Record<string, unknown> = {},
): Promise<TempProject> {
  const p = await createProject({
    dailies: 1,
    aspectRatio: '16:9',
    cast: [{ id: 'mara', name: 'Mara' }],
    scenes: [{ id: 'platform', title: 'Platform 9' }],
    ...extra,
    shots: shots.map((s) => ({
      id: s.id,
      scene: s.scene ?? 'platform',
      prompt: `The prompt of ${s.id}, a wide frame of the platform at night`,
      ...(s.duration !== undefined ? { duration: s.duration } : {}),
      ...(s.take !== undefined ? { take: s.take } : {}),
      ...(s.dialogue ? { dialogue: s.dialogue } : {}),
    })),
  });
  const json = await p.json();
  for (const [i, s] of shots.entries()) {
    const colors = s.variations ?? (s.color ? [s.color] : []);
    if (colors.length === 0) continue;
    const outputs = [];
    for (const [v, color] of colors.entries()) {
      const image = `renders/${s.id}/${s.id}_v${v + 1}.png`;
      await makeImage(path.join(p.dir, image), { width: 320, height: 180, color });
      outputs.push({ variation: v + 1, image });
    }
    json.shots[i]!.render = {
      status: 'done',
      inputHash: sha256(`${s.id}:${colors.join(',')}`),
      outputs,
      ...{ provider: 'draft', model: 'draft/storyboard', renderedAt: new Date().toISOString() },
    } as never;
  }
  await p.write(`${JSON.stringify(json, null, 2)}\n`);
  return p;
}

/** "Re-renders" a shot: new bytes in its image file (the render record is unchanged, as after a restore). */
export async function repaint(p: TempProject, shotId: string, color: string, variation = 1): Promise<void> {
  await makeImage(path.join(p.dir, `renders/${shotId}/${shotId}_v${variation}.png`), {
    width: 320,
    height: 180,
    color,
  });
}

export async function fileHash(file: string): Promise<string | undefined> {
  try {
    return sha256(await fs.readFile(file));
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
