// Histogram bins over latency samples: equal-width bins from 0 to a round upper bound, failures
// counted apart so the bars can show them stacked.
import { niceCeil } from './scale';

export interface Bin {
  from: number;
  to: number;
  ok: number;
  failed: number;
}

export function histogram(samples: readonly { ms: number; ok: boolean }[], binCount = 24): Bin[] {
  if (samples.length === 0) return [];
  let max = 0;
  for (const s of samples) max = Math.max(max, s.ms);
  const top = niceCeil(max || 1);
  const width = top / binCount;
  const bins: Bin[] = Array.from({ length: binCount }, (_, i) => ({
    from: i * width,
    to: (i + 1) * width,
    ok: 0,
    failed: 0,
  }));
  for (const s of samples) {
    const bin = bins[Math.min(binCount - 1, Math.max(0, Math.floor(s.ms / width)))]!;
    if (s.ok) bin.ok++;
    else bin.failed++;
  }
  return bins;
}
