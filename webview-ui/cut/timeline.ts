// Pure timeline arithmetic for the Cut view (no DOM): which clip plays at a time, where a click seeks,
// how wide each clip is drawn.
import type { CutClip } from '../../src/shared/cut';

/** Index of the clip playing at `t` seconds (the last one at or after the end; -1 when there are none). */
export function clipAt(clips: readonly CutClip[], t: number): number {
  if (clips.length === 0) return -1;
  let lo = 0;
  let hi = clips.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (clips[mid]!.startS <= t + 1e-6) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Where to seek for a clip: a quarter frame into its first frame, so float rounding in the player never
 * lands on the previous shot's last frame.
 */
export function seekTime(clip: CutClip, fps: number): number {
  return clip.startS + 0.25 / Math.max(1, fps);
}

/** Pixels per second: the whole cut fits the strip when it can; clips never narrower than `minPx`. */
export function stripScale(clips: readonly CutClip[], available: number, minPx: number): number {
  const total = clips.reduce((n, c) => n + c.durationS, 0);
  if (total <= 0) return 1;
  let scale = Math.max(1, available / total);
  // Clips held at minPx take room from the others: shrink the scale until everything fits (or cannot).
  for (let i = 0; i < 4; i++) {
    const fixed = clips.filter((c) => c.durationS * scale < minPx);
    const rest = total - fixed.reduce((n, c) => n + c.durationS, 0);
    const room = available - fixed.length * minPx;
    if (rest <= 0 || room <= 0) break;
    scale = Math.max(1, room / rest);
  }
  return scale;
}

export function clipWidth(clip: CutClip, scale: number, minPx: number): number {
  return Math.max(minPx, Math.round(clip.durationS * scale));
}

/** `m:ss` under an hour, `h:mm:ss` above. */
export function formatTime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
