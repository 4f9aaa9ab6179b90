// The viewer's stage: the panes side by side, or two of them in one frame as a wipe (B over A, cut at a
// line you drag) or a flip (A or B, F swaps). Each image shows its WebP thumbnail at once and swaps in
// the full-resolution file once it has decoded; one zoom and pan (zoom.ts) drives every image. A video
// take plays its proxy in a muted inline <video> instead (its poster shown until a frame decodes); every
// video on the stage joins one VideoSyncGroup, so the takes — side by side, wiped or flipped — play,
// pause and seek as one.
import { el, setText, toggleAttr } from '../common/dom';
import { VideoSyncGroup } from '../common/videoSync';
import type { Layout, Pane } from './model';
import { actualSize, type Box, FIT, panBy, placement, type View, zoomAt } from './zoom';

type Media = HTMLImageElement | HTMLVideoElement;

interface Shown {
  key: string;
  img: Media;
  /** The image's real size (from the record, else from the decoded file). */
  natural: Box;
  /** `natural` is the full image's (not yet the thumbnail's aspect stand-in). */
  exact: boolean;
  frame: HTMLElement;
}

export interface StageHandlers {
  /** A pane of a take was clicked (not dragged). */
  onPick(take: number): void;
  /** The stage's videos changed: their group, or undefined when it shows only stills. */
  onVideos(group: VideoSyncGroup | undefined): void;
}

export class Stage {
  readonly element = el('div', 'stage');
  private view: View = FIT;
  private wipe = 0.5;
  private shown: Shown[] = [];
  private frames: HTMLElement[] = [];
  private layout: Layout = 'side';
  private flipB = false;
  private raf = 0;
  private group: VideoSyncGroup | undefined;
  /** Resolves when every image on the stage shows its full-resolution file. */
  private fullWaits: Promise<void>[] = [];

  constructor(private readonly handlers: StageHandlers) {
    this.element.setAttribute('role', 'group');
    this.element.setAttribute('aria-label', 'Takes');
    this.element.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.element.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    this.element.addEventListener('dblclick', (e) => {
      const at = this.at(e);
      if (at) this.setView(this.view.scale > 1 ? FIT : actualSize(this.view, box(at.frame), at.natural));
    });
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  get zoom(): View {
    return this.view;
  }

  /** Lays out the panes; images already on the stage keep their element (no reload, no flicker). */
  render(panes: Pane[], layout: Layout, flipB: boolean): void {
    const single = layout !== 'side' && panes.length >= 2;
    this.layout = single ? layout : 'side';
    this.flipB = flipB;
    const old = new Map<string, Media>(this.shown.map((s) => [`${s.key}|${s.img.dataset['full']}`, s.img]));
    this.shown = [];
    this.frames = [];
    this.fullWaits = [];
    const children: HTMLElement[] = [];
    if (single) {
      const figure = el('figure', `pane pane-${layout}`);
      const frame = el('div', 'frame');
      const [a, b] = [panes[0]!, panes[1]!];
      frame.append(this.media(a, frame, old, 'a'), this.media(b, frame, old, 'b'));
      if (layout === 'wipe') frame.append(wipeHandle());
      const caption = el('figcaption', 'pane-label');
      setText(caption, layout === 'flip' ? (flipB ? b.label : a.label) : `${a.label}  ◀ ▶  ${b.label}`);
      figure.append(frame, caption);
      figure.dataset['layout'] = layout;
      toggleAttr(figure, 'data-flip-b', flipB);
      this.frames.push(frame);
      children.push(figure);
    } else {
      for (const p of panes) {
        const figure = el('figure', 'pane');
        const frame = el('div', 'frame');
        frame.append(this.media(p, frame, old));
        const caption = el('figcaption', 'pane-label', p.label);
        figure.append(frame, caption);
        figure.dataset['take'] = String(p.take.variation);
        toggleAttr(figure, 'data-circled', p.circled);
        toggleAttr(figure, 'data-picked', p.picked);
        this.frames.push(frame);
        children.push(figure);
      }
    }
    this.element.dataset['count'] = String(children.length);
    this.element.dataset['layout'] = this.layout;
    this.element.replaceChildren(...children);
    this.syncVideos();
    this.schedule();
    const waits = this.fullWaits;
    void Promise.all(waits).then(() => {
      if (waits === this.fullWaits && waits.length) performance.mark('dailies:viewer-full');
    });
  }

  setView(view: View): void {
    this.view = view;
    this.element.classList.toggle('zoomed', view.scale > 1);
    this.schedule();
  }

  zoomBy(factor: number): void {
    const first = this.shown[0];
    if (!first) return;
    const f = box(first.frame);
    this.setView(zoomAt(this.view, factor, f, first.natural, f.width / 2, f.height / 2));
  }

  actual(): void {
    const first = this.shown[0];
    if (first) this.setView(actualSize(this.view, box(first.frame), first.natural));
  }

  /** Flip layout: show the other image. */
  flip(): boolean {
    this.flipB = !this.flipB;
    const figure = this.element.querySelector('.pane-flip');
    if (figure) toggleAttr(figure, 'data-flip-b', this.flipB);
    return this.flipB;
  }

  /** The group of the stage's videos, in pane order (the first is the clock); kept while they are the same. */
  private syncVideos(): void {
    const videos = this.shown
      .map((s) => s.img)
      .filter((m): m is HTMLVideoElement => m instanceof HTMLVideoElement);
    const members = this.group?.members ?? [];
    if (videos.length === members.length && videos.every((v, i) => v === members[i])) return;
    const wasPlaying = this.group?.isPlaying ?? false;
    const at = this.group?.currentTime ?? 0;
    this.group?.dispose();
    this.group = videos.length ? new VideoSyncGroup(videos) : undefined;
    // A change of layout or mode keeps the moment the reviewer was looking at, and keeps playing.
    if (this.group && at) this.group.seek(at);
    if (this.group && wasPlaying) this.group.play();
    this.handlers.onVideos(this.group);
  }

  private media(p: Pane, frame: HTMLElement, old: Map<string, Media>, slot?: 'a' | 'b'): Media {
    return p.take.video ? this.video(p, p.take.video, frame, old, slot) : this.image(p, frame, old, slot);
  }

  private video(
    p: Pane,
    url: string,
    frame: HTMLElement,
    old: Map<string, Media>,
    slot?: 'a' | 'b',
  ): HTMLVideoElement {
    const reused = old.get(`${p.key}|${url}`);
    const v = reused instanceof HTMLVideoElement ? reused : el('video', 'take');
    v.setAttribute('aria-label', p.label);
    if (slot) v.dataset['slot'] = slot;
    v.dataset['pane'] = p.key;
    // The clip's own rate (recorded at render time): the transport steps the clock's frames at it.
    if (p.take.fps) v.dataset['fps'] = String(p.take.fps);
    else delete v.dataset['fps'];
    const known = Boolean(p.take.width && p.take.height);
    const shown: Shown = {
      key: p.key,
      img: v,
      natural: { width: p.take.width ?? 0, height: p.take.height ?? 0 },
      exact: known,
      frame,
    };
    this.shown.push(shown);
    if (v === reused) {
      if (!known && v.videoWidth) shown.natural = { width: v.videoWidth, height: v.videoHeight };
      this.fullWaits.push(Promise.resolve());
      return v;
    }
    v.dataset['full'] = url;
    v.muted = true;
    v.defaultMuted = true;
    v.playsInline = true;
    v.preload = 'auto';
    v.disablePictureInPicture = true;
    v.poster = p.take.thumb ?? p.take.image;
    v.src = url;
    this.fullWaits.push(
      new Promise<void>((resolve) => {
        v.addEventListener(
          'loadeddata',
          () => {
            v.dataset['loaded'] = 'full';
            resolve();
          },
          { once: true },
        );
        // A proxy that cannot play (gone, damaged): its poster stays, the pane says so.
        v.addEventListener(
          'error',
          () => {
            v.dataset['loaded'] = 'failed';
            resolve();
          },
          { once: true },
        );
      }),
    );
    v.addEventListener('loadedmetadata', () => {
      if (!shown.exact && v.videoWidth) {
        shown.natural = { width: v.videoWidth, height: v.videoHeight };
        shown.exact = true;
        this.schedule();
      }
    });
    return v;
  }

  private image(p: Pane, frame: HTMLElement, old: Map<string, Media>, slot?: 'a' | 'b'): HTMLImageElement {
    const reused = old.get(`${p.key}|${p.take.image}`);
    const img = reused instanceof HTMLImageElement ? reused : el('img', 'take');
    img.alt = p.label;
    img.draggable = false;
    img.decoding = 'async';
    if (slot) img.dataset['slot'] = slot;
    const known = Boolean(p.take.width && p.take.height);
    const shown: Shown = {
      key: p.key,
      img,
      natural: { width: p.take.width ?? 0, height: p.take.height ?? 0 },
      exact: known,
      frame,
    };
    this.shown.push(shown);
    if (img.dataset['full'] === p.take.image) {
      if (!known && img.dataset['loaded'] === 'full')
        Object.assign(shown, {
          natural: { width: img.naturalWidth, height: img.naturalHeight },
          exact: true,
        });
      this.fullWaits.push(Promise.resolve());
      return img;
    }
    img.dataset['full'] = p.take.image;
    img.src = p.take.thumb ?? p.take.image;
    img.addEventListener('load', () => {
      // The thumbnail has the image's aspect: good enough to lay it out until the full file decodes.
      if (!shown.exact && img.naturalWidth) {
        shown.natural = { width: img.naturalWidth, height: img.naturalHeight };
        this.schedule();
      }
    });
    this.fullWaits.push(loadFull(img, p.take.image, shown, () => this.schedule()));
    return img;
  }

  private schedule(): void {
    if (this.raf) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.apply();
    });
  }

  /** Writes every image's placement for the shared view (CSSOM: the CSP allows no inline styles). */
  private apply(): void {
    for (const s of this.shown) {
      const at = placement(box(s.frame), s.natural.width ? s.natural : box(s.frame), this.view);
      const st = s.img.style;
      st.left = `${at.left}px`;
      st.top = `${at.top}px`;
      st.width = `${at.width}px`;
      st.height = `${at.height}px`;
    }
    if (this.layout === 'wipe') {
      for (const f of this.frames) {
        const b = f.querySelector<HTMLElement>('.take[data-slot="b"]');
        if (b) b.style.clipPath = `inset(0 0 0 ${this.wipe * 100}%)`;
        const handle = f.querySelector<HTMLElement>('.wipe-handle');
        if (handle) handle.style.left = `${this.wipe * 100}%`;
      }
    }
  }

  private at(e: MouseEvent): Shown | undefined {
    const frame = (e.target as Element | null)?.closest('.frame');
    return this.shown.find((s) => s.frame === frame) ?? this.shown[0];
  }

  private onWheel(e: WheelEvent): void {
    const at = this.at(e);
    if (!at) return;
    e.preventDefault();
    const r = at.frame.getBoundingClientRect();
    const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
    this.setView(zoomAt(this.view, factor, box(at.frame), at.natural, e.clientX - r.left, e.clientY - r.top));
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    const at = this.at(e);
    if (!at) return;
    const onHandle = (e.target as Element).closest('.wipe-handle') !== null;
    const wiping = this.layout === 'wipe' && (onHandle || this.view.scale <= 1);
    const start = { x: e.clientX, y: e.clientY };
    let last = start;
    let moved = false;
    this.element.setPointerCapture(e.pointerId);
    const move = (m: PointerEvent) => {
      if (Math.abs(m.clientX - start.x) + Math.abs(m.clientY - start.y) > 4) moved = true;
      if (wiping) {
        const r = at.frame.getBoundingClientRect();
        this.wipe = Math.min(1, Math.max(0, (m.clientX - r.left) / r.width));
        this.schedule();
      } else if (this.view.scale > 1) {
        this.setView(panBy(this.view, m.clientX - last.x, m.clientY - last.y, box(at.frame), at.natural));
      }
      last = { x: m.clientX, y: m.clientY };
    };
    const up = () => {
      this.element.removeEventListener('pointermove', move);
      this.element.removeEventListener('pointerup', up);
      this.element.removeEventListener('pointercancel', up);
      const take = Number((e.target as Element).closest<HTMLElement>('.pane')?.dataset['take']);
      if (!moved && !wiping && take) this.handlers.onPick(take);
    };
    this.element.addEventListener('pointermove', move);
    this.element.addEventListener('pointerup', up);
    this.element.addEventListener('pointercancel', up);
  }
}

function box(e: HTMLElement): Box {
  return { width: e.clientWidth, height: e.clientHeight };
}

function wipeHandle(): HTMLElement {
  const handle = el('div', 'wipe-handle');
  handle.setAttribute('role', 'separator');
  handle.setAttribute('aria-label', 'Wipe between A and B (drag)');
  return handle;
}

/** The full-resolution file, decoded off the page first so the swap never shows a half-drawn image. */
function loadFull(img: HTMLImageElement, url: string, shown: Shown, changed: () => void): Promise<void> {
  const full = new Image();
  full.decoding = 'async';
  full.src = url;
  return full
    .decode()
    .then(() => {
      if (img.dataset['full'] !== url) return;
      if (!shown.exact) {
        shown.natural = { width: full.naturalWidth, height: full.naturalHeight };
        shown.exact = true;
      }
      img.src = url;
      img.dataset['loaded'] = 'full';
      changed();
    })
    .catch(() => {
      // The thumbnail stays; the pane says the full image could not be read.
      img.dataset['loaded'] = 'failed';
    });
}
