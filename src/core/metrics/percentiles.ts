import type { LatencyStats } from '../../shared/metrics';

/** Exact nearest-rank percentiles of a sample set (sketches are off by 5–40 % at the tail). */
export function latencyStats(samples: readonly number[]): LatencyStats {
  const n = samples.length;
  if (n === 0) return { count: 0, min: 0, avg: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] ?? 0;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    min: sorted[0] ?? 0,
    avg: sum / n,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted[n - 1] ?? 0,
  };
}

/** A fixed-size window of the most recent values. */
export class Ring<T> {
  private items: T[] = [];
  private next = 0;
  constructor(private readonly capacity: number) {}
  push(v: T): void {
    if (this.items.length < this.capacity) this.items.push(v);
    else {
      this.items[this.next] = v;
      this.next = (this.next + 1) % this.capacity;
    }
  }
  /** Oldest first. */
  values(): T[] {
    return this.items.length < this.capacity
      ? [...this.items]
      : [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }
  static from<T>(capacity: number, values: readonly T[]): Ring<T> {
    const r = new Ring<T>(capacity);
    for (const v of values.slice(-capacity)) r.push(v);
    return r;
  }
}
