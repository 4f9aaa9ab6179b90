// The live progress line of a card: "Variation 2/4 · Step 12/30", "Variation 1/1 · queued (#3)".
import type { ShotProgress } from '../../src/shared/protocol';

export function progressText(p: ShotProgress): string {
  const head = `Variation ${p.variation}/${p.variations}`;
  if (p.state === 'queued')
    return `${head} · queued${p.queuePosition !== undefined ? ` (#${p.queuePosition})` : ''}`;
  // At the provider, waiting its turn (a video can queue for minutes): say where it is in line.
  if (p.state === 'submitted' && p.queuePosition !== undefined)
    return `${head} · in queue (#${p.queuePosition + 1})`;
  if (p.step !== undefined && p.steps !== undefined && p.steps > 0 && p.state === 'running') {
    return `${head} · Step ${p.step}/${p.steps}`;
  }
  return `${head} · ${p.state}`;
}

/** 0..1 across all variations, counting steps inside the running one. */
export function progressFraction(p: ShotProgress): number {
  if (p.variations <= 0) return 0;
  const inVariation = p.steps && p.steps > 0 && p.step !== undefined ? Math.min(1, p.step / p.steps) : 0;
  return Math.min(1, Math.max(0, (p.variation - 1 + inVariation) / p.variations));
}
