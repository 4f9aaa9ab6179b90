// Joins the segments into the animatic without decoding them (concat demuxer, `-c copy`), beside the
// target, and renames it over the old one only when ffmpeg succeeded: a canceled or failed build leaves
// the previous animatic exactly as it was. An audio track (the scratch voice, later: one MP3 with each
// line at its shot's start) is muxed in the same pass, copied too, so the picture is never re-encoded.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type FfmpegProgress, runFfmpeg } from './runner';

export interface AssembleOptions {
  ffmpeg: string;
  /** Segment files in cut order (the same file may appear more than once). */
  segments: string[];
  /** The animatic to replace. */
  out: string;
  /** Where the concat list is written. */
  workDir: string;
  /** An MP3 as long as the cut (never AAC: VS Code's webviews cannot play it). */
  audio?: string;
  signal?: AbortSignal;
  idleTimeoutMs?: number;
  onProgress?: (p: FfmpegProgress) => void;
  onSpawn?: (pid: number) => void;
}

/** A concat-demuxer line; single quotes in a path are closed, escaped and reopened. */
export function concatLine(file: string): string {
  return `file '${file.replace(/'/g, "'\\''")}'`;
}

export async function assemble(o: AssembleOptions): Promise<void> {
  const rand = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const list = path.join(o.workDir, `concat-${rand}.txt`);
  const temp = path.join(path.dirname(o.out), `.${path.basename(o.out)}.${rand}.partial.mp4`);
  await fs.writeFile(list, `ffconcat version 1.0\n${o.segments.map(concatLine).join('\n')}\n`, 'utf8');
  try {
    const audio = o.audio ? ['-i', o.audio] : [];
    const map = o.audio ? ['-map', '0:v:0', '-map', '1:a:0'] : ['-map', '0:v:0'];
    await runFfmpeg(
      o.ffmpeg,
      [
        '-loglevel',
        'error',
        '-y',
        '-f',
        'concat',
        '-safe',
        '0',
        '-i',
        list,
        ...audio,
        ...map,
        '-c',
        'copy',
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
        temp,
      ],
      { signal: o.signal, idleTimeoutMs: o.idleTimeoutMs, onProgress: o.onProgress, onSpawn: o.onSpawn },
    );
    await fs.rename(temp, o.out);
  } finally {
    await Promise.all([fs.rm(list, { force: true }), fs.rm(temp, { force: true })]);
  }
}

/** Leftovers of builds that were killed outright (SIGKILL skips every finally). */
export async function sweepPartials(dir: string, olderThanMs = 10 * 60_000): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((n) => n.startsWith('.') && n.endsWith('.partial.mp4'))
      .map(async (n) => {
        const file = path.join(dir, n);
        const stat = await fs.stat(file).catch(() => undefined);
        if (stat && Date.now() - stat.mtimeMs > olderThanMs) await fs.rm(file, { force: true });
      }),
  );
}
