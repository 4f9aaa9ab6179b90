// Latency over time for one series, drawn by hand in SVG: the recent samples as a line over a faint
// area, failures marked with a red cross, and the series' p50/p95 as dashed reference lines.
import type { MetricSeries } from '../../src/shared/metrics';
import { svg } from '../common/dom';
import { formatClock, formatMs } from './format';
import { linear, niceCeil, ticks } from './scale';
import { emptyChart, frameChart, label } from './svgChart';

const M = { left: 58, right: 70, top: 12, bottom: 26 };
/** Above this many samples the per-point dots would be a smear; the line says enough. */
const MAX_DOTS = 150;

export function drawLatencyChart(
  root: SVGSVGElement,
  series: MetricSeries,
  width: number,
  height: number,
): void {
  const points = [...series.recent].sort((a, b) => a.t - b.t);
  frameChart(
    root,
    width,
    height,
    `Latency over time of ${series.feature} ${series.model}: ${points.length} recent samples, ` +
      `${points.filter((p) => !p.ok).length} failed`,
  );
  if (points.length === 0) {
    emptyChart(root, width, height);
    return;
  }
  const children: SVGElement[] = [];
  let t0 = points[0]!.t;
  let t1 = points[points.length - 1]!.t;
  if (t0 === t1) [t0, t1] = [t0 - 1000, t1 + 1000];
  const yMax = niceCeil(Math.max(...points.map((p) => p.ms), series.latency.p95) * 1.05);
  const x = linear(t0, t1, M.left, width - M.right);
  const y = linear(0, yMax, height - M.bottom, M.top);

  for (const v of ticks(yMax, 4)) {
    children.push(svg('line', { x1: M.left, x2: width - M.right, y1: y(v), y2: y(v) }, 'grid'));
    children.push(label(M.left - 8, y(v) + 4, formatMs(v), 'axis', 'end'));
  }
  for (let i = 0; i <= 3; i++) {
    const t = t0 + ((t1 - t0) * i) / 3;
    children.push(
      label(x(t), height - 8, formatClock(t), 'axis', i === 0 ? 'start' : i === 3 ? 'end' : 'middle'),
    );
  }

  const coords = points.map((p) => `${x(p.t).toFixed(1)},${y(p.ms).toFixed(1)}`);
  const base = y(0).toFixed(1);
  children.push(
    svg(
      'polygon',
      { points: `${x(t0)},${base} ${coords.join(' ')} ${x(points[points.length - 1]!.t)},${base}` },
      'area',
    ),
    svg('polyline', { points: coords.join(' ') }, 'line'),
  );

  if (series.latency.count > 0) {
    const y50 = y(series.latency.p50);
    const y95 = y(series.latency.p95);
    // Labels need ~12 px of height; when the lines are closer, spread the labels around their middle.
    const gap = Math.max(0, 12 - (y50 - y95)) / 2;
    for (const [name, value, ly] of [
      ['p50', series.latency.p50, y50 + gap],
      ['p95', series.latency.p95, y95 - gap],
    ] as const) {
      children.push(
        svg('line', { x1: M.left, x2: width - M.right, y1: y(value), y2: y(value) }, `ref ref-${name}`),
      );
      children.push(
        label(width - M.right + 6, ly + 4, `${name} ${formatMs(value)}`, `ref-label ref-${name}`, 'start'),
      );
    }
  }

  const dots = points.length <= MAX_DOTS;
  for (const p of points) {
    if (p.ok && !dots) continue;
    const cx = x(p.t);
    const cy = y(p.ms);
    const mark = p.ok
      ? svg('circle', { cx, cy, r: 2.5 }, 'dot')
      : svg(
          'path',
          { d: `M${cx - 4},${cy - 4}L${cx + 4},${cy + 4}M${cx - 4},${cy + 4}L${cx + 4},${cy - 4}` },
          'fail',
        );
    const title = svg('title');
    title.textContent = `${formatClock(p.t)} · ${formatMs(p.ms)}${p.ok ? '' : ' · failed'}`;
    mark.append(title);
    children.push(mark);
  }
  root.replaceChildren(...children);
}
