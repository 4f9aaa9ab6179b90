// Number formats of the metrics panel: latencies in ms/s, rates in %, spend in USD, clock times.
import { formatDuration } from '../../src/shared/batchProgress';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

export const DASH = '—';

export function formatCount(n: number): string {
  return Number.isFinite(n) ? integer.format(n) : DASH;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return DASH;
  if (ms === 0) return '0';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(ms);
}

export function formatPct(fraction: number): string {
  if (!Number.isFinite(fraction)) return DASH;
  const pct = fraction * 100;
  return `${pct === 0 || pct === 100 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return DASH;
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function formatClock(t: number): string {
  return clock.format(new Date(t));
}

export function formatDateTime(t: number): string {
  return dateTime.format(new Date(t));
}
