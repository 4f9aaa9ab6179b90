// "2.39:1", "16:9" or "1.85" → width / height, clamped so a typo cannot make cards absurdly tall.

export function parseAspect(text: string | undefined, fallback = 16 / 9): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:[:/x]\s*(\d+(?:\.\d+)?))?\s*$/.exec(text ?? '');
  if (!m) return fallback;
  const ratio = Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2]));
  return Number.isFinite(ratio) && ratio > 0 ? Math.min(4, Math.max(0.25, ratio)) : fallback;
}
