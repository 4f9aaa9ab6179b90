// One row per measured figure; each figure sits beside the baseline measured in the same run, so the
// ratio means something on a noisy 2-core machine even when the absolute numbers wander.
export interface BenchRow {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  baseline?: { label: string; value: number };
  /** value / baseline. */
  ratio?: number;
  goal?: string;
  ok?: boolean;
  note?: string;
}

export function ratio(value: number, baseline: number): number {
  return baseline === 0 ? 0 : Math.round((value / baseline) * 1000) / 1000;
}

export function fmt(n: number, unit: string): string {
  if (unit === 'ms' && n >= 10_000) return `${(n / 1000).toFixed(1)} s`;
  if (unit === 'B' && n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  const v = Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
  return `${v} ${unit}`.trim();
}

/** A markdown table, ready to paste into the README. */
export function table(rows: BenchRow[]): string {
  const head = ['bench', 'metric', 'value', 'baseline', 'note', 'ratio', 'goal', ''];
  const body = rows.map((r) =>
    [
      r.bench,
      r.metric,
      fmt(r.value, r.unit),
      r.baseline ? `${r.baseline.label}: ${fmt(r.baseline.value, r.unit)}` : '',
      r.note ?? '',
      r.ratio !== undefined ? `${r.ratio}×` : '',
      r.goal ?? '',
      r.ok === undefined ? '' : r.ok ? 'ok' : 'MISS',
    ].map((c) => c.replace(/\|/g, '\\|')),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** Wall time of an async function, in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t = performance.now();
  const result = await fn();
  return { ms: performance.now() - t, result };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
