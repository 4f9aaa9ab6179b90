// The row of headline numbers: requests, success, errors, cached, hit rate, uploads, spend.
import type { MetricsSnapshot } from '../../src/shared/metrics';
import { el, icon, setText } from '../common/dom';
import { formatCount, formatPct, formatUsd } from './format';

interface Tile {
  key: string;
  label: string;
  icon: string;
  value(t: MetricsSnapshot['totals']): string;
  detail(t: MetricsSnapshot['totals']): string;
}

const share = (part: number, whole: number) => (whole > 0 ? formatPct(part / whole) : '');

const TILES: readonly Tile[] = [
  {
    key: 'requests',
    label: 'Requests',
    icon: 'pulse',
    value: (t) => formatCount(t.requests),
    detail: () => '',
  },
  {
    key: 'success',
    label: 'Success',
    icon: 'pass',
    value: (t) => formatCount(t.success),
    detail: (t) => share(t.success, t.requests),
  },
  {
    key: 'error',
    label: 'Errors',
    icon: 'error',
    value: (t) => formatCount(t.error),
    detail: (t) => share(t.error, t.requests),
  },
  { key: 'cached', label: 'Cached', icon: 'database', value: (t) => formatCount(t.cached), detail: () => '' },
  {
    key: 'hit',
    label: 'Cache hit rate',
    icon: 'target',
    value: (t) => formatPct(t.cacheHitRate),
    detail: () => '',
  },
  {
    key: 'uploads',
    label: 'Uploads new / cached',
    icon: 'cloud-upload',
    value: (t) => `${formatCount(t.uploadsNew)} / ${formatCount(t.uploadsCached)}`,
    detail: (t) => (t.uploadsRevalidated ? `${formatCount(t.uploadsRevalidated)} revalidated` : ''),
  },
  { key: 'spend', label: 'Spend', icon: 'credit-card', value: (t) => formatUsd(t.costUsd), detail: () => '' },
];

export class TotalsView {
  readonly element = el('section', 'totals');
  private readonly values = new Map<string, { value: HTMLElement; detail: HTMLElement }>();

  constructor() {
    this.element.setAttribute('aria-label', 'Totals');
    for (const tile of TILES) {
      const box = el('div', `tile tile-${tile.key}`);
      const label = el('div', 'tile-label');
      label.append(icon(tile.icon), el('span', '', tile.label));
      const value = el('div', 'tile-value');
      const detail = el('div', 'tile-detail');
      box.append(label, value, detail);
      this.values.set(tile.key, { value, detail });
      this.element.append(box);
    }
  }

  update(t: MetricsSnapshot['totals']): void {
    for (const tile of TILES) {
      const parts = this.values.get(tile.key)!;
      setText(parts.value, tile.value(t));
      setText(parts.detail, tile.detail(t));
    }
  }
}
