// Latency histogram of one series' recent samples: stacked bars (successes, then failures) with the
// p50 and p95 of the whole series marked.
import type { MetricSeries } from '../../src/shared/metrics';
import { svg } from '../common/dom';
import { histogram } from './bins';
import { formatCount, formatMs } from './format';
import { linear, niceCeil, ticks } from './scale';
import { emptyChart, frameChart, label } from './svgChart';

const M = { left: 44, right: 14, top: 18, bottom: 26 };

export function drawHistogram(
  root: SVGSVGElement,
  series: MetricSeries,
  width: number,
  height: number,
): void {
  const bins = histogram(series.recent);
  frameChart(
    root,
    width,
    height,
    `Latency histogram of ${series.feature} ${series.model}, ${series.recent.length} samples`,
  );
  if (bins.length === 0) {
    emptyChart(root, width, height);
    return;
  }
  const top = bins[bins.length - 1]!.to;
  const yMax = niceCeil(Math.max(...bins.map((b) => b.ok + b.failed)));
  const x = linear(0, top, M.left, width - M.right);
  const y = linear(0, yMax, height - M.bottom, M.top);
  const children: SVGElement[] = [];
  for (const v of ticks(yMax, 3)) {
    if (!Number.isInteger(v)) continue;
    children.push(svg('line', { x1: M.left, x2: width - M.right, y1: y(v), y2: y(v) }, 'grid'));
    children.push(label(M.left - 6, y(v) + 4, formatCount(v), 'axis', 'end'));
  }
  for (const v of [0, top / 2, top]) {
    children.push(
      label(x(v), height - 8, formatMs(v), 'axis', v === 0 ? 'start' : v === top ? 'end' : 'middle'),
    );
  }
  for (const b of bins) {
    const x0 = x(b.from) + 1;
    const w = Math.max(1, x(b.to) - x(b.from) - 2);
    const total = b.ok + b.failed;
    if (total === 0) continue;
    const group = svg('g', {}, 'bin');
    const title = svg('title');
    title.textContent = `${formatMs(b.from)}–${formatMs(b.to)}: ${b.ok} ok${b.failed ? `, ${b.failed} failed` : ''}`;
    group.append(title);
    if (b.ok) group.append(svg('rect', { x: x0, y: y(b.ok), width: w, height: y(0) - y(b.ok) }, 'bar'));
    if (b.failed) {
      group.append(svg('rect', { x: x0, y: y(total), width: w, height: y(b.ok) - y(total) }, 'bar-failed'));
    }
    children.push(group);
  }
  if (series.latency.count > 0) {
    const x50 = x(Math.min(series.latency.p50, top));
    const x95 = x(Math.min(series.latency.p95, top));
    // Close markers would print "p50" over "p95": push the labels apart, p50 left and p95 right.
    const close = x95 - x50 < 26;
    for (const [name, px, dx, anchor] of [
      ['p50', x50, close ? -2 : 0, close ? 'end' : 'middle'],
      ['p95', x95, close ? 2 : 0, close ? 'start' : 'middle'],
    ] as const) {
      children.push(svg('line', { x1: px, x2: px, y1: M.top - 4, y2: height - M.bottom }, `ref ref-${name}`));
      children.push(label(px + dx, M.top - 7, name, `ref-label ref-${name}`, anchor));
    }
  }
  root.replaceChildren(...children);
}
