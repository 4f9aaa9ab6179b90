// What an animatic is cut to: frame size, rate, burn-in, push-in, and where it is written. Shared by the
// CLI flags, the VS Code settings and the builder, so the same words mean the same limits everywhere.
import { CutError } from './errors';

export interface AnimaticOptions {
  /** Frame width in pixels (even); the height follows the project's aspect ratio. */
  width: number;
  /** Frames per second (whole numbers: every shot is cut on a frame). */
  fps: number;
  /** Shot id, scene, take and running timecode in the picture. */
  burnIn: boolean;
  /** A slow push-in on every still. */
  kenBurns: boolean;
  /** Project-relative output path (default `cut/animatic.mp4`). */
  out: string;
}

export const DEFAULT_ANIMATIC: AnimaticOptions = {
  width: 1280,
  fps: 24,
  burnIn: false,
  kenBurns: false,
  out: 'cut/animatic.mp4',
};

export const LIMITS = {
  width: { min: 64, max: 7680 },
  fps: { min: 1, max: 120 },
  /** Seconds; anything longer is a typo for milliseconds or frames, and would fill the disk. */
  maxShotSeconds: 600,
  defaultShotSeconds: 3,
} as const;

/** Defaults filled in and every value checked; throws a CutError that says which value is wrong. */
export function animaticOptions(partial: Partial<AnimaticOptions> = {}): AnimaticOptions {
  const o = { ...DEFAULT_ANIMATIC, ...dropUndefined(partial) };
  if (!Number.isInteger(o.width) || o.width < LIMITS.width.min || o.width > LIMITS.width.max) {
    throw new CutError(
      'validation',
      `width must be a whole number of pixels from ${LIMITS.width.min} to ${LIMITS.width.max} (got ${o.width})`,
    );
  }
  if (!Number.isInteger(o.fps) || o.fps < LIMITS.fps.min || o.fps > LIMITS.fps.max) {
    throw new CutError(
      'validation',
      `fps must be a whole number from ${LIMITS.fps.min} to ${LIMITS.fps.max} (got ${o.fps})`,
    );
  }
  if (typeof o.out !== 'string' || o.out.trim() === '' || !/\.mp4$/i.test(o.out)) {
    throw new CutError('validation', `the animatic is an MP4: --out must end in .mp4 (got "${o.out}")`);
  }
  // yuv420p halves chroma in both directions: odd sizes are refused by the encoder.
  return { ...o, width: o.width - (o.width % 2) };
}

/** Even width × height at the project's ratio (`2.39:1` → 1280 × 536). */
export function frameSize(aspectRatio: string | undefined, width: number): { width: number; height: number } {
  const [w, h] = (aspectRatio ?? '16:9').split(':').map(Number);
  const ratio = w && h && Number.isFinite(w / h) && w / h > 0 ? Math.min(8, Math.max(1 / 8, w / h)) : 16 / 9;
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  return { width: even(width), height: even(width / ratio) };
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
