// The timeline strip: one tile per shot, as wide as the shot is long, showing its circled take's
// thumbnail (or its id on a slate tile). Click seeks, double-click (or Enter) reveals the shot in
// project.json, arrow keys step from shot to shot. The playing shot is marked aria-current.
import type { CutClip } from '../../src/shared/cut';
import { el, icon, setText } from '../common/dom';
import { clipWidth, formatTime, stripScale } from './timeline';

const MIN_PX = 28;

export interface StripHandlers {
  seek(index: number): void;
  reveal(index: number): void;
}

export class Strip {
  readonly element = el('div', 'strip');
  private tiles: HTMLElement[] = [];
  private clips: readonly CutClip[] = [];
  private current = -1;

  constructor(private readonly handlers: StripHandlers) {
    this.element.setAttribute('role', 'listbox');
    this.element.setAttribute('aria-label', 'Shots in cut order');
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.layout()).observe(this.element);
  }

  setClips(clips: readonly CutClip[]): void {
    this.clips = clips;
    this.current = -1;
    this.tiles = clips.map((c, i) => this.tile(c, i));
    this.element.replaceChildren(...this.tiles);
    this.layout();
  }

  /** Marks the playing clip; scrolls it into view when `follow` (playback), not when the user scrolled. */
  highlight(index: number, follow: boolean): void {
    if (index === this.current) return;
    const old = this.tiles[this.current];
    if (old) {
      old.removeAttribute('aria-current');
      old.setAttribute('aria-selected', 'false');
      old.tabIndex = -1;
    }
    this.current = index;
    const tile = this.tiles[index];
    if (!tile) return;
    tile.setAttribute('aria-current', 'true');
    tile.setAttribute('aria-selected', 'true');
    tile.tabIndex = 0;
    if (follow) tile.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  private layout(): void {
    const available = this.element.clientWidth - 16;
    if (available <= 0) return;
    const scale = stripScale(this.clips, available - this.clips.length * 2, MIN_PX);
    this.clips.forEach((c, i) => {
      const tile = this.tiles[i];
      if (tile) tile.style.width = `${clipWidth(c, scale, MIN_PX)}px`;
    });
  }

  private tile(clip: CutClip, index: number): HTMLElement {
    const tile = el('div', 'clip');
    tile.setAttribute('role', 'option');
    tile.setAttribute('aria-selected', 'false');
    tile.tabIndex = index === 0 ? 0 : -1;
    tile.dataset['shotId'] = clip.shotId;
    tile.title = `${clip.shotId} · ${formatTime(clip.startS)} · ${clip.durationS.toFixed(2)} s${clip.take ? ` · take ${clip.take}` : ' · not rendered'}\nClick to play from here, double-click to show in project.json`;
    if (clip.thumbUrl) {
      const img = el('img', 'clip-thumb');
      img.alt = '';
      img.decoding = 'async';
      img.src = clip.thumbUrl;
      tile.append(img);
    } else {
      tile.dataset['slate'] = '';
      tile.append(icon('circle-slash', 'clip-slate-icon'));
    }
    const label = el('span', 'clip-label');
    setText(label, clip.shotId);
    tile.append(label);
    tile.addEventListener('click', () => this.handlers.seek(index));
    tile.addEventListener('dblclick', (e) => {
      e.preventDefault();
      this.handlers.reveal(index);
    });
    return tile;
  }

  private onKey(e: KeyboardEvent): void {
    const at = Math.max(0, this.current);
    let next = -1;
    if (e.key === 'ArrowRight') next = Math.min(this.clips.length - 1, at + 1);
    else if (e.key === 'ArrowLeft') next = Math.max(0, at - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = this.clips.length - 1;
    else if (e.key === 'Enter') {
      if (this.current >= 0) this.handlers.reveal(this.current);
      e.preventDefault();
      return;
    } else return;
    e.preventDefault();
    this.handlers.seek(next);
    this.tiles[next]?.focus({ preventScroll: false });
  }
}
