// The one-line state of every production, in the shared vocabulary and counted in shots: what the status
// bar says and what the Shots view's header says, computed once so the two cannot disagree.
import { formatDuration } from '../../shared/batchProgress';
import { emptyReviewCounts, REVIEW_STATUSES, reviewParts } from '../../shared/review';
import { emptyCounts, hasProblems, SHOT_STATES, shotsText, summaryParts } from '../../shared/shotState';
import type { Production } from '../productions/production';

export interface Summary {
  /** "24 shots · 3 stale", "14/24 shots · ETA 12s", "invalid project.json"; empty with no production. */
  text: string;
  tooltip: string;
  rendering: boolean;
  invalid: boolean;
  /** Some shot failed or is invalid: worth a warning colour. */
  warn: boolean;
  /** Shots finished and to finish in the running batches (when rendering). */
  done: number;
  total: number;
}

export function summarize(productions: readonly Production[]): Summary {
  const counts = emptyCounts();
  const reviews = emptyReviewCounts();
  for (const p of productions) {
    const c = p.state.counts();
    for (const s of SHOT_STATES) counts[s] += c[s];
    const r = p.state.reviewCounts();
    for (const s of REVIEW_STATUSES) reviews[s] += r[s];
  }
  // Review counts follow the render state: "24 shots · up to date · 10 approved · 3 changes requested".
  const idle = [...summaryParts(counts), ...reviewParts(reviews)];
  const running = productions.filter((p) => p.isRendering);
  const invalid = productions.filter((p) => p.state.problem);
  const base = { done: 0, total: 0, warn: hasProblems(counts) };
  if (productions.length === 0) {
    return { ...base, text: '', tooltip: '', rendering: false, invalid: false };
  }
  let batchShots = 0;
  for (const p of running) batchShots += p.state.batch()?.shotsTotal ?? 0;
  // A batch with nothing to render (every shot up to date) ends at once: no "0/0 shots" flash.
  if (running.length && batchShots > 0) {
    let done = 0;
    let total = 0;
    let eta = 0;
    let variationsDone = 0;
    let variations = 0;
    for (const p of running) {
      const b = p.state.batch();
      if (!b) continue;
      done += b.shotsDone;
      total += b.shotsTotal;
      variationsDone += b.jobsDone;
      variations += b.jobsTotal;
      eta = Math.max(eta, b.etaMs ?? 0);
    }
    const text = `${done}/${shotsText(total)}${eta ? ` · ETA ${formatDuration(eta)}` : ''}`;
    const tooltip = `Dailies: rendering ${running.map((p) => p.label).join(', ')} — ${done} of ${shotsText(total)} finished (${variationsDone} of ${variations} variations). Now: ${idle.join(', ')}.`;
    return { ...base, text, tooltip, rendering: true, invalid: invalid.length > 0, done, total };
  }
  if (invalid.length) {
    return {
      ...base,
      text: 'invalid project.json',
      tooltip: invalid.map((p) => `${p.label}: ${p.state.problem}`).join('\n'),
      rendering: false,
      invalid: true,
    };
  }
  return {
    ...base,
    text: idle.join(' · '),
    tooltip: `Dailies: ${productions.length} production${productions.length === 1 ? '' : 's'} — ${idle.join(', ')}.`,
    rendering: false,
    invalid: false,
  };
}
