// The cut as editorial and paper receive it: every shot in project order with its duration in whole
// frames, its place in the cut (timecode in/out), its circled take's media (or why it has none), its
// review, prompt and spend, and the scratch-voice cues. Built once, read by every format; building it
// stats each take's file once and reads no image.
import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ProjectPaths } from '../../project/paths';
import type { Project, Shot } from '../../project/schema';
import { type TimedLine, timeLines } from '../dialogue';
import { frameSize } from '../options';
import { durationProblem, framesFor, shotSeconds } from '../timing';
import { type MediaKind, mediaKind } from './media';
import { type Rate, rateOf } from './rate';
import { costOf, modelOf, reviewOf, type ShotReview, type TakeMedia, takeMedia } from './shotData';

export interface HandoffOptions {
  /** Frames per second of the hand-off (whole, or an NTSC rate). */
  fps: number;
  /**
   * The scratch-voice track: an audio file as long as the cut, each line at its cue (what the animatic
   * lays under its picture). Project-relative. Without it, or while it does not exist, no audio track.
   */
  voice?: string;
  /** Frame width of the sequence (the height follows the aspect ratio). */
  width?: number;
}

export interface HandoffMedia {
  rel: string;
  abs: string;
  kind: MediaKind;
  /** Thumbnail or poster (absolute), when the take records one. */
  thumb?: string;
  /** A video take's poster frame (absolute): the boards' picture when there is no thumbnail. */
  poster?: string;
  width?: number;
  height?: number;
  /**
   * A video take's own length in frames at its own rate, when the render record measured it: what the
   * timelines give as the media's extent (OTIO's available range, FCP's <file>), whatever the cut's rate.
   */
  clip?: { frames: number; rate: Rate };
}

export interface HandoffShot {
  id: string;
  /** Position in project.json. */
  index: number;
  sceneId?: string;
  sceneTitle?: string;
  prompt: string;
  notes?: string;
  model?: string;
  /** The seed that made the circled take when recorded (like `model`), else the one the shot asks for. */
  seed?: number;
  review: ShotReview;
  costUsd?: number;
  /** The duration as written (or defaulted), in seconds. */
  seconds: number;
  /** Whole frames in the cut; 0 when the duration cannot be cut (`durationProblem` says why). */
  frames: number;
  startFrame: number;
  /** `shots[3].duration: duration 0 s is not more than 0`. */
  durationProblem?: string;
  /** The circled take's variation, when the shot was rendered. */
  take?: number;
  media?: HandoffMedia;
  /** Why the shot is a slate: "not rendered", or the take's file is missing. */
  slate?: string;
  lines: TimedLine[];
}

export interface VoiceClip {
  shotId: string;
  line: number;
  name: string;
  startFrame: number;
  frames: number;
}

export interface HandoffCut {
  title: string;
  rate: Rate;
  width: number;
  height: number;
  aspectRatio: string;
  shots: HandoffShot[];
  totalFrames: number;
  /** Sum of the recorded render costs (USD) of the shots that have one. */
  spendUsd: number;
  voice?: { rel: string; abs: string; clips: VoiceClip[] };
  /** Things the user should know (not rendered, missing files, durations that cannot be cut). */
  warnings: string[];
}

export async function buildHandoff(
  project: Project,
  paths: ProjectPaths,
  options: HandoffOptions,
): Promise<HandoffCut> {
  const rate = rateOf(options.fps);
  const aspectRatio = project.aspectRatio ?? '16:9';
  const { width, height } = frameSize(aspectRatio, options.width ?? 1920);
  const scenes = new Map((project.scenes ?? []).map((s) => [s.id, s]));
  const warnings: string[] = [];
  let startFrame = 0;
  const shots = project.shots.map((shot, index): HandoffShot => {
    const { seconds, from } = shotSeconds(project, shot);
    const problem = durationProblem(seconds);
    const frames = problem ? 0 : framesFor(seconds, rate.fps);
    const scene = shot.scene ? scenes.get(shot.scene) : undefined;
    const out: HandoffShot = {
      id: shot.id,
      index,
      sceneId: shot.scene,
      sceneTitle: scene?.title ?? shot.scene,
      prompt: shot.prompt,
      notes: shot.notes,
      model: modelOf(shot, project.defaults?.model),
      seed: shot.seed ?? project.defaults?.seed,
      review: reviewOf(shot),
      costUsd: costOf(shot),
      seconds,
      frames,
      startFrame,
      lines: problem ? [] : timeLines(project, index, frames / rate.fps),
    };
    if (problem) {
      const where = from === 'shot' ? `shots[${index}].duration` : 'defaults.duration';
      out.durationProblem = `${where}: ${problem}`;
      warnings.push(`${shot.id}: ${out.durationProblem}`);
    }
    linkTake(out, shot, paths, rate);
    startFrame += frames;
    return out;
  });
  await checkTakesExist(shots);
  for (const s of shots) {
    const short = shortClip(s, rate);
    if (short) warnings.push(`${s.id}: ${short}`);
  }
  for (const s of shots) if (s.slate && s.take !== undefined) warnings.push(`${s.id}: ${s.slate}`);
  const unrendered = shots.filter((s) => s.take === undefined).length;
  if (unrendered) warnings.push(`${unrendered} shot(s) not rendered yet: slates in the cut`);
  const cut: HandoffCut = {
    title: project.title?.trim() || path.basename(paths.root),
    rate,
    width,
    height,
    aspectRatio,
    shots,
    totalFrames: startFrame,
    spendUsd: shots.reduce((sum, s) => sum + (s.costUsd ?? 0), 0),
    warnings,
  };
  if (options.voice) cut.voice = await voiceTrack(cut, paths, options.voice);
  return cut;
}

/**
 * A take whose file is gone becomes a slate. Synchronous stats in slices (async ones cost 4× more through
 * the thread pool at 10,000 shots), yielding between slices so an extension host stays responsive.
 */
async function checkTakesExist(shots: HandoffShot[]): Promise<void> {
  for (let i = 0; i < shots.length; i += 500) {
    for (const s of shots.slice(i, i + 500)) {
      if (!s.media) continue;
      let ok = false;
      try {
        ok = statSync(s.media.abs).isFile();
      } catch {
        // missing or unreadable: a slate
      }
      if (!ok) {
        s.slate = `take ${s.take} is missing (${s.media.rel})`;
        s.media = undefined;
      }
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function linkTake(out: HandoffShot, shot: Shot, paths: ProjectPaths, rate: Rate): void {
  const take = takeMedia(shot);
  if (!take) {
    out.slate = 'not rendered';
    return;
  }
  out.take = take.take;
  if (take.seed !== undefined) out.seed = take.seed;
  let media: { rel: string; abs: string };
  try {
    media = paths.resolveFile(take.media);
  } catch (err) {
    out.slate = `take ${take.take}: ${(err as Error).message}`;
    return;
  }
  const inside = (rel: string | undefined) => {
    try {
      return rel ? paths.resolveFile(rel).abs : undefined;
    } catch {
      // A thumbnail or poster path that leaves the project is not read; the PDF makes do without it.
      return undefined;
    }
  };
  const kind = mediaKind(media.abs);
  out.media = {
    ...media,
    kind,
    thumb: inside(take.thumb),
    width: take.width,
    height: take.height,
  };
  const poster = inside(take.poster);
  if (poster) out.media.poster = poster;
  const clip = kind === 'video' ? clipLength(take, rate) : undefined;
  if (clip) out.media.clip = clip;
}

/**
 * A video take's frames at its own rate: as recorded (frames and fps), else its seconds at its rate or,
 * when that is not one the formats can write, at the cut's. Undefined when nothing was measured.
 */
function clipLength(take: TakeMedia, cutRate: Rate): { frames: number; rate: Rate } | undefined {
  let own: Rate | undefined;
  try {
    own = take.fps ? rateOf(take.fps) : undefined;
  } catch {
    own = undefined; // e.g. 12.5 fps: counted at the cut's rate below
  }
  if (own && take.frames) return { frames: Math.round(take.frames), rate: own };
  const seconds = take.seconds ?? (take.frames && take.fps ? take.frames / take.fps : undefined);
  if (!seconds) return undefined;
  const rate = own ?? cutRate;
  return { frames: Math.max(1, Math.round(seconds * rate.fps)), rate };
}

/** A clip more than a frame shorter than its shot: the timelines cut past its end (said, not hidden). */
function shortClip(s: HandoffShot, rate: Rate): string | undefined {
  const clip = s.media?.clip;
  if (!clip || s.frames === 0) return undefined;
  const clipS = clip.frames / clip.rate.fps;
  const shotS = s.frames / rate.fps;
  if (clipS >= shotS - 1 / rate.fps) return undefined;
  const n = (v: number) => String(Number(v.toFixed(3)));
  return `take ${s.take} is a ${n(clipS)} s clip in a ${n(shotS)} s shot: its last ${n(shotS - clipS)} s has no picture`;
}

/** One audio clip per dialogue line, cut from the voice track where the line is (source = record time). */
async function voiceTrack(cut: HandoffCut, paths: ProjectPaths, voice: string): Promise<HandoffCut['voice']> {
  let file: { rel: string; abs: string };
  try {
    file = paths.resolveFile(voice);
  } catch (err) {
    cut.warnings.push(`scratch voice not linked: ${(err as Error).message}`);
    return undefined;
  }
  const exists = await fs
    .stat(file.abs)
    .then((s) => s.isFile())
    .catch(() => false);
  if (!exists) return undefined;
  const clips: VoiceClip[] = [];
  let end = 0;
  for (const s of cut.shots) {
    s.lines.forEach((l, line) => {
      const start = Math.max(end, s.startFrame + Math.round(l.startS * cut.rate.fps));
      const stop = Math.min(s.startFrame + s.frames, s.startFrame + Math.round(l.endS * cut.rate.fps));
      if (stop <= start) return;
      clips.push({
        shotId: s.id,
        line,
        name: `${s.id} ${l.name}: ${l.text}`,
        startFrame: start,
        frames: stop - start,
      });
      end = stop;
    });
  }
  return { ...file, clips };
}
