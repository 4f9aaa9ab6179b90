// The storyboard: asks for a snapshot on load (only the first screen of shots when the view opens at the
// top of the unfiltered board; the rest after that screen is painted), renders it into the virtual grid,
// patches cards from the host's deltas (asking for a fresh snapshot when a delta was made for another
// revision), and persists the UI state so a reloaded view comes back where it was.

import { formatCount } from '../../src/shared/count';
import { STORYBOARD_STATE_VERSION, type StoryboardState } from '../../src/shared/protocol';
import { ContextMenu } from '../common/contextMenu';
import { el, icon, setAttr } from '../common/dom';
import { type GridLayout, layoutSections, rowAt } from '../common/gridLayout';
import { errorMessage } from '../common/guards';
import { HoverVideo } from '../common/hoverVideo';
import { ImageGate } from '../common/imageGate';
import { loadState, StateSaver } from '../common/persistedState';
import { randomId } from '../common/randomId';
import { StatusPane } from '../common/statusPane';
import { Toasts } from '../common/toasts';
import { VirtualGrid } from '../common/virtualGrid';
import type { VsCodeApi } from '../common/vscodeApi';
import { ShotActions, type StoryboardChannel } from './actions';
import { parseAspect } from './aspect';
import { type CardFlags, cardDomId } from './card';
import { firstScreenShots } from './firstScreen';
import { Interactions } from './interactions';
import { cardGeometry, HEADER_HEIGHT, PADDING } from './layout';
import { BoardModel, ImageUrls, type ShotCard } from './model';
import { ReviewActions } from './reviewActions';
import { type RowSource, ShotRowRenderer } from './rows';
import { Selection } from './selection';
import { isStoryboardDelta, isStoryboardSnapshot } from './snapshotGuard';
import { clampZoom, DEFAULT_STATE, readState, ZOOM_WIDTHS } from './state';
import { summaryText } from './summary';
import { Toolbar } from './toolbar';
import { ALL, affectsView, buildView, NO_SCENE, type ShotView, type ViewFilters } from './view';

export class StoryboardApp implements RowSource {
  view: ShotView = { sections: [], flat: [], indexOf: new Map() };
  readonly selection = new Selection();
  activeId: string | undefined;
  readonly grid: VirtualGrid;
  readonly renderer: ShotRowRenderer;
  readonly menu: ContextMenu;
  readonly toasts = new Toasts();
  readonly actions: ShotActions;
  readonly review: ReviewActions;
  readonly model = new BoardModel();
  readonly urls = new ImageUrls(() => this.model.root);
  /** One player for the grid: video takes play their proxy under the pointer. */
  readonly hover = new HoverVideo({ className: 'hover-video' });
  private connecting = false;
  private filters: ViewFilters;
  private zoom: number;
  private aspect = 16 / 9;
  private restoreScrollTop: number | undefined;
  private painted = false;
  private readonly toolbar: Toolbar;
  private readonly pane = new StatusPane();
  private readonly banner = el('div', 'banner');
  private readonly saver: StateSaver<StoryboardState>;

  constructor(
    root: HTMLElement,
    private readonly rpc: StoryboardChannel,
    api: VsCodeApi,
  ) {
    const state = loadState(api, DEFAULT_STATE, readState);
    this.saver = new StateSaver(api);
    this.filters = {
      text: state.text,
      scene: state.scene,
      status: state.status,
      sort: state.sort,
      review: state.review ?? ALL,
    };
    this.zoom = clampZoom(state.zoom);
    this.restoreScrollTop = state.scrollTop;
    this.selection.replace(state.selected);

    this.toolbar = new Toolbar({
      onFilters: (f) => this.setFilters(f),
      onZoom: (d) => this.setZoom(this.zoom + d),
      onAction: (a) => void this.actions.run(a, this.selection.toArray()),
      onCommand: (c) => void this.actions.command(c),
    });
    this.actions = new ShotActions(rpc, this.toasts, this.toolbar, () => this.selection.size);
    this.review = new ReviewActions(rpc, this.toasts, (shot) =>
      this.renderer.live.get(shot.id)?.bind(shot, this.flags(shot)),
    );
    this.toolbar.setFilters(this.filters);
    this.toolbar.setZoom(this.zoom, ZOOM_WIDTHS.length - 1);

    // A jump of more than half a viewport between two scroll events is a fling (scrollbar drag, PageDown).
    // While flung, cards also leave out their prompt and model: laying out text for the three rows a
    // frame that fly past would cost more than the frame has; it comes back when the scroll settles.
    const images = new ImageGate(
      () => this.grid.element.clientHeight / 2,
      undefined,
      (flinging) => this.grid.element.classList.toggle('flinging', flinging),
    );
    this.renderer = new ShotRowRenderer(this, images, this.urls, this.hover);
    this.grid = new VirtualGrid({
      label: 'Shots',
      overscanRows: 1,
      renderer: this.renderer,
      layout: (width) => this.layoutFor(width),
      onRender: () => this.afterRender(),
      onScroll: (top) => {
        images.scrolled(top);
        this.save();
      },
    });
    this.grid.element.setAttribute('aria-multiselectable', 'true');

    this.banner.setAttribute('role', 'alert');
    this.banner.hidden = true;
    const body = el('div', 'grid-area');
    body.append(this.grid.element, this.pane.element);
    root.append(this.banner, this.toolbar.element, body, this.toasts.element);
    this.menu = new ContextMenu(root);
    new Interactions(this);
  }

  start(): void {
    this.rpc.on('delta', (d) => this.applyDelta(d));
    void this.connect();
  }

  flags(shot: ShotCard): CardFlags {
    return { selected: this.selection.has(shot.id), active: shot.id === this.activeId };
  }

  shot(id: string | undefined): ShotCard | undefined {
    return id === undefined ? undefined : this.model.byId.get(id);
  }

  /** The shots an action applies to: the selection, or the active card when nothing is selected. */
  targets(): string[] {
    if (this.selection.size > 0) return this.selection.toArray();
    return this.activeId ? [this.activeId] : [];
  }

  /** Flat index of the first card at or below the top of the viewport. */
  firstVisibleIndex(): number {
    const layout = this.grid.layout;
    if (!layout || layout.itemCount === 0) return -1;
    for (let r = rowAt(layout, this.grid.scrollTop); r < layout.rows.length; r++) {
      const row = layout.rows[r]!;
      if (row.kind === 'cells' && row.top + row.height > this.grid.scrollTop) return row.first;
    }
    return layout.itemCount - 1;
  }

  /** `persist`: the selection changed too (shift+arrow), so save the state along with the repaint. */
  focusIndex(index: number, persist = false): void {
    const shot = this.view.flat[index];
    const layout = this.grid.layout;
    if (!shot || !layout) return;
    this.activeId = shot.id;
    this.grid.revealRow(layout.rowOfItem[index]!);
    this.selectionChanged(persist);
  }

  /** Repaint selection/focus flags and the toolbar, and persist. */
  /** `announce`: a click chose these cards again, which makes them the latest selection even unchanged. */
  selectionChanged(persist = true, announce = false): void {
    this.reportSelection(announce);
    this.renderer.refreshFlags();
    this.updateActiveDescendant();
    this.toolbar.setSelectionCount(this.selection.size);
    this.updateSummary();
    if (persist) this.save();
  }

  private sentSelection = '';
  /** Tells the host what is selected (when it changed, or was chosen again), so palette commands act on it. */
  private reportSelection(announce: boolean): void {
    const ids = this.selection.toArray();
    const key = ids.join('\n');
    if (key === this.sentSelection && !announce) return;
    this.sentSelection = key;
    this.rpc.request('select', { shotIds: ids }).catch(() => undefined);
  }

  /** `whole`: ask for every shot at once (asking for the rest went wrong). */
  private async connect(whole = false): Promise<void> {
    if (this.connecting) return;
    this.connecting = true;
    if (!this.model.loaded) this.pane.loading('Loading storyboard…');
    performance.mark('dailies:ready-sent');
    const first = whole ? undefined : this.firstScreen();
    try {
      this.applySnapshot(
        await this.rpc.request('ready', { clientId: randomId(), ...(first ? { first } : {}) }),
      );
    } catch (err) {
      if (this.model.loaded) return;
      this.pane.error(`The storyboard could not be loaded: ${errorMessage(err)}`, {
        label: 'Retry',
        run: () => void this.connect(),
      });
    } finally {
      this.connecting = false;
    }
  }

  /**
   * How many shots to ask for up front (see firstScreenShots); undefined when the view will not open on
   * the board's first shots (a restored scroll position, filter or sort): it needs every shot to paint.
   */
  private firstScreen(): number | undefined {
    const f = this.filters;
    const opensAtTop =
      !this.restoreScrollTop && !f.text && f.scene === ALL && f.status === ALL && f.review === ALL;
    if (!opensAtTop || f.sort !== 'order') return undefined;
    return firstScreenShots(window.innerWidth, window.innerHeight, this.zoom);
  }

  /** Once the first screen is on screen (or soon, when frames do not come: a hidden page), the rest. */
  private askForTheRest(): void {
    const rev = this.model.rev;
    let asked = false;
    const ask = () => {
      if (asked) return;
      asked = true;
      clearTimeout(timer);
      if (this.model.rev === undefined || this.model.missing === 0) return;
      performance.mark('dailies:more-sent');
      this.rpc.request('more', {}).catch(() => {
        // No rest is coming: take the whole board in one snapshot instead.
        if (this.model.missing > 0 && this.model.rev === rev) void this.connect(true);
      });
    };
    const timer = setTimeout(ask, 1000);
    requestAnimationFrame(() => requestAnimationFrame(ask));
  }

  private applySnapshot(s: unknown): void {
    performance.mark('dailies:snapshot-received');
    if (!isStoryboardSnapshot(s)) {
      console.error('[dailies] ignored a malformed storyboard snapshot');
      return;
    }
    if (!this.model.load(s)) {
      console.error('[dailies] ignored a storyboard snapshot with unreadable rows');
      if (!this.model.loaded)
        this.pane.error('The storyboard could not be read.', {
          label: 'Retry',
          run: () => void this.connect(),
        });
      return;
    }
    this.applyHeader();
    this.forgetGone();
    // The first snapshot restores the persisted scroll position; later ones keep the current one.
    const scrollTop = this.restoreScrollTop ?? this.grid.scrollTop;
    this.restoreScrollTop = undefined;
    this.rebuild(scrollTop);
    this.toolbar.setSelectionCount(this.selection.size);
    if (this.model.missing > 0) this.askForTheRest();
    else performance.mark('dailies:all-shots');
  }

  /** Drops selected and active shots that no longer exist; not while shots are still coming. */
  private forgetGone(): void {
    if (this.model.missing > 0) return;
    this.selection.retain((id) => this.model.byId.has(id));
    if (this.activeId && !this.model.byId.has(this.activeId)) this.activeId = undefined;
  }

  private applyDelta(d: unknown): void {
    // Before the first snapshot (or while asking for one) there is nothing a delta could apply to.
    if (!this.model.loaded || this.connecting) return;
    if (!isStoryboardDelta(d)) {
      console.error('[dailies] ignored a malformed storyboard delta');
      return;
    }
    const result = this.model.apply(d);
    if (result.kind === 'resync') {
      void this.connect();
      return;
    }
    let reflow = result.reordered || result.header;
    if (result.header || result.completed) this.applyHeader();
    if (result.reordered) this.forgetGone();
    if (result.completed) {
      this.toolbar.setSelectionCount(this.selection.size);
      performance.mark('dailies:all-shots');
    }
    if (!reflow) {
      for (const c of result.changes) {
        if (affectsView(c.before, c.shot, this.filters)) {
          reflow = true;
          break;
        }
      }
    }
    if (reflow) {
      this.rebuild(this.grid.scrollTop);
      return;
    }
    for (const c of result.changes) this.renderer.live.get(c.shot.id)?.bind(c.shot, this.flags(c.shot));
    this.updateSummary();
  }

  /** Title, scenes, banner and aspect ratio from the model's header. */
  private applyHeader(): void {
    const { header, shots } = this.model;
    this.aspect = parseAspect(header.aspectRatio);
    const unassigned = shots.some((shot) => shot.sceneId === undefined);
    this.toolbar.setScenes(header.scenes, unassigned);
    const sceneExists = header.scenes.some((sc) => sc.id === this.filters.scene);
    if (this.filters.scene !== ALL && !sceneExists && !(unassigned && this.filters.scene === NO_SCENE)) {
      this.filters = { ...this.filters, scene: ALL };
    }
    this.toolbar.setFilters(this.filters);
    this.banner.hidden = !header.problem;
    this.banner.replaceChildren(icon('warning'), el('span', '', header.problem ?? ''));
    document.title = `Storyboard — ${header.title}`;
  }

  private setFilters(f: ViewFilters): void {
    this.filters = f;
    this.rebuild(0);
  }

  private setZoom(level: number): void {
    const zoom = clampZoom(level);
    if (zoom === this.zoom) return;
    // Keep the card the user was looking at (or working on) in view across the re-flow.
    const anchor = this.activeId ? (this.view.indexOf.get(this.activeId) ?? -1) : this.firstVisibleIndex();
    this.zoom = zoom;
    this.toolbar.setZoom(zoom, ZOOM_WIDTHS.length - 1);
    this.grid.relayout((layout) => {
      if (anchor < 0) return this.grid.scrollTop;
      const row = layout.rows[layout.rowOfItem[anchor]!]!;
      return Math.max(0, row.top - HEADER_HEIGHT - PADDING);
    });
    this.save();
  }

  private rebuild(scrollTop: number): void {
    const { model } = this;
    if (!model.loaded) return;
    this.view = buildView(model.shots, model.header.scenes, this.filters);
    this.grid.relayout(() => scrollTop);
    if (model.shots.length === 0) {
      this.pane.empty(
        'file-media',
        'This project has no shots yet. Add shots to project.json to see them here.',
      );
    } else if (this.view.flat.length === 0) {
      this.pane.empty('filter', 'No shots match the filters.', {
        label: 'Clear filters',
        run: () => {
          const cleared = { ...this.filters, text: '', scene: ALL, status: ALL, review: ALL };
          this.toolbar.setFilters(cleared);
          this.setFilters(cleared);
        },
      });
    } else this.pane.hide();
    this.updateSummary();
    this.save();
  }

  private layoutFor(width: number): GridLayout {
    const { geometry, thumbHeight, compact } = cardGeometry(width, this.zoom, this.aspect);
    // The thumbnail box is sized here, not by the image, so placeholders and loading cards keep the
    // project's aspect ratio and the row heights the layout computed.
    this.grid.element.style.setProperty('--thumb-h', `${thumbHeight}px`);
    this.grid.element.classList.toggle('compact', compact);
    return layoutSections(
      this.view.sections.map((s) => s.items.length),
      geometry,
    );
  }

  private afterRender(): void {
    this.updateActiveDescendant();
    if (this.painted || this.renderer.live.size === 0) return;
    this.painted = true;
    performance.mark('dailies:grid-rendered');
    // The second frame callback runs once the first frame with cards has been presented.
    requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('dailies:first-paint')));
  }

  private updateActiveDescendant(): void {
    const shot = this.shot(this.activeId);
    const inDom = shot !== undefined && this.renderer.live.has(shot.id);
    // Runs on every scroll frame: setAttr skips the DOM write when nothing changed.
    setAttr(this.grid.element, 'aria-activedescendant', inDom ? cardDomId(shot) : undefined);
  }

  private updateSummary(): void {
    const { model } = this;
    if (!model.loaded) return;
    // Counts over part of the board would be wrong: say how far loading is instead.
    if (model.missing > 0) {
      this.toolbar.setSummary(
        `Loading shots… ${formatCount(model.shots.length)} of ${formatCount(model.shots.length + model.missing)}`,
      );
      return;
    }
    this.toolbar.setSummary(
      summaryText(model.shots, this.view.flat.length, this.selection.size, model.batch),
    );
  }

  private save(): void {
    if (!this.model.loaded) return;
    this.saver.save(() => ({
      v: STORYBOARD_STATE_VERSION,
      projectFile: this.model.header.projectFile,
      scrollTop: Math.round(this.grid.scrollTop),
      zoom: this.zoom,
      ...this.filters,
      selected: this.selection.toArray(),
    }));
  }
}
