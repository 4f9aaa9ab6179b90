// The toolbar's one-line summary, in the words of the status bar: "24 shots · 3 stale · 21 not rendered ·
// batch 12/24 · ETA 3m" (shots, never variations).
import { formatDuration } from '../../src/shared/batchProgress';
import { formatCount } from '../../src/shared/count';
import type { BatchInfo } from '../../src/shared/protocol';
import { emptyReviewCounts, reviewParts } from '../../src/shared/review';
import { emptyCounts, summaryParts } from '../../src/shared/shotState';
import type { ShotCard } from './model';

export function summaryText(
  shots: readonly ShotCard[],
  shown: number,
  selected: number,
  batch: BatchInfo | undefined,
): string {
  const counts = emptyCounts();
  const reviews = emptyReviewCounts();
  for (const s of shots) {
    counts[s.status]++;
    reviews[s.review]++;
  }
  const total = shots.length;
  const [, ...states] = summaryParts(counts);
  const parts = [
    shown === total ? `${formatCount(total)} shots` : `${formatCount(shown)} of ${formatCount(total)} shots`,
    ...states,
    ...reviewParts(reviews),
  ];
  if (selected > 0) parts.push(`${formatCount(selected)} selected`);
  if (batch?.running) {
    parts.push(`batch ${batch.shotsDone}/${batch.shotsTotal}`, `ETA ${formatDuration(batch.etaMs)}`);
  } else if (batch && batch.shotsTotal > 0) {
    parts.push(`last batch ${batch.shotsDone}/${batch.shotsTotal}`);
  }
  return parts.join(' · ');
}
