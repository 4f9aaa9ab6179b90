// Scratch voice, offline: each dialogue line is timed at the speaking pace and shown as a subtitle on its
// shot; the validator warns when a shot's lines need longer than the shot lasts. The cloud text-to-speech
// path (later) lays one MP3 per line at the same start times (see audio.ts).
import type { Project } from '../project/schema';
import { durationProblem, shotSeconds, speakingSeconds, WORDS_PER_SECOND } from './timing';

export interface TimedLine {
  speaker: string;
  /** Display name of the speaker (cast name, else the id). */
  name: string;
  text: string;
  /** Seconds from the start of the shot. */
  startS: number;
  endS: number;
}

/**
 * Lines one after another at the speaking pace. When they need more than the shot, they are squeezed to
 * fit (the warning says so); the last line stays up to the end of the shot.
 */
export function timeLines(project: Project, shotIndex: number, seconds: number): TimedLine[] {
  const shot = project.shots[shotIndex];
  const lines = shot?.dialogue ?? [];
  if (!lines.length) return [];
  const needs = lines.map((l) => Math.max(0.5, speakingSeconds(l.text)));
  const total = needs.reduce((a, b) => a + b, 0);
  const scale = total > seconds ? seconds / total : 1;
  let at = 0;
  return lines.map((l, i) => {
    const startS = at;
    at += needs[i]! * scale;
    const name = project.cast?.find((c) => c.id === l.speaker)?.name ?? l.speaker;
    return { speaker: l.speaker, name, text: l.text, startS, endS: i === lines.length - 1 ? seconds : at };
  });
}

export interface TimingWarning {
  /** JSON pointer, e.g. `/shots/3/dialogue/1`. */
  pointer: string;
  message: string;
}

/** Warnings only: a shot that is too short for its lines, or held for an impossible time, still renders. */
export function timingWarnings(project: Project): TimingWarning[] {
  const out: TimingWarning[] = [];
  const castIds = new Set((project.cast ?? []).map((c) => c.id));
  const fromDefaults = project.defaults?.duration;
  if (typeof fromDefaults === 'number') {
    const problem = durationProblem(fromDefaults);
    if (problem)
      out.push({ pointer: '/defaults/duration', message: `${problem}: the animatic cannot cut it` });
  }
  project.shots.forEach((shot, i) => {
    const { seconds, from } = shotSeconds(project, shot);
    if (from === 'shot') {
      const problem = durationProblem(seconds);
      if (problem)
        out.push({ pointer: `/shots/${i}/duration`, message: `${problem}: the animatic cannot cut it` });
    }
    const lines = shot.dialogue ?? [];
    lines.forEach((line, j) => {
      if (!castIds.has(line.speaker)) {
        out.push({
          pointer: `/shots/${i}/dialogue/${j}/speaker`,
          message: `speaker "${line.speaker}" is not in the cast`,
        });
      }
    });
    // Point at the first line that no longer fits: that is where the user has to cut or lengthen.
    let needed = 0;
    const overflow = lines.findIndex((line) => {
      needed += speakingSeconds(line.text);
      return needed > seconds;
    });
    if (overflow >= 0 && seconds > 0) {
      const total = lines.reduce((n, l) => n + speakingSeconds(l.text), 0);
      out.push({
        pointer: `/shots/${i}/dialogue/${overflow}`,
        message: `dialogue takes about ${total.toFixed(1)} s to say (at ${WORDS_PER_SECOND} words/s) but ${shot.id} lasts ${seconds} s`,
      });
    }
  });
  return out;
}
