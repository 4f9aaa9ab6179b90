// Queue wait against run time for one series: where the time goes (limiter/provider queue vs the
// model actually running), as p50 bars with the p95 behind them and a stacked share of the mean.
import type { LatencyStats, MetricSeries } from '../../src/shared/metrics';
import { el, setText } from '../common/dom';
import { formatMs, formatPct } from './format';

interface Bar {
  row: HTMLElement;
  p95: HTMLElement;
  p50: HTMLElement;
  text: HTMLElement;
}

export class QueueRunView {
  readonly element = el('div', 'queue-run');
  private readonly queue = bar('Queue wait', 'queue');
  private readonly run = bar('Run time', 'run');
  private readonly share = el('div', 'qr-track share');
  private readonly shareQueue = el('div', 'share-queue');
  private readonly shareRun = el('div', 'share-run');
  private readonly shareText = el('div', 'qr-text');

  constructor() {
    this.share.setAttribute('role', 'img');
    this.share.append(this.shareQueue, this.shareRun);
    const row = el('div', 'qr-row qr-share');
    row.append(el('div', 'qr-name', 'Share of mean'), this.share, this.shareText);
    this.element.append(this.queue.row, this.run.row, row);
  }

  update(s: MetricSeries): void {
    const max = Math.max(s.queueWait.p95, s.runTime.p95, 1);
    fill(this.queue, s.queueWait, max);
    fill(this.run, s.runTime, max);
    const q = s.queueWait.count ? s.queueWait.avg : 0;
    const r = s.runTime.count ? s.runTime.avg : 0;
    const queueShare = q + r > 0 ? q / (q + r) : 0;
    this.shareQueue.style.width = `${(queueShare * 100).toFixed(1)}%`;
    this.shareRun.style.width = `${((1 - queueShare) * 100).toFixed(1)}%`;
    const text = q + r > 0 ? `${formatPct(queueShare)} waiting · ${formatPct(1 - queueShare)} running` : '—';
    setText(this.shareText, text);
    this.share.setAttribute('aria-label', `Share of the mean time: ${text}`);
  }
}

function bar(name: string, kind: string): Bar {
  const row = el('div', `qr-row qr-${kind}`);
  const track = el('div', 'qr-track');
  const p95 = el('div', 'qr-p95');
  const p50 = el('div', 'qr-p50');
  track.append(p95, p50);
  const text = el('div', 'qr-text');
  row.append(el('div', 'qr-name', name), track, text);
  return { row, p95, p50, text };
}

function fill(b: Bar, stats: LatencyStats, max: number): void {
  const has = stats.count > 0;
  b.p50.style.width = `${has ? (stats.p50 / max) * 100 : 0}%`;
  b.p95.style.width = `${has ? (stats.p95 / max) * 100 : 0}%`;
  setText(b.text, has ? `p50 ${formatMs(stats.p50)} · p95 ${formatMs(stats.p95)}` : '—');
}
