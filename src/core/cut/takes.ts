// Which image stands for a shot in the cut: its circled take. Review (another part of Dailies) records the
// circled variation as `"take": n` on the shot; until a shot has one, or when it names a variation that was
// never rendered, the cut uses variation 1 (and, failing that, the lowest variation that exists, so a shot
// whose variation 1 failed is still seen). The same rule as review's `circledOutput` (core/review/takes.ts),
// which the storyboard and tree use; here outputs without an image are skipped too, as a cut needs one.
import type { OutputRecord, Shot } from '../project/schema';

export interface CircledTake {
  /** 1-based variation number. */
  take: number;
  output: OutputRecord;
}

export function circledTake(shot: Shot): CircledTake | undefined {
  const outputs = (shot.render?.outputs ?? []).filter(
    (o) => Number.isInteger(o.variation) && typeof o.image === 'string' && o.image !== '',
  );
  if (outputs.length === 0) return undefined;
  const asked = (shot as Shot & { take?: unknown }).take;
  const wanted = typeof asked === 'number' && Number.isInteger(asked) && asked >= 1 ? asked : 1;
  const output =
    outputs.find((o) => o.variation === wanted) ??
    outputs.find((o) => o.variation === 1) ??
    [...outputs].sort((a, b) => a.variation - b.variation)[0]!;
  return { take: output.variation, output };
}
