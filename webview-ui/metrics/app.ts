// The metrics panel: totals, the per-series table and the charts of the selected series, all redrawn
// from each complete snapshot the host sends (on ready, then live while the panel is visible).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { MetricFeature, MetricSeries } from '../../src/shared/metrics';
import type {
  MetricsEvents,
  MetricsHostRequests,
  MetricsState,
  MetricsViewSnapshot,
} from '../../src/shared/protocol';
import type { WebviewChannel } from '../common/channel';
import { el, setText } from '../common/dom';
import { errorMessage, isRecord } from '../common/guards';
import { loadState, StateSaver } from '../common/persistedState';
import { randomId } from '../common/randomId';
import { StatusPane } from '../common/statusPane';
import { Toasts } from '../common/toasts';
import type { VsCodeApi } from '../common/vscodeApi';
import { Charts } from './charts';
import { sortSeries } from './columns';
import { formatClock, formatDateTime } from './format';
import { SeriesTable } from './seriesTable';
import { DEFAULT_METRICS_STATE, readMetricsState } from './state';
import { TotalsView } from './totals';

export type MetricsChannel = WebviewChannel<MetricsHostRequests, MetricsEvents>;

const FEATURES: readonly MetricFeature[] = ['render', 'upload', 'download', 'thumbnail', 'validate'];

export class MetricsApp {
  private snapshot: MetricsViewSnapshot | undefined;
  private state: MetricsState;
  private readonly saver: StateSaver<MetricsState>;
  private readonly title = el('h1', 'title', 'Metrics');
  private readonly meta = el('div', 'meta');
  private readonly feature = document.createElement('vscode-single-select');
  private readonly exportButton = button('Export JSON', 'export', true);
  private readonly resetButton = button('Reset', 'discard', true);
  private readonly totals = new TotalsView();
  private readonly table: SeriesTable;
  private readonly charts = new Charts();
  private readonly content = el('main', 'content');
  private readonly pane = new StatusPane();
  private readonly toasts = new Toasts();

  constructor(
    root: HTMLElement,
    private readonly rpc: MetricsChannel,
    api: VsCodeApi,
  ) {
    this.state = loadState(api, DEFAULT_METRICS_STATE, readMetricsState);
    this.saver = new StateSaver(api);
    this.table = new SeriesTable({
      onSelect: (key) => this.update({ series: key }),
      onSort: (sortBy) => this.update({ sortBy }),
    });

    this.feature.label = 'Feature';
    this.feature.className = 'feature-select';
    this.feature.replaceChildren(
      ...[{ value: '', label: 'All features' }, ...FEATURES.map((f) => ({ value: f, label: f }))].map((o) => {
        const option = document.createElement('vscode-option');
        option.value = o.value;
        option.textContent = o.label;
        return option;
      }),
    );
    this.feature.value = this.state.feature;
    this.feature.addEventListener('change', () => this.update({ feature: this.feature.value }));
    this.exportButton.addEventListener('click', () => void this.exportJson());
    this.resetButton.addEventListener('click', () => void this.reset());

    const header = el('header', 'header');
    const heading = el('div', 'heading');
    heading.append(this.title, this.meta);
    const actions = el('div', 'header-actions');
    actions.append(this.feature, this.exportButton, this.resetButton);
    header.append(heading, actions);

    const seriesSection = section('Per provider, model and feature', this.table.element);
    this.content.append(this.totals.element, seriesSection, this.charts.element);
    const body = el('div', 'body');
    body.append(this.content, this.pane.element);
    root.append(header, body, this.toasts.element);
  }

  start(): void {
    this.rpc.on('snapshot', (s) => this.apply(s));
    void this.connect();
  }

  private async connect(): Promise<void> {
    this.pane.loading('Loading metrics…');
    try {
      this.apply(await this.rpc.request('ready', { clientId: randomId() }));
    } catch (err) {
      if (this.snapshot) return;
      this.pane.error(`The metrics could not be loaded: ${errorMessage(err)}`, {
        label: 'Retry',
        run: () => void this.connect(),
      });
    }
  }

  private apply(s: unknown): void {
    if (!isRecord(s) || !isRecord(s['metrics']) || !Array.isArray(s['metrics']['series'])) {
      console.error('[dailies] ignored a malformed metrics snapshot');
      return;
    }
    this.snapshot = s as unknown as MetricsViewSnapshot;
    this.render();
  }

  private update(patch: Partial<MetricsState>): void {
    this.state = { ...this.state, ...patch };
    this.saver.save(this.state, true);
    this.render();
  }

  private render(): void {
    const snap = this.snapshot;
    if (!snap) return;
    const m = snap.metrics;
    setText(this.title, `Metrics — ${snap.title}`);
    document.title = `Metrics — ${snap.title}`;
    setText(this.meta, `Since ${formatDateTime(m.since)} · updated ${formatClock(m.updatedAt)}`);
    if (m.series.length === 0 && m.totals.requests === 0) {
      this.content.hidden = true;
      this.pane.empty('graph', 'No metrics yet. Render some shots and the numbers appear here, live.');
      return;
    }
    this.pane.hide();
    this.content.hidden = false;
    this.totals.update(m.totals);
    const visible = sortSeries(
      m.series.filter((s) => !this.state.feature || s.feature === this.state.feature),
      this.state.sortBy,
    );
    const selected = this.selectedSeries(visible);
    this.table.update(visible, selected?.key, this.state.sortBy);
    this.charts.show(selected);
  }

  /** The remembered series if still listed, else the busiest render series, else the busiest one. */
  private selectedSeries(visible: MetricSeries[]): MetricSeries | undefined {
    const remembered = visible.find((s) => s.key === this.state.series);
    if (remembered) return remembered;
    const busiest = (list: MetricSeries[]) =>
      list.reduce<MetricSeries | undefined>((a, b) => (!a || b.count > a.count ? b : a), undefined);
    return busiest(visible.filter((s) => s.feature === 'render')) ?? busiest(visible);
  }

  private async exportJson(): Promise<void> {
    await this.busy(this.exportButton, 'export', async () => {
      const r = await this.rpc.request('export', {});
      if (r.saved) this.toasts.show('info', r.path ? `Metrics saved to ${r.path}` : 'Metrics saved.');
    });
  }

  private async reset(): Promise<void> {
    await this.busy(this.resetButton, 'discard', async () => {
      const r = await this.rpc.request('reset', {});
      if (r.reset) this.toasts.show('info', 'Metrics reset.');
    });
  }

  private async busy(b: VscodeButton, iconName: string, work: () => Promise<void>): Promise<void> {
    b.disabled = true;
    b.icon = 'loading';
    b.iconSpin = true;
    try {
      await work();
    } catch (err) {
      this.toasts.show('error', `${b.textContent ?? 'Request'} failed: ${errorMessage(err)}`);
    } finally {
      b.disabled = false;
      b.icon = iconName;
      b.iconSpin = false;
    }
  }
}

function button(text: string, iconName: string, secondary: boolean): VscodeButton {
  const b = document.createElement('vscode-button');
  b.textContent = text;
  b.icon = iconName;
  b.secondary = secondary;
  return b;
}

function section(title: string, body: HTMLElement): HTMLElement {
  const s = el('section', 'panel');
  const h = el('h2', 'panel-title', title);
  s.append(h, body);
  return s;
}
