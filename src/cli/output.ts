// Human-readable reports for the terminal. Machine output (--json) never goes through here.
import type { Estimate } from '../core/render/estimate';
import { formatDuration } from '../shared/batchProgress';
import type { BatchSummary } from '../shared/events';
import type { LatencyStats, MetricsSnapshot } from '../shared/metrics';
import { batchParts } from '../shared/shotState';

export function summaryText(s: BatchSummary): string {
  const { shots, variations, uploads } = s;
  // Shots in the words every surface uses (src/shared/shotState.ts); variations are the detail line.
  const lines = [
    `Shots: ${shots.total} total · ${batchParts(shots).join(' · ')}`,
    `Variations: ${variations.rendered} done · ${variations.cached} cached${variations.failed ? ` · ${variations.failed} failed` : ''}${variations.canceled ? ` · ${variations.canceled} canceled` : ''}`,
  ];
  if (uploads.new + uploads.cached + uploads.revalidated > 0) {
    lines.push(`Uploads: ${uploads.new} new · ${uploads.cached} cached · ${uploads.revalidated} revalidated`);
  }
  lines.push(`Time: ${formatDuration(s.wallMs)}${s.costUsd ? ` · Cost: $${s.costUsd.toFixed(3)}` : ''}`);
  for (const e of s.errors.slice(0, 20))
    lines.push(`  ✗ ${e.shotId}${e.variation ? ` v${e.variation}` : ''}: ${e.message}`);
  if (s.errors.length > 20) lines.push(`  … and ${s.errors.length - 20} more`);
  return lines.join('\n');
}

export function estimateText(e: Estimate): string {
  const lines = [
    `Shots: ${e.shots.total} total · ${e.shots.toRender} to render · ${e.shots.cached} served from cache · ${e.shots.fresh} up to date${e.shots.invalid ? ` · ${e.shots.invalid} invalid` : ''}`,
    `Variations: ${e.variations.toRender} to render · ${e.variations.cached} cached`,
    `Uploads: ${e.uploads.needed} needed · ${e.uploads.cached} already uploaded`,
    `Estimated time: ${formatDuration(e.estSeconds * 1000)} · estimated cost: $${e.estCostUsd.toFixed(3)}${e.unpriced.length ? ` (+ unpriced: ${e.unpriced.join(', ')})` : ''}`,
  ];
  if (e.byModel.length) {
    lines.push(
      '',
      table(
        ['model', 'provider', 'class', 'variations', 'each', 'cost'],
        e.byModel.map((r) => [
          r.model,
          r.provider,
          r.class,
          // A video model is priced per second of output: say how many seconds the cost is for.
          r.videoSeconds ? `${r.variations} (${r.videoSeconds} s of video)` : String(r.variations),
          `${r.secondsEach.toFixed(1)}s`,
          `$${r.costUsd.toFixed(3)}`,
        ]),
      ),
    );
  }
  for (const i of e.invalid.slice(0, 20)) lines.push(`  ✗ ${i.shotId}: ${i.message}`);
  return lines.join('\n');
}

export function metricsText(m: MetricsSnapshot): string {
  const t = m.totals;
  const lines = [
    `Since ${new Date(m.since).toISOString()}`,
    `Renders: ${t.requests} · ok ${t.success} · errors ${t.error} · cached ${t.cached} (${(t.cacheHitRate * 100).toFixed(1)}% hit rate)`,
    `Uploads: ${t.uploadsNew} new · ${t.uploadsCached} cached · ${t.uploadsRevalidated} revalidated · Spend: $${t.costUsd.toFixed(3)}`,
  ];
  if (m.series.length) {
    const ms = (s: LatencyStats, k: keyof LatencyStats) => (s.count ? `${Math.round(s[k])}` : '—');
    lines.push(
      '',
      table(
        [
          'provider',
          'model',
          'feature',
          'count',
          'ok',
          'err',
          'cached',
          'avg ms',
          'p50',
          'p95',
          'p99',
          'queue p50',
          'run p50',
          'cost',
        ],
        m.series.map((s) => [
          s.provider,
          s.model,
          s.feature,
          String(s.count),
          String(s.success),
          String(s.error),
          String(s.cached),
          ms(s.latency, 'avg'),
          ms(s.latency, 'p50'),
          ms(s.latency, 'p95'),
          ms(s.latency, 'p99'),
          ms(s.queueWait, 'p50'),
          ms(s.runTime, 'p50'),
          `$${s.costUsd.toFixed(3)}`,
        ]),
      ),
    );
  }
  return lines.join('\n');
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}
