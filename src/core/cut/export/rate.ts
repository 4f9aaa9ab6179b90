// Frame rates of a hand-off. Dailies cuts on whole frames at a whole-number rate; editorial also works at
// the NTSC rates (23.976, 29.97, 59.94), which FCP XML writes as the whole timebase with <ntsc>TRUE and
// OTIO as the exact 24000/1001. Timecode is non-drop everywhere (an EDL says so in its FCM line).
import { CutError } from '../errors';
import { LIMITS } from '../options';

export interface Rate {
  /** Frames per second as the formats write it (24, or 23.976023976023978). */
  fps: number;
  /** The whole timebase timecode counts in (24 for 23.976). */
  timebase: number;
  ntsc: boolean;
}

const NTSC_BASES = [24, 30, 48, 60, 120];

/** A rate from `24`, `25`, `23.976`, `29.97`, `59.94`…; throws a clear error otherwise. */
export function rateOf(fps: number): Rate {
  if (Number.isInteger(fps) && fps >= LIMITS.fps.min && fps <= LIMITS.fps.max) {
    return { fps, timebase: fps, ntsc: false };
  }
  if (Number.isFinite(fps)) {
    for (const base of NTSC_BASES) {
      const exact = (base * 1000) / 1001;
      if (Math.abs(fps - exact) < 0.005) return { fps: exact, timebase: base, ntsc: true };
    }
  }
  throw new CutError(
    'validation',
    `fps must be a whole number from ${LIMITS.fps.min} to ${LIMITS.fps.max} or an NTSC rate (23.976, 29.97, 59.94) (got ${fps})`,
  );
}

/** Non-drop timecode HH:MM:SS:FF of a frame count, counted at the whole timebase. */
export function tc(frame: number, rate: Rate): string {
  const base = rate.timebase;
  const ff = frame % base;
  const total = Math.floor(frame / base);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}:${pad(ff)}`;
}

/**
 * Frames of a timecode (`HH:MM:SS:FF`, or drop-frame `HH:MM:SS;FF` at 29.97/59.94) or of a plain frame
 * count; undefined when it is neither.
 */
export function framesOfTimecode(text: string, rate: Rate): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const m = /^(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2,3})$/.exec(text);
  if (!m) return undefined;
  const [h, mi, s, f] = [m[1], m[2], m[3], m[5]].map(Number) as [number, number, number, number];
  const base = rate.timebase;
  if (mi > 59 || s > 59 || f >= base) return undefined;
  const nominal = (h * 3600 + mi * 60 + s) * base + f;
  if (m[4] !== ';' && m[4] !== ',') return nominal;
  // Drop-frame: two frame numbers (four at 59.94) are skipped every minute except each tenth.
  const drop = Math.round(base / 15);
  const minutes = h * 60 + mi;
  return nominal - drop * (minutes - Math.floor(minutes / 10));
}
