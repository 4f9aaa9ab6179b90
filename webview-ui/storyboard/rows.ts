// Fills the virtual grid's rows: a scene header, or up to `columns` shot cards taken from a pool.
// Keeps an index of the cards in the DOM so a progress update patches exactly one element.

import { formatCount } from '../../src/shared/count';
import { el, setText } from '../common/dom';
import type { GridRow } from '../common/gridLayout';
import type { HoverVideo } from '../common/hoverVideo';
import type { ImageGate } from '../common/imageGate';
import type { RowRenderer } from '../common/virtualGrid';
import { type CardFlags, ShotCardElement } from './card';
import type { ImageUrls, ShotCard } from './model';
import type { ShotView } from './view';

export interface RowSource {
  readonly view: ShotView;
  flags(shot: ShotCard): CardFlags;
}

export class ShotRowRenderer implements RowRenderer {
  /** Cards currently in the DOM, by shot id. */
  readonly live = new Map<string, ShotCardElement>();
  private readonly cards = new WeakMap<Element, ShotCardElement>();
  private readonly pool: ShotCardElement[] = [];

  constructor(
    private readonly source: RowSource,
    private readonly images: ImageGate,
    private readonly urls: ImageUrls,
    private readonly hover?: HoverVideo,
  ) {}

  cardOf(element: Element | null): ShotCardElement | undefined {
    const card = element?.closest('.card');
    return card ? this.cards.get(card) : undefined;
  }

  bind(row: HTMLElement, layoutRow: GridRow): void {
    const { view } = this.source;
    if (layoutRow.kind === 'header') {
      if (!row.classList.contains('scene-row')) this.releaseCards(row, 0);
      row.className = 'vgrid-row scene-row';
      const section = view.sections[layoutRow.section]!;
      const header = row.firstElementChild ?? row.appendChild(this.createHeader());
      setText(header.firstElementChild!, section.title);
      setText(header.lastElementChild!, `${formatCount(section.items.length)} shots`);
      return;
    }
    if (row.classList.contains('scene-row')) row.replaceChildren();
    row.className = 'vgrid-row card-row';
    for (let k = 0; k < layoutRow.count; k++) {
      const shot = view.flat[layoutRow.first + k]!;
      const child = row.children[k];
      let card = child ? this.cards.get(child) : undefined;
      if (!card) {
        card = this.pool.pop() ?? this.createCard();
        row.append(card.element);
      }
      const previous = card.shotId;
      if (previous !== undefined && previous !== shot.id && this.live.get(previous) === card) {
        this.live.delete(previous);
      }
      card.bind(shot, this.source.flags(shot));
      this.live.set(shot.id, card);
    }
    this.releaseCards(row, layoutRow.count);
  }

  /** The row left the window: its cards stay in it (cheaper to re-bind than to re-attach), idle. */
  release(row: HTMLElement): void {
    for (const child of row.children) {
      const card = this.cards.get(child);
      if (!card) continue;
      const id = card.shotId;
      if (id !== undefined && this.live.get(id) === card) this.live.delete(id);
      card.release();
    }
  }

  /** Re-apply selection and focus flags to the cards in the DOM. */
  refreshFlags(): void {
    for (const [id, card] of this.live) {
      const shot = this.source.view.flat[this.source.view.indexOf.get(id) ?? -1];
      if (shot) card.setFlags(this.source.flags(shot));
    }
  }

  private releaseCards(row: HTMLElement, keep: number): void {
    while (row.children.length > keep) {
      const child = row.lastElementChild!;
      const card = this.cards.get(child);
      child.remove();
      if (!card) continue;
      const id = card.shotId;
      if (id !== undefined && this.live.get(id) === card) this.live.delete(id);
      card.release();
      this.pool.push(card);
    }
  }

  private createCard(): ShotCardElement {
    const card = new ShotCardElement(this.images, this.urls, this.hover);
    this.cards.set(card.element, card);
    return card;
  }

  private createHeader(): HTMLElement {
    const header = el('div', 'scene-header');
    header.setAttribute('role', 'rowheader');
    header.append(el('span', 'scene-title'), el('span', 'scene-count'));
    return header;
  }
}
