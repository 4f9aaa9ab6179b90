// The offline draft of a video shot: its start frame, moved by a virtual camera (a slow push-in, or a
// pan across), encoded as a short H.264 MP4 by the bundled ffmpeg. The move follows from the seed, so a
// shot's variations differ and a re-render is identical. Small on purpose (640 px wide): it is a
// stand-in for a cloud clip, and `npm run demo` renders several of them.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { filter } from '../cut/filters';
import { runFfmpeg } from '../cut/runner';
import { DailiesError, isAbortError } from '../util/errors';
import { seededRandom } from '../util/random';
import { checkedMetadata, DECODE_LIMITS } from './image';
import { sharp } from './sharpSetup';

export const DRAFT_VIDEO_WIDTH = 640;
export const DRAFT_VIDEO_FPS = 24;

export type CameraMove = 'push-in' | 'pull-out' | 'pan-right' | 'pan-left';

export interface DraftVideoRequest {
  /** The start frame (a local image). */
  start: string;
  /** Output aspect (the shot's), e.g. `2.39:1`. */
  aspectRatio: string;
  seconds: number;
  seed: number;
  ffmpeg: string;
  /** A folder inside the project for the frame and the clip; both are removed afterwards. */
  scratchDir: string;
  signal?: AbortSignal;
  onFrame?: (frame: number, frames: number) => void;
}

export function cameraMove(seed: number): CameraMove {
  const moves: CameraMove[] = ['push-in', 'pan-right', 'push-in', 'pan-left', 'pull-out'];
  return moves[Math.floor(seededRandom(seed ^ 0x2545f491)() * moves.length)]!;
}

/** Even width × height at the shot's ratio, DRAFT_VIDEO_WIDTH wide. */
export function draftVideoSize(aspectRatio: string): { width: number; height: number } {
  const [w, h] = aspectRatio.split(':').map(Number);
  const ratio = w && h && Number.isFinite(w / h) ? Math.min(4, Math.max(1 / 4, w / h)) : 16 / 9;
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  return { width: DRAFT_VIDEO_WIDTH, height: even(DRAFT_VIDEO_WIDTH / ratio) };
}

/** zoompan over a frame twice the output size (whole-pixel steps there are half-pixel steps here). */
export function moveFilter(
  move: CameraMove,
  frames: number,
  width: number,
  height: number,
  fps: number,
): string {
  const last = Math.max(1, frames - 1);
  const t = `on/${last}`;
  const centre = { x: 'iw/2-(iw/zoom/2)', y: 'ih/2-(ih/zoom/2)' };
  const spec =
    move === 'push-in'
      ? { z: `1+0.15*${t}`, ...centre }
      : move === 'pull-out'
        ? { z: `1.15-0.15*${t}`, ...centre }
        : {
            z: '1.15',
            x: move === 'pan-right' ? `(iw-iw/zoom)*${t}` : `(iw-iw/zoom)*(1-${t})`,
            y: 'ih/2-(ih/zoom/2)',
          };
  return filter('zoompan', { ...spec, d: frames, s: `${width}x${height}`, fps });
}

/** Renders the clip and returns its bytes (the scratch files are gone when this settles). */
export async function draftVideo(r: DraftVideoRequest): Promise<Uint8Array> {
  const { width, height } = draftVideoSize(r.aspectRatio);
  const frames = Math.max(2, Math.round(r.seconds * DRAFT_VIDEO_FPS));
  await fs.mkdir(r.scratchDir, { recursive: true });
  const stem = path.join(
    r.scratchDir,
    `draft-video-${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
  );
  const frameFile = `${stem}.png`;
  const out = `${stem}.mp4`;
  try {
    try {
      const notImage = () => new DailiesError('ref-not-image', 'the start frame is not an image');
      await checkedMetadata(r.start, 'ref-too-large', notImage, 'the start frame is');
      await sharp(r.start, { ...DECODE_LIMITS, failOn: 'error' })
        .rotate()
        .resize(width * 2, height * 2, { fit: 'cover' })
        .flatten({ background: { r: 0, g: 0, b: 0 } })
        .png({ compressionLevel: 1 })
        .toFile(frameFile);
    } catch (err) {
      if (err instanceof DailiesError) throw err;
      throw new DailiesError('ref-not-image', `the start frame cannot be read: ${(err as Error).message}`);
    }
    const vf = `${moveFilter(cameraMove(r.seed), frames, width, height, DRAFT_VIDEO_FPS)},format=yuv420p`;
    await runFfmpeg(
      r.ffmpeg,
      [
        '-v',
        'error',
        '-y',
        '-i',
        frameFile,
        '-vf',
        vf,
        '-frames:v',
        String(frames),
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-crf',
        '23',
        '-pix_fmt',
        'yuv420p',
        '-an',
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
        out,
      ],
      { signal: r.signal, onProgress: (p) => r.onFrame?.(Math.min(p.frame, frames), frames) },
    ).catch((err: unknown) => {
      if (isAbortError(err)) throw new DailiesError('canceled', 'Canceled');
      throw err;
    });
    return await fs.readFile(out);
  } finally {
    await Promise.all([fs.rm(frameFile, { force: true }), fs.rm(out, { force: true })]);
  }
}
