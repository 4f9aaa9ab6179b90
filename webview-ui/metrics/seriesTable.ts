// The per provider / model / feature table: sortable headers (aria-sort), one selectable row per series,
// arrow keys move the selection. Rows are rebuilt per snapshot; there are tens of series, not thousands.
import type { MetricSeries } from '../../src/shared/metrics';
import { el, icon } from '../common/dom';
import { COLUMNS, parseSort } from './columns';

export interface SeriesTableHandlers {
  onSelect(key: string): void;
  onSort(sortBy: string): void;
}

export class SeriesTable {
  readonly element = el('div', 'table-scroll');
  private readonly table = el('table', 'series');
  private readonly head = el('thead');
  private readonly body = el('tbody');
  private rows: MetricSeries[] = [];
  private selected: string | undefined;

  constructor(private readonly handlers: SeriesTableHandlers) {
    this.table.setAttribute('role', 'grid');
    this.table.setAttribute('aria-label', 'Metrics per provider, model and feature');
    this.table.append(this.head, this.body);
    this.element.append(this.table);
    this.body.addEventListener('click', (e) => {
      const key = (e.target as Element).closest('tr')?.dataset['key'];
      if (key) handlers.onSelect(key);
    });
    this.body.addEventListener('keydown', (e) => this.onKey(e));
  }

  update(rows: MetricSeries[], selected: string | undefined, sortBy: string): void {
    this.rows = rows;
    this.selected = selected;
    this.renderHead(sortBy);
    const hadFocus = this.body.contains(document.activeElement);
    this.body.replaceChildren(...rows.map((s) => this.renderRow(s)));
    if (hadFocus) this.focusSelected();
  }

  private renderHead(sortBy: string): void {
    const { key, dir } = parseSort(sortBy);
    const tr = el('tr');
    for (const c of COLUMNS) {
      const th = el('th', c.numeric ? 'num' : '');
      th.scope = 'col';
      const active = c.key === key;
      th.setAttribute('aria-sort', active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none');
      const button = el('button', 'sort', c.label);
      button.type = 'button';
      button.title = `${c.title} — click to sort`;
      if (active) button.append(icon(dir === 'asc' ? 'arrow-up' : 'arrow-down'));
      button.addEventListener('click', () => {
        const next = active && dir === 'desc' ? 'asc' : 'desc';
        this.handlers.onSort(`${c.key}:${active ? next : c.numeric ? 'desc' : 'asc'}`);
      });
      th.append(button);
      tr.append(th);
    }
    this.head.replaceChildren(tr);
  }

  private renderRow(s: MetricSeries): HTMLTableRowElement {
    const tr = el('tr');
    tr.dataset['key'] = s.key;
    const selected = s.key === this.selected;
    tr.setAttribute('aria-selected', String(selected));
    tr.tabIndex = selected || (this.selected === undefined && s === this.rows[0]) ? 0 : -1;
    if (s.error > 0) tr.classList.add('has-errors');
    for (const c of COLUMNS) {
      const td = el('td', c.numeric ? 'num' : `col-${c.key}`, c.text(s));
      if (c.key === 'model') td.title = s.model;
      if (c.key === 'error' && s.error > 0) td.classList.add('bad');
      tr.append(td);
    }
    return tr;
  }

  private focusSelected(): void {
    this.body.querySelector<HTMLElement>('tr[tabindex="0"]')?.focus();
  }

  private onKey(e: KeyboardEvent): void {
    const at = this.rows.findIndex((r) => r.key === this.selected);
    let next = at;
    if (e.key === 'ArrowDown') next = Math.min(this.rows.length - 1, at + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, at - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = this.rows.length - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      const key = (e.target as Element).closest('tr')?.dataset['key'];
      if (key) this.handlers.onSelect(key);
      e.preventDefault();
      return;
    } else return;
    e.preventDefault();
    const row = this.rows[next];
    if (row) {
      this.handlers.onSelect(row.key);
      this.focusSelected();
    }
  }
}
