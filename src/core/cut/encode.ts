// Encodes one segment: sharp draws its first frame, ffmpeg holds it (or pushes in), burns in the label,
// the running timecode and the subtitles, and writes exactly `frames` frames of H.264.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { bundledFontsDir } from '../media/fonts';
import { CutError } from './errors';
import { drawText, drawTimecode, encoderArgs, filter, pushIn } from './filters';
import { slateFrame, stillFrame, wrap } from './frames';
import { type FfmpegProgress, runFfmpeg } from './runner';
import type { SegmentSpec } from './segments';
import type { Clip } from './timeline';

export interface EncodeOptions {
  ffmpeg: string;
  /** Scratch folder for the frame and text files (removed after the encode). */
  workDir: string;
  threads: number;
  signal?: AbortSignal;
  idleTimeoutMs?: number;
  onProgress?: (p: FfmpegProgress) => void;
  onSpawn?: (pid: number) => void;
}

export async function encodeSegment(
  spec: SegmentSpec,
  clip: Clip,
  key: string,
  out: string,
  o: EncodeOptions,
): Promise<void> {
  const scratch = path.join(o.workDir, key.slice(0, 24));
  await fs.mkdir(scratch, { recursive: true });
  try {
    if (spec.source.kind === 'video') {
      await encodeVideoSegment(spec, spec.source.file, out, scratch, o);
      return;
    }
    const scale = spec.kenBurns ? 2 : 1;
    const png =
      spec.source.kind === 'image'
        ? await stillFrame(spec.source.file, spec.width * scale, spec.height * scale).catch(
            (err: unknown) => {
              throw new CutError(
                'ref-not-image',
                `cannot read its circled take: ${(err as Error).message}`,
                spec.shotId,
                err,
              );
            },
          )
        : await slateFrame(clip, spec.width, spec.height);
    const frameFile = path.join(scratch, 'frame.png');
    await fs.writeFile(frameFile, png);
    const filters = [
      ...(spec.kenBurns ? [pushIn(spec.frames, spec.width, spec.height, spec.fps)] : []),
      filter('setsar', { sar: 1 }),
      ...(await textFilters(spec, scratch)),
    ];
    const input = spec.kenBurns
      ? ['-i', frameFile]
      : ['-framerate', String(spec.fps), '-loop', '1', '-i', frameFile];
    const args = [
      '-loglevel',
      'error',
      '-y',
      ...input,
      '-vf',
      filters.join(','),
      '-frames:v',
      String(spec.frames),
      '-r',
      String(spec.fps),
      ...encoderArgs(spec.fps, o.threads),
      '-f',
      'mp4',
      out,
    ];
    await runFfmpeg(o.ffmpeg, args, {
      signal: o.signal,
      idleTimeoutMs: o.idleTimeoutMs,
      onProgress: o.onProgress,
      onSpawn: o.onSpawn,
    });
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/**
 * A video take into the cut's segment format: letterboxed to the frame, resampled to the cut's rate,
 * trimmed to the shot's frames, or — when the clip is shorter than the shot — its last frame held.
 */
async function encodeVideoSegment(
  spec: SegmentSpec,
  file: string,
  out: string,
  scratch: string,
  o: EncodeOptions,
): Promise<void> {
  const { width: w, height: h, fps, frames } = spec;
  const filters = [
    filter('scale', { w, h, force_original_aspect_ratio: 'decrease' }),
    filter('pad', { w, h, x: '(ow-iw)/2', y: '(oh-ih)/2', color: 'black' }),
    filter('setsar', { sar: 1 }),
    filter('fps', { fps }),
    // Enough clones of the last frame to fill any shortfall; -frames:v cuts the rest.
    filter('tpad', { stop_mode: 'clone', stop: frames }),
    ...(await textFilters(spec, scratch)),
  ];
  const args = [
    '-loglevel',
    'error',
    '-y',
    '-i',
    file,
    '-map',
    '0:v:0',
    '-vf',
    filters.join(','),
    '-frames:v',
    String(frames),
    '-r',
    String(fps),
    ...encoderArgs(fps, o.threads),
    '-f',
    'mp4',
    out,
  ];
  await runFfmpeg(o.ffmpeg, args, {
    signal: o.signal,
    idleTimeoutMs: o.idleTimeoutMs,
    onProgress: o.onProgress,
    onSpawn: o.onSpawn,
  }).catch((err: unknown) => {
    if (err instanceof CutError && err.code === 'bad-output') {
      throw new CutError('bad-output', `cannot cut its video take: ${err.message}`, spec.shotId, err);
    }
    throw err;
  });
}

async function textFilters(spec: SegmentSpec, scratch: string): Promise<string[]> {
  if (!spec.burnIn && spec.subtitles.length === 0) return [];
  const fontsDir = bundledFontsDir();
  if (!fontsDir) throw new CutError('not-found', 'the bundled font (media/fonts/DejaVuSans.ttf) is missing');
  const fontfile = path.join(fontsDir, 'DejaVuSans.ttf');
  const out: string[] = [];
  const margin = Math.max(4, Math.round(spec.height * 0.03));
  let n = 0;
  const textFile = async (text: string) => {
    const file = path.join(scratch, `text-${n++}.txt`);
    await fs.writeFile(file, text, 'utf8');
    return file;
  };
  if (spec.burnIn) {
    const size = Math.max(10, Math.round(spec.height * 0.035));
    out.push(
      drawText({
        textfile: await textFile(spec.burnIn.label),
        fontfile,
        fontsize: size,
        x: String(margin),
        y: String(margin),
        box: true,
      }),
      drawTimecode(fontfile, spec.burnIn.timecode, spec.fps, size, margin),
    );
  }
  const size = Math.max(10, Math.round(spec.height * 0.045));
  const perLine = Math.max(16, Math.floor((spec.width * 0.85) / (size * 0.56)));
  for (const line of spec.subtitles) {
    const text = wrap(`${line.speaker}: ${line.text}`, perLine).join('\n');
    out.push(
      drawText({
        textfile: await textFile(text),
        fontfile,
        fontsize: size,
        x: '(w-text_w)/2',
        y: `h-text_h-${margin * 2}`,
        box: true,
        // Half a millisecond short, so two lines never share the frame where one hands over to the next.
        between: [line.startS, line.endS - 0.0005],
      }),
    );
  }
  return out;
}
