// The cut as data: every shot in project order, held for its duration in whole frames, showing its
// circled take (or a slate when it has none), with the text that is burned into it. Building it reads no
// image: bad durations are found before anything is encoded, and the previous animatic stays.
import type { ProjectPaths } from '../project/paths';
import type { Project } from '../project/schema';
import { type TimedLine, timeLines } from './dialogue';
import { CutError } from './errors';
import { type AnimaticOptions, frameSize } from './options';
import { circledTake } from './takes';
import { durationProblem, framesFor, shotSeconds, timecode } from './timing';

export interface Clip {
  shotId: string;
  /** Position in project.json. */
  index: number;
  sceneId?: string;
  sceneTitle?: string;
  prompt: string;
  seconds: number;
  frames: number;
  startFrame: number;
  /** The circled take, when the shot has been rendered (`video`: a video take, cut from its clip). */
  take?: {
    variation: number;
    rel: string;
    abs: string;
    thumb?: string;
    video?: { rel: string; abs: string };
  };
  lines: TimedLine[];
}

export interface Timeline {
  width: number;
  height: number;
  fps: number;
  aspectRatio: string;
  clips: Clip[];
  totalFrames: number;
}

export function buildTimeline(project: Project, paths: ProjectPaths, options: AnimaticOptions): Timeline {
  const aspectRatio = project.aspectRatio ?? '16:9';
  const { width, height } = frameSize(aspectRatio, options.width);
  const fps = options.fps;
  const scenes = new Map((project.scenes ?? []).map((s) => [s.id, s]));
  let startFrame = 0;
  const clips = project.shots.map((shot, index): Clip => {
    const { seconds, from } = shotSeconds(project, shot);
    const problem = durationProblem(seconds);
    if (problem) {
      const where = from === 'shot' ? `shots[${index}].duration` : 'defaults.duration';
      throw new CutError('validation', `${where}: ${problem}`, shot.id);
    }
    const frames = framesFor(seconds, fps);
    const circled = circledTake(shot);
    let take: Clip['take'];
    if (circled) {
      let resolved: { rel: string; abs: string };
      let video: { rel: string; abs: string } | undefined;
      try {
        resolved = paths.resolveFile(circled.output.image);
        if (circled.output.video) video = paths.resolveFile(circled.output.video);
      } catch (err) {
        throw new CutError('path-invalid', `take ${circled.take}: ${(err as Error).message}`, shot.id, err);
      }
      take = {
        variation: circled.take,
        ...resolved,
        thumb: circled.output.thumb,
        ...(video ? { video } : {}),
      };
    }
    const scene = shot.scene ? scenes.get(shot.scene) : undefined;
    const clip: Clip = {
      shotId: shot.id,
      index,
      sceneId: shot.scene,
      sceneTitle: scene?.title ?? shot.scene,
      prompt: shot.prompt,
      seconds: frames / fps,
      frames,
      startFrame,
      take,
      lines: timeLines(project, index, frames / fps),
    };
    startFrame += frames;
    return clip;
  });
  return { width, height, fps, aspectRatio, clips, totalFrames: startFrame };
}

/** The label burned into a clip: `s02-030 · The Café Car · take 2` (or `not rendered`). */
export function burnInLabel(clip: Clip): string {
  const parts = [clip.shotId];
  if (clip.sceneTitle) parts.push(clip.sceneTitle);
  parts.push(clip.take ? `take ${clip.take.variation}` : 'not rendered');
  return parts.join(' · ');
}

export function clipTimecode(clip: Clip, fps: number): string {
  return timecode(clip.startFrame, fps);
}

export interface VoiceCue {
  shotId: string;
  /** Index of the line in the shot's `dialogue`. */
  line: number;
  speaker: string;
  text: string;
  /** Seconds from the start of the cut: where the line's MP3 goes on the scratch-voice track. */
  startS: number;
}

/**
 * Where each dialogue line starts in the cut. The cloud text-to-speech path lays one MP3 per cue at
 * `startS` into a single track as long as the cut and passes it to assemble() as `audio`: the picture's
 * segments are copied, never re-encoded, and a changed line changes only the audio track.
 */
export function voiceCues(timeline: Timeline): VoiceCue[] {
  return timeline.clips.flatMap((c) =>
    c.lines.map((l, line) => ({
      shotId: c.shotId,
      line,
      speaker: l.speaker,
      text: l.text,
      startS: c.startFrame / timeline.fps + l.startS,
    })),
  );
}
