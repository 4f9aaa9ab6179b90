// A video output, proved and made reviewable with the bundled ffmpeg (a child process, never a shell):
//   1. probe: the container and first video stream as ffmpeg reads them (one frame decoded), refusing
//      what is not a video (an image, an HTML error page, a file without a video stream, a monster);
//   2. one pass that decodes every frame into a small H.264 review proxy (≤ 640 px, yuv420p, +faststart,
//      no audio: VS Code's webviews play H.264 but not AAC) and, from the same decode, a poster frame.
// Counting the decoded frames against the duration the container declares is the check: a truncated
// MP4 decodes a fraction of its frames (ffmpeg still exits 0), a whole one decodes them all.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CutError } from '../cut/errors';
import { runFfmpeg } from '../cut/runner';
import { DailiesError, isAbortError } from '../util/errors';
import { MAX_INPUT_PIXELS } from './image';

export interface VideoProbe {
  /** ffmpeg's demuxer names, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  format: string;
  codec: string;
  width: number;
  height: number;
  /** Display aspect of one pixel (1 unless the stream says otherwise). */
  sar: number;
  fps?: number;
  /** As the container declares it. */
  seconds?: number;
  audio?: string;
}

export interface ReviewMedia {
  probe: VideoProbe;
  /** Frames decoded from the whole file (the proxy has exactly these). */
  frames: number;
  /** Seconds of video decoded: frames / fps, or the declared length when the rate is unknown. */
  seconds: number;
  proxy: { file: string; width: number; height: number };
  poster: { file: string };
}

export interface VideoToolOptions {
  ffmpeg: string;
  signal?: AbortSignal;
  /** Silence from ffmpeg that counts as hung (default 120 s). */
  idleTimeoutMs?: number;
}

/** Longest side of the review proxy. */
export const PROXY_MAX_SIDE = 640;
/** Demuxers a provider's video can come in (MP4/MOV, WebM/Matroska). */
const CONTAINERS = ['mov', 'mp4', 'matroska', 'webm'];
/** Codecs that are pictures, not motion (ffmpeg happily "decodes" a PNG as a one-frame video). */
const STILL_CODECS = new Set([
  'png',
  'mjpeg',
  'bmp',
  'gif',
  'webp',
  'tiff',
  'jpeg2000',
  'jpegls',
  'ppm',
  'pgm',
]);
/** Decoded frames below this share of what the container declares: truncated or damaged. */
const WHOLE = 0.9;

const notVideo = (why: string) => new DailiesError('bad-output', `not a video: ${why}`);

/** Reads what the file says it is (decoding one frame); anything that is not a plain video is refused. */
export async function probeVideo(file: string, o: VideoToolOptions): Promise<VideoProbe> {
  let text: string;
  try {
    const run = await runFfmpeg(
      o.ffmpeg,
      ['-v', 'info', '-i', file, '-map', '0:v:0', '-frames:v', '1', '-f', 'null', '-'],
      { signal: o.signal, idleTimeoutMs: o.idleTimeoutMs, timeoutMs: 5 * 60_000 },
    );
    text = run.stderrHead;
  } catch (err) {
    throw rethrow(err, (detail) => notVideo(ffmpegWords(detail, file)));
  }
  return checkProbe(parseProbe(text));
}

/** What ffmpeg printed about its first input (`-v info`): container, length, first video stream. */
export function parseProbe(text: string): Partial<VideoProbe> {
  const out: Partial<VideoProbe> = {};
  const input = /Input #0, ([^\n]+?), from /.exec(text);
  if (input) out.format = input[1]!;
  const duration = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(text);
  if (duration) out.seconds = Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
  const video = /Stream #0:\d+[^\n]*?: Video: ([^\n]+)/.exec(text);
  if (video) {
    const line = video[1]!;
    out.codec = /^([\w-]+)/.exec(line)?.[1] ?? '';
    const size = /\b(\d{1,5})x(\d{1,5})\b/.exec(line);
    if (size) {
      out.width = Number(size[1]);
      out.height = Number(size[2]);
    }
    const sar = /SAR (\d+):(\d+)/.exec(line);
    out.sar = sar && Number(sar[1]) > 0 && Number(sar[2]) > 0 ? Number(sar[1]) / Number(sar[2]) : 1;
    const fps = /([\d.]+)(k?) fps\b/.exec(line) ?? /([\d.]+)(k?) tbr\b/.exec(line);
    if (fps) out.fps = Number(fps[1]) * (fps[2] ? 1000 : 1);
  }
  const audio = /Stream #0:\d+[^\n]*?: Audio: ([\w-]+)/.exec(text);
  if (audio) out.audio = audio[1];
  return out;
}

function checkProbe(p: Partial<VideoProbe>): VideoProbe {
  if (!p.format) throw notVideo('ffmpeg did not recognise the file');
  if (!p.format.split(',').some((f) => CONTAINERS.includes(f))) {
    throw notVideo(`it is ${p.format.split(',')[0]} data, not an MP4/MOV or WebM container`);
  }
  if (!p.codec || p.width === undefined || p.height === undefined) throw notVideo('it has no video stream');
  if (STILL_CODECS.has(p.codec)) throw notVideo(`its only picture is a ${p.codec} image`);
  if (p.width < 2 || p.height < 2 || p.width * p.height > MAX_INPUT_PIXELS) {
    throw new DailiesError('bad-output', `video frame size ${p.width} × ${p.height} is out of bounds`);
  }
  if (p.seconds !== undefined && !(p.seconds > 0)) throw notVideo('it is 0 seconds long');
  return {
    format: p.format,
    codec: p.codec,
    width: p.width,
    height: p.height,
    sar: p.sar ?? 1,
    fps: p.fps && Number.isFinite(p.fps) && p.fps > 0 && p.fps <= 240 ? p.fps : undefined,
    seconds: p.seconds,
    audio: p.audio,
  };
}

/** Even width × height inside a PROXY_MAX_SIDE box, square pixels, never larger than the source. */
export function proxySize(p: Pick<VideoProbe, 'width' | 'height' | 'sar'>): {
  width: number;
  height: number;
} {
  const w = p.width * (p.sar || 1);
  const h = p.height;
  const scale = Math.min(1, PROXY_MAX_SIDE / Math.max(w, h));
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  return {
    width: Math.min(even(w * scale), PROXY_MAX_SIDE),
    height: Math.min(even(h * scale), PROXY_MAX_SIDE),
  };
}

/**
 * Decodes the whole video once: the review proxy and the poster frame (40 % in) are written into `dir`.
 * A file that decodes short of what it declares is refused as truncated, naming both counts.
 */
export async function makeReviewMedia(file: string, dir: string, o: VideoToolOptions): Promise<ReviewMedia> {
  const probe = await probeVideo(file, o);
  await fs.mkdir(dir, { recursive: true });
  const proxyFile = path.join(dir, 'proxy.mp4');
  const posterFile = path.join(dir, 'poster.jpg');
  const size = proxySize(probe);
  const at = probe.seconds ? Math.max(0, probe.seconds * 0.4 - 0.001) : 0;
  const args = [
    '-v',
    'error',
    '-y',
    '-i',
    file,
    // Output 0: the proxy. `-vsync passthrough` writes exactly the decoded frames (the count checked below).
    '-map',
    '0:v:0',
    '-vf',
    `scale=${size.width}:${size.height},setsar=1,format=yuv420p`,
    '-vsync',
    'passthrough',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '28',
    '-profile:v',
    'main',
    '-pix_fmt',
    'yuv420p',
    '-an',
    '-sn',
    '-dn',
    '-map_metadata',
    '-1',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    proxyFile,
    // Output 1: the poster, from the same decode.
    '-map',
    '0:v:0',
    '-vf',
    `select=gte(t\\,${at.toFixed(3)})`,
    '-frames:v',
    '1',
    '-q:v',
    '3',
    '-f',
    'image2',
    posterFile,
  ];
  let frames: number;
  try {
    const run = await runFfmpeg(o.ffmpeg, args, {
      signal: o.signal,
      idleTimeoutMs: o.idleTimeoutMs,
      timeoutMs: 20 * 60_000,
    });
    frames = run.progress.frame;
  } catch (err) {
    throw rethrow(
      err,
      (detail) => new DailiesError('bad-output', `damaged video: ${ffmpegWords(detail, file)}`),
    );
  }
  const expected = probe.seconds && probe.fps ? Math.round(probe.seconds * probe.fps) : undefined;
  const poster = await fs.stat(posterFile).catch(() => undefined);
  if (frames < 1 || (expected !== undefined && frames < Math.floor(expected * WHOLE)) || !poster?.size) {
    const of = expected !== undefined ? ` of the ${expected} its header declares` : '';
    throw new DailiesError(
      'bad-output',
      `truncated or damaged video: only ${frames} frame${frames === 1 ? '' : 's'} decoded${of}`,
    );
  }
  const seconds = probe.fps ? frames / probe.fps : (probe.seconds ?? 0);
  return { probe, frames, seconds, proxy: { file: proxyFile, ...size }, poster: { file: posterFile } };
}

/** A canceled run stays a cancel; an ffmpeg that cannot start stays that; the rest is the file's fault. */
function rethrow(err: unknown, asBadFile: (detail: string) => DailiesError): DailiesError {
  if (isAbortError(err) || (err instanceof DailiesError && err.code === 'canceled')) {
    return new DailiesError('canceled', 'Canceled');
  }
  if (err instanceof CutError && err.code === 'bad-output') return asBadFile(err.message);
  if (err instanceof DailiesError) return err;
  return asBadFile(String(err));
}

/** "ffmpeg failed: /tmp/x.part: moov atom not found" → "moov atom not found" (no temp paths in messages). */
function ffmpegWords(message: string, file: string): string {
  return (
    message
      .replace(/^ffmpeg failed: /, '')
      .split(file)
      .join('')
      .replace(/^[:\s]+/, '')
      .trim()
      .slice(0, 200) || 'ffmpeg could not read it'
  );
}
