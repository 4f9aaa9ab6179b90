// How long each shot holds in the cut, and how long its lines take to say. Pure functions: the validator
// (warnings in the editor), the timeline and the tests all agree on the same numbers.
import type { Project, Shot } from '../project/schema';
import { LIMITS } from './options';

/**
 * Scratch-voice pace: 2.5 words a second (150 words a minute), the usual figure for unhurried film
 * dialogue. It only decides when a line is "longer than its shot"; it never changes a duration.
 */
export const WORDS_PER_SECOND = 2.5;

export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export function speakingSeconds(text: string): number {
  return wordCount(text) / WORDS_PER_SECOND;
}

/** The shot's own duration, else the project's default, else 3 s; and where it was written. */
export function shotSeconds(
  project: Project,
  shot: Shot,
): { seconds: number; from: 'shot' | 'defaults' | 'builtin' } {
  if (typeof shot.duration === 'number') return { seconds: shot.duration, from: 'shot' };
  const d = project.defaults?.duration;
  if (typeof d === 'number') return { seconds: d, from: 'defaults' };
  return { seconds: LIMITS.defaultShotSeconds, from: 'builtin' };
}

/** Why a duration cannot be cut, or undefined when it can. */
export function durationProblem(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds <= 0) return `duration ${seconds} s is not more than 0`;
  if (seconds > LIMITS.maxShotSeconds) {
    return `duration ${seconds} s is longer than ${LIMITS.maxShotSeconds / 60} minutes (seconds, not frames or ms?)`;
  }
  return undefined;
}

/** Whole frames, at least one: the cut's length is the sum of these, exactly. */
export function framesFor(seconds: number, fps: number): number {
  return Math.max(1, Math.round(seconds * fps));
}

/** SMPTE-style non-drop timecode HH:MM:SS:FF of a frame number. */
export function timecode(frame: number, fps: number): string {
  const ff = frame % fps;
  const total = Math.floor(frame / fps);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}:${pad(ff)}`;
}
