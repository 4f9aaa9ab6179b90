// A card's review: its take chips (one per rendered variation; the circled one ringed, the picked one
// shown on the card), a badge for approved / changes requested, and how many notes and versions it has.
// Built once per pooled card, rebound per shot, writing only what changed.
import { REVIEW_STATUS } from '../../src/shared/review';
import { el, icon, setAttr, setHidden, toggleAttr } from '../common/dom';
import type { ShotCard } from './model';

export const MAX_CHIPS = 16;

/** The variations a mask names, in order. */
export function takesOf(mask: number): number[] {
  const out: number[] = [];
  for (let v = 1; v <= MAX_CHIPS; v++) if (mask & (1 << (v - 1))) out.push(v);
  return out;
}

/** What the card shows: the picked take, else the circled one, else variation 1. */
export function shownTake(shot: ShotCard): number {
  return shot.picked ?? (shot.circled || 1);
}

export class CardReview {
  /** Over the thumbnail's bottom edge. */
  readonly chips = el('div', 'take-chips');
  /** Over the thumbnail's top-left corner. */
  readonly badge = el('span', 'review-badge');
  /** In the id line. */
  readonly counts = el('span', 'review-counts');
  private readonly notes = el('span', 'count-notes');
  private readonly versions = el('span', 'count-versions');
  private chipsKey = '';

  constructor() {
    this.chips.setAttribute('role', 'group');
    this.badge.hidden = true;
    this.notes.append(icon('comment'), document.createTextNode(''));
    this.versions.append(icon('versions'), document.createTextNode(''));
    this.counts.append(this.notes, this.versions);
  }

  bind(shot: ShotCard): void {
    const takes = takesOf(shot.takes);
    const shown = shownTake(shot);
    // One take or none shows no chips, whatever the shot: nothing to rebuild between such shots.
    const key = takes.length > 1 ? `${shot.id}|${takes.join(',')}` : '';
    if (key !== this.chipsKey) {
      this.chipsKey = key;
      this.chips.replaceChildren(
        ...(takes.length > 1
          ? takes.map((v) => {
              const chip = el('button', 'take-chip', String(v));
              chip.type = 'button';
              chip.tabIndex = -1;
              chip.dataset['take'] = String(v);
              return chip;
            })
          : []),
      );
      setAttr(this.chips, 'aria-label', takes.length > 1 ? `Takes of ${shot.id}` : undefined);
    }
    setHidden(this.chips, takes.length < 2);
    for (const chip of this.chips.children) {
      const v = Number((chip as HTMLElement).dataset['take']);
      toggleAttr(chip, 'data-circled', v === shot.circled);
      toggleAttr(chip, 'data-shown', v === shown);
      setAttr(
        chip,
        'title',
        `Take ${v}${v === shot.circled ? ' (circled)' : ''} — click to show, C to circle, double-click to circle`,
      );
    }
    const reviewed = shot.review !== 'pending';
    setHidden(this.badge, !reviewed);
    if (reviewed) {
      const info = REVIEW_STATUS[shot.review];
      this.badge.dataset['review'] = shot.review;
      if (this.badge.title !== info.label) {
        this.badge.replaceChildren(icon(info.icon));
        this.badge.title = info.label;
      }
    }
    this.count(this.notes, shot.notes, 'note');
    this.count(this.versions, shot.versions > 1 ? shot.versions : 0, 'version');
  }

  /** Words for the card's aria-label. */
  describe(shot: ShotCard): string[] {
    const parts: string[] = [];
    if (shot.review !== 'pending') parts.push(REVIEW_STATUS[shot.review].label);
    if (shot.circled) parts.push(`take ${shot.circled} circled`);
    if (shot.notes) parts.push(`${shot.notes} note${shot.notes === 1 ? '' : 's'}`);
    return parts;
  }

  private count(node: HTMLElement, n: number, noun: string): void {
    setHidden(node, n === 0);
    const text = node.lastChild as Text;
    const value = n ? String(n) : '';
    if (text.data !== value) text.data = value;
    setAttr(node, 'title', n ? `${n} ${noun}${n === 1 ? '' : 's'}` : undefined);
  }
}
