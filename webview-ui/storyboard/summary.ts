// The toolbar's one-line summary: "10,000 shots · 312 stale · batch 12/48 · ETA 3m".
import { formatDuration } from '../../src/shared/batchProgress';
import type { BatchInfo } from '../../src/shared/protocol';
import type { ShotCard } from './model';
import { NEEDS_RENDER } from './status';

const count = new Intl.NumberFormat('en-US');

export function summaryText(
  shots: readonly ShotCard[],
  shown: number,
  selected: number,
  batch: BatchInfo | undefined,
): string {
  let stale = 0;
  for (const s of shots) if (NEEDS_RENDER.has(s.status)) stale++;
  const total = shots.length;
  const parts = [
    shown === total
      ? `${count.format(total)} shots`
      : `${count.format(shown)} of ${count.format(total)} shots`,
    `${count.format(stale)} stale`,
  ];
  if (selected > 0) parts.push(`${count.format(selected)} selected`);
  if (batch?.running) {
    parts.push(`batch ${batch.shotsDone}/${batch.shotsTotal}`, `ETA ${formatDuration(batch.etaMs)}`);
  } else if (batch && batch.shotsTotal > 0) {
    parts.push(`last batch ${batch.shotsDone}/${batch.shotsTotal}`);
  }
  return parts.join(' · ');
}
