// The circled take: the one variation of a shot the edit uses. Every later stage (the storyboard card,
// the tree thumbnail, the animatic, the exports) reads it through here, with one rule: the `take` the
// user circled if it names a rendered variation, else variation 1 (else the first rendered one).
import type { OutputRecord, Shot } from '../project/schema';

/** The parts of a shot the rule reads (a ShotView or a parsed Shot both fit). */
export interface TakeSource {
  take?: unknown;
  render?: { outputs: readonly OutputRecord[] } | undefined;
}

/** The variation the edit uses: the circled take when it was rendered, else variation 1. */
export function circledTake(shot: TakeSource | Shot): number {
  const outputs = shot.render?.outputs ?? [];
  const take = shot.take;
  if (typeof take === 'number' && outputs.some((o) => o.variation === take)) return take;
  return 1;
}

/**
 * The output the edit shows: the circled take's, else variation 1's, else the first one rendered (a
 * partial render may lack variation 1). Undefined when nothing was rendered.
 */
export function circledOutput(shot: TakeSource | Shot): OutputRecord | undefined {
  const outputs = shot.render?.outputs ?? [];
  const take = circledTake(shot);
  return outputs.find((o) => o.variation === take) ?? outputs[0];
}

/** Outputs of a shot by variation, in variation order. */
export function takesOf(outputs: readonly OutputRecord[]): OutputRecord[] {
  return [...outputs].sort((a, b) => a.variation - b.variation);
}

/** A bit per rendered variation (1..16): the storyboard draws take chips from this one number. */
export function takeMask(outputs: readonly { variation: number }[]): number {
  let mask = 0;
  for (const o of outputs) if (o.variation >= 1 && o.variation <= 16) mask |= 1 << (o.variation - 1);
  return mask;
}
