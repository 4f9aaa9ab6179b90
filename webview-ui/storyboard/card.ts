// One shot card: thumbnail (WebP thumb, then the full image, then a placeholder), status badge with
// the reason as tooltip, a strip for live progress or the failure reason, id, model and prompt.
// Seven elements, reused across shots: binding only writes what changed.
import { el, setAttr, setHidden, setText, toggleAttr } from '../common/dom';
import type { HoverVideo } from '../common/hoverVideo';
import type { ImageGate } from '../common/imageGate';
import { CardReview } from './cardReview';
import type { ImageUrls, ShotCard } from './model';
import { progressFraction, progressText } from './progressText';
import { ACTIVE, PROBLEM, STATUS_LABEL } from './status';

export interface CardFlags {
  selected: boolean;
  active: boolean;
}

/** URLs that failed once are not retried on every scroll past them. */
const brokenUrls = new Set<string>();

export function cardDomId(shot: ShotCard): string {
  return `shot-card-${shot.index}`;
}

export class ShotCardElement {
  readonly element = el('div', 'card');
  private readonly img = el('img', 'thumb');
  private readonly badge = el('span', 'badge');
  private readonly strip = el('div', 'strip');
  private readonly idText = document.createTextNode('');
  private readonly model = el('span', 'model');
  private readonly prompt = el('div', 'prompt');
  readonly review = new CardReview();
  private shot: ShotCard | undefined;
  /** What the image shows or will show once the gate lets it load. */
  private url: string | undefined;
  /** Tooltips are written when the pointer first reaches the card, not on every scroll frame. */
  private titled = false;
  /** The <img> is hidden: it holds no frame yet, or another shot's. */
  private loading = false;

  constructor(
    private readonly images: ImageGate,
    private readonly urls: ImageUrls,
    /** The grid's one hover player: a card that shows another shot, or leaves, must not keep it. */
    private readonly hover?: HoverVideo,
  ) {
    this.element.setAttribute('role', 'gridcell');
    this.img.alt = '';
    this.img.decoding = 'async';
    this.img.draggable = false;
    this.img.addEventListener('error', () => this.onImageError());
    // A recycled card's <img> keeps the frame of the shot it showed before until its new one has loaded
    // (its src is never removed on the way: see ImageGate); it stays hidden until then.
    this.img.addEventListener('load', () => {
      if (this.url !== undefined && this.img.getAttribute('src') === this.url) this.setLoading(false);
    });
    this.setLoading(true);
    const line = el('div', 'line');
    line.append(this.idText, this.review.counts, this.model);
    this.element.append(
      this.img,
      this.badge,
      this.review.badge,
      this.review.chips,
      this.strip,
      line,
      this.prompt,
    );
  }

  get shotId(): string | undefined {
    return this.shot?.id;
  }

  bind(shot: ShotCard, flags: CardFlags): void {
    if (this.shot?.id !== shot.id || this.shot.proxy !== shot.proxy) this.stopHover();
    this.shot = shot;
    const e = this.element;
    setAttr(e, 'id', cardDomId(shot));
    setAttr(e, 'data-shot-id', shot.id);
    setAttr(e, 'data-status', shot.status);
    toggleAttr(e, 'data-cached', shot.cached === true || shot.status === 'cached');
    // A video take: a badge, and hover playback of its proxy (see Interactions).
    toggleAttr(e, 'data-video', shot.proxy !== undefined);
    this.setFlags(flags);
    this.review.bind(shot);
    this.showImage(this.pickUrl(shot));

    const statusLabel = STATUS_LABEL[shot.status];
    setText(this.badge, statusLabel);

    const strip = stripFor(shot);
    setHidden(this.strip, !strip);
    if (strip) {
      setText(this.strip, strip.text);
      if (this.strip.classList.contains('is-error') !== strip.error)
        this.strip.classList.toggle('is-error', strip.error);
      const p = `${Math.round(strip.fraction * 1000) / 10}%`;
      if (this.strip.style.getPropertyValue('--p') !== p) this.strip.style.setProperty('--p', p);
    }

    if (this.idText.data !== shot.id) this.idText.data = shot.id;
    setText(this.model, shot.model);
    setText(this.prompt, shot.prompt);
    if (this.titled) this.describe();

    const parts = [shot.id, statusLabel, ...this.review.describe(shot)];
    if (shot.cached) parts.push('from cache');
    if (strip) parts.push(strip.text);
    parts.push(shot.model);
    setAttr(e, 'aria-label', parts.join(', '));
  }

  /** Writes the tooltips (status and reason, provider and model, the prompt, an error strip's text). */
  describe(): void {
    const shot = this.shot;
    if (!shot) return;
    this.titled = true;
    const statusLabel = STATUS_LABEL[shot.status];
    setAttr(this.badge, 'title', shot.reason ? `${statusLabel}: ${shot.reason}` : statusLabel);
    const strip = stripFor(shot);
    setAttr(this.strip, 'title', strip?.error ? strip.text : undefined);
    setAttr(this.model, 'title', `${shot.provider} · ${shot.model}`);
    setAttr(this.prompt, 'title', shot.prompt);
  }

  setFlags(flags: CardFlags): void {
    setAttr(this.element, 'aria-selected', String(flags.selected));
    if (this.element.classList.contains('is-active') !== flags.active)
      this.element.classList.toggle('is-active', flags.active);
  }

  /**
   * Leaves the window (parked, or back to the pool): cancel the image load, or it keeps the connection
   * busy after a fast scroll, and drop the shot's id so nothing finds this card under it.
   */
  release(): void {
    this.stopHover();
    if (this.titled) {
      for (const node of [this.badge, this.strip, this.model, this.prompt]) node.removeAttribute('title');
      this.titled = false;
    }
    this.images.cancel(this.img);
    this.setLoading(true);
    this.url = undefined;
    this.shot = undefined;
    this.element.removeAttribute('id');
    delete this.element.dataset['shotId'];
  }

  private stopHover(): void {
    if (this.hover?.current === this.element) this.hover.stop();
  }

  private showImage(url: string | undefined): void {
    toggleAttr(this.element, 'data-empty', !url);
    if (url === this.url) return;
    this.url = url;
    if (url !== undefined && this.img.getAttribute('src') === url && this.img.complete) {
      // Back to the shot it showed last (scrolled back): its image is still there.
      this.images.keep(this.img);
      this.setLoading(this.img.naturalWidth === 0);
      return;
    }
    this.images.cancel(this.img);
    this.setLoading(true);
    if (url) this.images.load(this.img, url);
  }

  /** Hides the <img> while it shows another shot's frame or none yet (a class on it alone: no layout). */
  private setLoading(on: boolean): void {
    if (on === this.loading) return;
    this.loading = on;
    this.img.classList.toggle('is-loading', on);
  }

  private onImageError(): void {
    const failed = this.img.getAttribute('src');
    if (!failed || !this.shot) return;
    brokenUrls.add(failed);
    this.showImage(this.pickUrl(this.shot));
  }

  /** The thumbnail, else the full image (a thumbnail went missing), else nothing. */
  private pickUrl(shot: ShotCard): string | undefined {
    // A take picked on the card, once its paths are known; the circled take's (the row's) otherwise.
    const picked = shot.picked !== undefined ? shot.takeImages?.get(shot.picked) : undefined;
    if (picked) {
      for (const template of [picked.thumb, picked.image]) {
        const url = template === undefined ? undefined : this.urls.url(shot, template);
        if (url && !brokenUrls.has(url)) return url;
      }
    }
    const thumb = this.urls.thumb(shot);
    if (thumb && !brokenUrls.has(thumb)) return thumb;
    const image = this.urls.image(shot);
    return image && !brokenUrls.has(image) ? image : undefined;
  }
}

function stripFor(shot: ShotCard): { text: string; fraction: number; error: boolean } | undefined {
  if (ACTIVE.has(shot.status) && shot.progress) {
    return { text: progressText(shot.progress), fraction: progressFraction(shot.progress), error: false };
  }
  if (PROBLEM.has(shot.status) && shot.reason) return { text: shot.reason, fraction: 0, error: true };
  return undefined;
}
