// The series table's columns, and sorting by any of them ("p95:desc" is what the state persists).
import type { LatencyStats, MetricSeries } from '../../src/shared/metrics';
import { DASH, formatCount, formatMs, formatPct, formatUsd } from './format';

export interface Column {
  key: string;
  label: string;
  title: string;
  numeric: boolean;
  value(s: MetricSeries): number | string;
  text(s: MetricSeries): string;
}

const stat = (pick: (s: MetricSeries) => LatencyStats, field: keyof LatencyStats) => (s: MetricSeries) =>
  pick(s).count > 0 ? pick(s)[field] : Number.NaN;
const msText = (value: (s: MetricSeries) => number) => (s: MetricSeries) => {
  const v = value(s);
  return Number.isNaN(v) ? DASH : formatMs(v);
};

function text(key: string, label: string, title: string, value: (s: MetricSeries) => string): Column {
  return { key, label, title, numeric: false, value, text: value };
}

function count(key: string, label: string, title: string, value: (s: MetricSeries) => number): Column {
  return { key, label, title, numeric: true, value, text: (s) => formatCount(value(s)) };
}

function latency(key: string, label: string, title: string, value: (s: MetricSeries) => number): Column {
  return { key, label, title, numeric: true, value, text: msText(value) };
}

const lat = (f: keyof LatencyStats) => stat((s) => s.latency, f);

export const COLUMNS: readonly Column[] = [
  text('provider', 'Provider', 'Provider', (s) => s.provider),
  text('model', 'Model', 'Model', (s) => s.model),
  text('feature', 'Feature', 'What was measured', (s) => s.feature),
  count('count', 'Count', 'Requests', (s) => s.count),
  count('success', 'OK', 'Succeeded', (s) => s.success),
  count('error', 'Errors', 'Failed', (s) => s.error),
  count('cached', 'Cached', 'Answered from the cache', (s) => s.cached),
  {
    key: 'hit',
    label: 'Hit rate',
    title: 'Cache hit rate',
    numeric: true,
    value: (s) => s.cacheHitRate,
    text: (s) => formatPct(s.cacheHitRate),
  },
  latency('avg', 'Avg', 'Mean latency', lat('avg')),
  latency('p50', 'p50', 'Median latency', lat('p50')),
  latency('p95', 'p95', '95th percentile latency', lat('p95')),
  latency('p99', 'p99', '99th percentile latency', lat('p99')),
  latency('min', 'Min', 'Fastest', lat('min')),
  latency('max', 'Max', 'Slowest', lat('max')),
  latency(
    'queue',
    'Queue p50',
    'Median wait in the queue',
    stat((s) => s.queueWait, 'p50'),
  ),
  latency(
    'run',
    'Run p50',
    'Median run time',
    stat((s) => s.runTime, 'p50'),
  ),
  {
    key: 'cost',
    label: 'Cost',
    title: 'Spend',
    numeric: true,
    value: (s) => s.costUsd,
    text: (s) => formatUsd(s.costUsd),
  },
];

export type SortDirection = 'asc' | 'desc';

export function parseSort(sortBy: string): { key: string; dir: SortDirection } {
  const [key = 'count', dir] = sortBy.split(':');
  const column = COLUMNS.find((c) => c.key === key) ?? COLUMNS[3]!;
  return { key: column.key, dir: dir === 'asc' ? 'asc' : 'desc' };
}

export function sortSeries(series: readonly MetricSeries[], sortBy: string): MetricSeries[] {
  const { key, dir } = parseSort(sortBy);
  const column = COLUMNS.find((c) => c.key === key)!;
  const sign = dir === 'asc' ? 1 : -1;
  return [...series].sort((a, b) => {
    const va = column.value(a);
    const vb = column.value(b);
    // Missing numbers (no samples) sort last whichever the direction.
    if (typeof va === 'number' && typeof vb === 'number') {
      if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(va) ? (Number.isNaN(vb) ? 0 : 1) : -1;
      return sign * (va - vb) || a.key.localeCompare(b.key);
    }
    return sign * String(va).localeCompare(String(vb)) || a.key.localeCompare(b.key);
  });
}
