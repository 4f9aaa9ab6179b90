// Runs one ffmpeg child: never in the extension host's thread, always killable. Progress comes from
// `-progress pipe:1` (key=value blocks on stdout); stderr is kept (bounded) for the error message. A child
// that prints nothing for `idleTimeoutMs`, or runs past `timeoutMs`, is killed; so is one whose signal
// aborts. The promise settles only after the process has exited, so callers can remove its files.
import { spawn } from 'node:child_process';
import { canceled } from '../util/errors';
import { CutError } from './errors';

export interface FfmpegProgress {
  /** Frames written so far. */
  frame: number;
  /** Output time written so far, in microseconds. */
  outTimeUs: number;
  done: boolean;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Kill when the child prints nothing (progress or log) for this long. Default 120 s. */
  idleTimeoutMs?: number;
  /** Kill when the child runs longer than this in total. Default 30 min. */
  timeoutMs?: number;
  onProgress?: (p: FfmpegProgress) => void;
  /** Called with the child's pid once it started (tests check it is gone after a cancel). */
  onSpawn?: (pid: number) => void;
  cwd?: string;
}

const STDERR_KEEP = 8 * 1024;
/** The start of stderr is kept too: with `-v info` it describes the input (what a probe reads). */
const STDERR_HEAD = 16 * 1024;

export interface RunResult {
  /** The first 16 KB of stderr (the input's description), bounded like the tail kept for errors. */
  stderrHead: string;
  /** Progress as last reported (frames written, time). */
  progress: FfmpegProgress;
}

export function runFfmpeg(bin: string, args: string[], o: RunOptions = {}): Promise<RunResult> {
  if (o.signal?.aborted) return Promise.reject(canceled());
  const idleMs = o.idleTimeoutMs ?? 120_000;
  const totalMs = o.timeoutMs ?? 30 * 60_000;
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(bin, ['-hide_banner', '-nostdin', '-progress', 'pipe:1', ...args], {
      cwd: o.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stderr = '';
    let stderrHead = '';
    let stdoutRest = '';
    let stopped: CutError | ReturnType<typeof canceled> | undefined;
    let progress: FfmpegProgress = { frame: 0, outTimeUs: 0, done: false };
    const kill = (why: CutError | ReturnType<typeof canceled>) => {
      stopped ??= why;
      child.kill('SIGKILL');
    };
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () =>
          kill(
            new CutError(
              'timeout',
              `ffmpeg printed nothing for ${Math.round(idleMs / 1000)} s and was stopped`,
            ),
          ),
        idleMs,
      );
    };
    const total = setTimeout(
      () =>
        kill(
          new CutError('timeout', `ffmpeg ran longer than ${Math.round(totalMs / 1000)} s and was stopped`),
        ),
      totalMs,
    );
    const onAbort = () => kill(canceled());
    o.signal?.addEventListener('abort', onAbort, { once: true });
    touch();
    if (child.pid !== undefined) o.onSpawn?.(child.pid);

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      touch();
      const lines = (stdoutRest + chunk).split('\n');
      stdoutRest = lines.pop() ?? '';
      for (const line of lines) {
        const eq = line.indexOf('=');
        if (eq < 0) continue;
        const key = line.slice(0, eq).trim();
        const value = line.slice(eq + 1).trim();
        if (key === 'frame') progress = { ...progress, frame: Number(value) || 0 };
        else if (key === 'out_time_us' || key === 'out_time_ms') {
          // ffmpeg 4 prints microseconds under both names; ignore N/A before the first frame.
          const us = Number(value);
          if (Number.isFinite(us) && us >= 0) progress = { ...progress, outTimeUs: us };
        } else if (key === 'progress') {
          progress = { ...progress, done: value === 'end' };
          o.onProgress?.(progress);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      touch();
      if (stderrHead.length < STDERR_HEAD) stderrHead = (stderrHead + chunk).slice(0, STDERR_HEAD);
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });

    const finish = (err?: Error) => {
      clearTimeout(idle);
      clearTimeout(total);
      o.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve({ stderrHead, progress });
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      // spawn failed (ENOENT, EACCES): 'close' may not follow.
      const why =
        err.code === 'ENOENT'
          ? `ffmpeg not found at ${bin}`
          : err.code === 'EACCES'
            ? `ffmpeg at ${bin} is not executable`
            : `ffmpeg could not start: ${err.message}`;
      finish(new CutError('not-found', why, undefined, err));
    });
    child.on('close', (code, signal) => {
      if (stopped) return finish(stopped);
      if (code === 0) return finish();
      const detail = lastLines(stderr) || (signal ? `killed by ${signal}` : `exit code ${code}`);
      finish(new CutError('bad-output', `ffmpeg failed: ${detail}`));
    });
  });
}

/** The lines that say what went wrong (ffmpeg's last words), without its repeated noise. */
function lastLines(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.slice(-3).join(' · ').slice(0, 500);
}
