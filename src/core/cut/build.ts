// One build of the animatic: the timeline from project.json, a segment per shot (from the cache when it
// is there and intact, encoded otherwise, a few at a time in child processes), then the join. Any error
// names its shot and leaves the previous animatic in place.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProjectPaths } from '../project/paths';
import type { Project } from '../project/schema';
import { writeFileAtomic } from '../util/atomicWrite';
import { canceled, DailiesError, isAbortError, toDailiesError } from '../util/errors';
import { sha256File } from '../util/hash';
import { assemble, sweepPartials } from './assemble';
import { encodeSegment } from './encode';
import { CutError } from './errors';
import type { AnimaticOptions } from './options';
import { SegmentCache, type SegmentSpec, segmentKey, segmentSpec } from './segments';
import { buildTimeline, type Clip, type Timeline } from './timeline';
import { voiceTrack } from './voiceTrack';

export interface ClipInfo {
  shotId: string;
  index: number;
  sceneId?: string;
  startFrame: number;
  frames: number;
  /** Circled take shown (undefined: a slate). */
  take?: number;
  image?: string;
  thumb?: string;
  /** The clip of a video take (the animatic cuts from it; `image` is its poster). */
  video?: string;
}

export interface AnimaticResult {
  /** Absolute path of the animatic; `rel` is the same inside the project. */
  file: string;
  rel: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  seconds: number;
  clips: ClipInfo[];
  /** Shots whose segment was encoded in this build (a damaged one counts, and is also in `repaired`). */
  encoded: string[];
  reused: string[];
  repaired: string[];
  builtAt: number;
}

export type BuildEvent =
  | { type: 'start'; reason: string; shots: number; toEncode: string[] }
  | { type: 'segment'; shotId: string; state: 'encoding' | 'encoded' }
  | {
      type: 'progress';
      framesDone: number;
      framesTotal: number;
      shotId?: string;
      phase: 'encoding' | 'joining';
    }
  | { type: 'log'; level: 'info' | 'warn'; message: string };

export interface BuildContext {
  paths: ProjectPaths;
  project: Project;
  options: AnimaticOptions;
  ffmpeg: string;
  reason?: string;
  signal?: AbortSignal;
  /** Segment encodes at once (default: cores, at most 4). */
  concurrency?: number;
  idleTimeoutMs?: number;
  onEvent?: (e: BuildEvent) => void;
  onSpawn?: (pid: number) => void;
  /** An MP3 as long as the cut, laid under the picture (the scratch voice, later). */
  audio?: string;
}

interface Job {
  clip: Clip;
  spec: SegmentSpec;
  key: string;
}

export async function buildAnimatic(ctx: BuildContext): Promise<AnimaticResult> {
  const { paths, options } = ctx;
  const emit = (e: BuildEvent) => ctx.onEvent?.(e);
  const timeline = buildTimeline(ctx.project, paths, options);
  let out: { rel: string; abs: string };
  try {
    out = paths.resolveFile(options.out);
  } catch (err) {
    throw new CutError(
      'path-escape',
      `the animatic must be written inside the project: ${(err as Error).message}`,
    );
  }
  const segmentsDir = paths.data('cut', 'segments');
  const workDir = paths.data('cut', 'work');
  for (const dir of [segmentsDir, workDir, path.dirname(out.abs)]) {
    await fs.mkdir(dir, { recursive: true });
    await paths.checkInside(dir, path.relative(paths.root, dir) || '.');
  }
  await sweepPartials(path.dirname(out.abs));
  await sweepPartials(segmentsDir);

  const cache = new SegmentCache(segmentsDir);
  const jobs = await Promise.all(timeline.clips.map((clip) => jobFor(clip, timeline, ctx)));
  const states = await Promise.all(jobs.map((j) => cache.check(j.key, j.spec.frames)));
  const repaired = new Set<string>();
  const toEncode = new Map<string, Job>();
  jobs.forEach((job, i) => {
    if (states[i] === 'ok') return;
    if (states[i] === 'corrupt') {
      repaired.add(job.clip.shotId);
      emit({
        type: 'log',
        level: 'warn',
        message: `${job.clip.shotId}: its cached segment was damaged; encoding it again`,
      });
    }
    if (!toEncode.has(job.key)) toEncode.set(job.key, job);
  });
  const encodeList = [...toEncode.values()];
  emit({
    type: 'start',
    reason: ctx.reason ?? 'build',
    shots: jobs.length,
    toEncode: encodeList.map((j) => j.clip.shotId),
  });

  await encodeAll(encodeList, cache, workDir, ctx, emit);

  throwIfAborted(ctx.signal);
  // The scratch voice: lines spoken by the project's TTS model, from the result cache (never a request).
  const audio =
    ctx.audio ??
    (await voiceTrack({ ...ctx, timeline }).catch((err: unknown) => {
      if (isAbortError(err)) throw canceled();
      const e = toDailiesError(err);
      throw new CutError(e.code, `building the scratch-voice track: ${e.message}`, undefined, err);
    }));
  emit({
    type: 'progress',
    framesDone: timeline.totalFrames,
    framesTotal: timeline.totalFrames,
    phase: 'joining',
  });
  await assemble({
    ffmpeg: ctx.ffmpeg,
    segments: jobs.map((j) => cache.file(j.key)),
    out: out.abs,
    workDir,
    audio,
    signal: ctx.signal,
    idleTimeoutMs: ctx.idleTimeoutMs,
    onSpawn: ctx.onSpawn,
  }).catch((err: unknown) => {
    if (isAbortError(err)) throw canceled();
    const e = toDailiesError(err);
    throw new CutError(e.code, `joining the segments into ${out.rel}: ${e.message}`, undefined, err);
  });

  const encodedKeys = new Set(toEncode.keys());
  const result: AnimaticResult = {
    file: out.abs,
    rel: out.rel,
    width: timeline.width,
    height: timeline.height,
    fps: timeline.fps,
    frames: timeline.totalFrames,
    seconds: timeline.totalFrames / timeline.fps,
    clips: timeline.clips.map(clipInfo),
    encoded: encodeList.map((j) => j.clip.shotId),
    reused: jobs.filter((j) => !encodedKeys.has(j.key)).map((j) => j.clip.shotId),
    repaired: [...repaired],
    builtAt: Date.now(),
  };
  // What the Cut view shows after a reload: the clips of the file that is really there.
  await writeFileAtomic(paths.data('cut', 'animatic.json'), `${JSON.stringify(result)}\n`).catch(
    () => undefined,
  );
  return result;
}

/** The last successful build of this project, if its animatic is still where it was written. */
export async function lastAnimatic(paths: ProjectPaths): Promise<AnimaticResult | undefined> {
  try {
    const text = await fs.readFile(paths.data('cut', 'animatic.json'), 'utf8');
    if (text.length > 16 * 1024 * 1024) return undefined;
    const r = JSON.parse(text) as AnimaticResult;
    if (typeof r.rel !== 'string' || !Array.isArray(r.clips) || typeof r.fps !== 'number') return undefined;
    const file = paths.resolveFile(r.rel).abs;
    await fs.access(file);
    return { ...r, file };
  } catch {
    return undefined;
  }
}

async function jobFor(clip: Clip, timeline: Timeline, ctx: BuildContext): Promise<Job> {
  let image: { file: string; sha256: string; video?: boolean } | undefined;
  if (clip.take) {
    const { variation } = clip.take;
    // A video take is cut from its clip; a still from its image.
    const { rel, abs } = clip.take.video ?? clip.take;
    let real: string;
    try {
      real = await ctx.paths.checkInside(abs, rel);
    } catch (err) {
      const why =
        err instanceof DailiesError && err.code === 'path-escape'
          ? 'leads outside the project'
          : 'is missing';
      throw new CutError(
        'ref-missing',
        `its circled take ${variation} (${rel}) ${why}: re-render the shot or circle another take`,
        clip.shotId,
        err,
      );
    }
    const { sha256 } = await sha256File(real).catch((err: unknown) => {
      throw new CutError(
        'ref-missing',
        `cannot read its circled take ${variation} (${rel}): ${(err as Error).message}`,
        clip.shotId,
        err,
      );
    });
    image = { file: real, sha256, ...(clip.take.video ? { video: true } : {}) };
  }
  const spec = segmentSpec(clip, timeline, ctx.options, image);
  return { clip, spec, key: segmentKey(spec) };
}

async function encodeAll(
  jobs: Job[],
  cache: SegmentCache,
  workDir: string,
  ctx: BuildContext,
  emit: (e: BuildEvent) => void,
): Promise<void> {
  if (jobs.length === 0) return;
  const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const limit = Math.max(1, Math.min(ctx.concurrency ?? Math.min(cores, 4), cores, jobs.length));
  // Together the encodes use about one thread per core, however many run at once.
  const threads = Math.max(1, Math.floor(cores / limit));
  const framesTotal = jobs.reduce((n, j) => n + j.spec.frames, 0);
  const done = new Map<string, number>();
  const progress = (shotId: string) =>
    emit({
      type: 'progress',
      framesDone: [...done.values()].reduce((a, b) => a + b, 0),
      framesTotal,
      shotId,
      phase: 'encoding',
    });
  // The first failure stops the other encodes: the build is lost anyway, and the error names the shot.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal?.aborted) stop.abort();
  let failure: unknown;
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !stop.signal.aborted) {
      const job = jobs[next++]!;
      const temp = cache.tempFile(job.key);
      emit({ type: 'segment', shotId: job.clip.shotId, state: 'encoding' });
      try {
        await encodeSegment(job.spec, job.clip, job.key, temp, {
          ffmpeg: ctx.ffmpeg,
          workDir,
          threads,
          signal: stop.signal,
          idleTimeoutMs: ctx.idleTimeoutMs,
          onSpawn: ctx.onSpawn,
          onProgress: (p) => {
            done.set(job.key, Math.min(p.frame, job.spec.frames));
            progress(job.clip.shotId);
          },
        });
        await cache.commit(job.key, temp, job.spec.frames);
        done.set(job.key, job.spec.frames);
        emit({ type: 'segment', shotId: job.clip.shotId, state: 'encoded' });
        progress(job.clip.shotId);
      } catch (err) {
        await fs.rm(temp, { force: true });
        if (!failure) failure = err instanceof CutError && err.shotId ? err : named(err, job.clip.shotId);
        stop.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: limit }, worker));
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
  }
  if (ctx.signal?.aborted) throw canceled();
  if (failure) throw failure;
}

function named(err: unknown, shotId: string): DailiesError {
  if (isAbortError(err)) return canceled();
  const e = toDailiesError(err);
  return new CutError(e.code, e.message, shotId, err);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw canceled();
}

function clipInfo(c: Clip): ClipInfo {
  return {
    shotId: c.shotId,
    index: c.index,
    sceneId: c.sceneId,
    startFrame: c.startFrame,
    frames: c.frames,
    take: c.take?.variation,
    image: c.take?.rel,
    thumb: c.take?.thumb,
    ...(c.take?.video ? { video: c.take.video.rel } : {}),
  };
}
