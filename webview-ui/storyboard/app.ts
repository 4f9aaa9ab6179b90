// The storyboard: asks for a snapshot on load, renders it into the virtual grid, patches cards from
// progress batches, and persists the UI state so a hidden-then-shown view comes back where it was.
import {
  type BatchInfo,
  type ShotCard,
  type ShotUpdate,
  STORYBOARD_STATE_VERSION,
  type StoryboardSnapshot,
  type StoryboardState,
} from '../../src/shared/protocol';
import { ContextMenu } from '../common/contextMenu';
import { el, icon, setAttr } from '../common/dom';
import { type GridLayout, layoutSections, rowAt } from '../common/gridLayout';
import { errorMessage } from '../common/guards';
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
import { Interactions } from './interactions';
import { cardGeometry, HEADER_HEIGHT, PADDING } from './layout';
import { type RowSource, ShotRowRenderer } from './rows';
import { Selection } from './selection';
import { isStoryboardSnapshot } from './snapshotGuard';
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
  private snapshot: StoryboardSnapshot | undefined;
  private byId = new Map<string, ShotCard>();
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
    this.filters = { text: state.text, scene: state.scene, status: state.status, sort: state.sort };
    this.zoom = clampZoom(state.zoom);
    this.restoreScrollTop = state.scrollTop;
    this.selection.replace(state.selected);

    this.toolbar = new Toolbar({
      onFilters: (f) => this.setFilters(f),
      onZoom: (d) => this.setZoom(this.zoom + d),
      onAction: (a) => void this.actions.run(a, this.selection.toArray()),
    });
    this.actions = new ShotActions(rpc, this.toasts, this.toolbar, () => this.selection.size);
    this.toolbar.setFilters(this.filters);
    this.toolbar.setZoom(this.zoom, ZOOM_WIDTHS.length - 1);

    // A jump of more than half a viewport between two scroll events is a fling (scrollbar drag, PageDown).
    const images = new ImageGate(() => this.grid.element.clientHeight / 2);
    this.renderer = new ShotRowRenderer(this, images);
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
    this.rpc.on('snapshot', (s) => this.applySnapshot(s));
    this.rpc.on('progress', (p) => this.applyProgress(p.updates, p.batch));
    void this.connect();
  }

  flags(shot: ShotCard): CardFlags {
    return { selected: this.selection.has(shot.id), active: shot.id === this.activeId };
  }

  shot(id: string | undefined): ShotCard | undefined {
    return id === undefined ? undefined : this.byId.get(id);
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
  selectionChanged(persist = true): void {
    this.reportSelection();
    this.renderer.refreshFlags();
    this.updateActiveDescendant();
    this.toolbar.setSelectionCount(this.selection.size);
    this.updateSummary();
    if (persist) this.save();
  }

  private sentSelection = '';
  /** Tells the host what is selected (only when it changed), so palette commands act on it. */
  private reportSelection(): void {
    const ids = this.selection.toArray();
    const key = ids.join('\n');
    if (key === this.sentSelection) return;
    this.sentSelection = key;
    this.rpc.request('select', { shotIds: ids }).catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.pane.loading('Loading storyboard…');
    performance.mark('dailies:ready-sent');
    try {
      this.applySnapshot(await this.rpc.request('ready', { clientId: randomId() }));
    } catch (err) {
      if (this.snapshot) return;
      this.pane.error(`The storyboard could not be loaded: ${errorMessage(err)}`, {
        label: 'Retry',
        run: () => void this.connect(),
      });
    }
  }

  private applySnapshot(s: unknown): void {
    performance.mark('dailies:snapshot-received');
    if (!isStoryboardSnapshot(s)) {
      console.error('[dailies] ignored a malformed storyboard snapshot');
      return;
    }
    this.snapshot = s;
    this.byId = new Map(s.shots.map((shot) => [shot.id, shot]));
    this.aspect = parseAspect(s.aspectRatio);
    const unassigned = s.shots.some((shot) => shot.sceneId === undefined);
    this.toolbar.setScenes(s.scenes, unassigned);
    const sceneExists = s.scenes.some((sc) => sc.id === this.filters.scene);
    if (this.filters.scene !== ALL && !sceneExists && !(unassigned && this.filters.scene === NO_SCENE)) {
      this.filters = { ...this.filters, scene: ALL };
    }
    this.toolbar.setFilters(this.filters);
    this.selection.retain((id) => this.byId.has(id));
    if (this.activeId && !this.byId.has(this.activeId)) this.activeId = undefined;
    this.banner.hidden = !s.problem;
    this.banner.replaceChildren(icon('warning'), el('span', '', s.problem ?? ''));
    document.title = `Storyboard — ${s.title}`;
    // The first snapshot restores the persisted scroll position; later ones keep the current one.
    const scrollTop = this.restoreScrollTop ?? this.grid.scrollTop;
    this.restoreScrollTop = undefined;
    this.rebuild(scrollTop);
    this.toolbar.setSelectionCount(this.selection.size);
  }

  private applyProgress(updates: ShotUpdate[], batch: BatchInfo | undefined): void {
    const snapshot = this.snapshot;
    if (!snapshot) return;
    if (batch) snapshot.batch = batch;
    let reflow = false;
    for (const u of updates) {
      const shot = this.byId.get(u.id);
      if (!shot) continue;
      reflow ||= affectsView(u, shot, this.filters);
      Object.assign(shot, u);
      if (!reflow) this.renderer.live.get(u.id)?.bind(shot, this.flags(shot));
    }
    if (reflow) this.rebuild(this.grid.scrollTop);
    else this.updateSummary();
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
    const snapshot = this.snapshot;
    if (!snapshot) return;
    this.view = buildView(snapshot, this.filters);
    this.grid.relayout(() => scrollTop);
    if (snapshot.shots.length === 0) {
      this.pane.empty(
        'file-media',
        'This project has no shots yet. Add shots to project.json to see them here.',
      );
    } else if (this.view.flat.length === 0) {
      this.pane.empty('filter', 'No shots match the filters.', {
        label: 'Clear filters',
        run: () => {
          this.toolbar.setFilters({ ...this.filters, text: '', scene: ALL, status: ALL });
          this.setFilters({ ...this.filters, text: '', scene: ALL, status: ALL });
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
    const s = this.snapshot;
    if (!s) return;
    this.toolbar.setSummary(summaryText(s.shots, this.view.flat.length, this.selection.size, s.batch));
  }

  private save(): void {
    if (!this.snapshot) return;
    this.saver.save(() => ({
      v: STORYBOARD_STATE_VERSION,
      scrollTop: Math.round(this.grid.scrollTop),
      zoom: this.zoom,
      ...this.filters,
      selected: this.selection.toArray(),
    }));
  }
}
