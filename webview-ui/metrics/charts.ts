// The selected series' detail: latency over time, histogram and queue-vs-run bars. The SVGs are drawn
// at the container's pixel width (redrawn on resize) so text never stretches.
import type { MetricSeries } from '../../src/shared/metrics';
import { el, setText, svg } from '../common/dom';
import { drawHistogram } from './histogramChart';
import { drawLatencyChart } from './latencyChart';
import { QueueRunView } from './queueRun';

const CHART_HEIGHT = 200;

export class Charts {
  readonly element = el('section', 'panel charts');
  private readonly heading = el('h2', 'charts-title');
  private readonly headingModel = document.createTextNode('');
  private readonly headingMeta = el('span', 'muted');
  private readonly latencyBox = el('figure', 'chart chart-latency');
  private readonly histogramBox = el('figure', 'chart chart-histogram');
  private readonly latency = svg('svg', { role: 'img' }, 'latency-chart');
  private readonly histogram = svg('svg', { role: 'img' }, 'histogram-chart');
  private readonly queueRun = new QueueRunView();
  private series: MetricSeries | undefined;

  constructor() {
    this.heading.append(this.headingModel, this.headingMeta);
    this.latencyBox.append(caption('Latency over time'), this.latency);
    this.histogramBox.append(caption('Latency distribution'), this.histogram);
    const queueBox = el('figure', 'chart chart-queue');
    queueBox.append(caption('Queue wait vs run time'), this.queueRun.element);
    const grid = el('div', 'chart-grid');
    grid.append(this.latencyBox, this.histogramBox, queueBox);
    this.element.append(this.heading, grid);
    new ResizeObserver(() => this.draw()).observe(grid);
  }

  show(series: MetricSeries | undefined): void {
    this.series = series;
    this.element.hidden = !series;
    if (!series) return;
    this.headingModel.data = series.model;
    setText(
      this.headingMeta,
      `${series.feature} · ${series.provider} · ${series.recent.length} recent samples`,
    );
    this.queueRun.update(series);
    this.draw();
  }

  private draw(): void {
    const s = this.series;
    if (!s) return;
    const width = (box: HTMLElement) => Math.max(200, Math.floor(box.clientWidth));
    drawLatencyChart(this.latency, s, width(this.latencyBox), CHART_HEIGHT);
    drawHistogram(this.histogram, s, width(this.histogramBox), CHART_HEIGHT);
  }
}

function caption(text: string): HTMLElement {
  return el('figcaption', 'chart-caption', text);
}
