// Pointer and keyboard handling on the grid, like a VS Code list: a click selects (it never opens
// anything), Enter or a double-click opens the image in the host's preview tab, and focus stays on the
// grid element (the active card is announced through aria-activedescendant, because in a virtual grid
// the focused card can be recycled). Ctrl+A anywhere outside a text field selects cards, not page text.
import type { MenuEntry } from '../common/contextMenu';
import { moveIndex } from '../common/gridNavigation';
import type { StoryboardApp } from './app';
import { commandFor, type GridCommand } from './keys';
import type { ShotCard } from './model';

export class Interactions {
  constructor(private readonly app: StoryboardApp) {
    const grid = app.grid.element;
    grid.addEventListener('click', (e) => this.onClick(e));
    grid.addEventListener('dblclick', (e) => {
      const shot = this.shotAt(e.target);
      if (!shot) return;
      const take = chipTake(e.target);
      // A double-click on a take circles it; anywhere else on the card opens the image.
      if (take) {
        void app.review.pick(shot, take).then(async (ok) => {
          if (ok) await app.review.circle([shot]);
        });
      } else void app.actions.open(shot);
    });
    // Outside the grid (focus on the page, a button) Ctrl+A would select the page's text.
    document.addEventListener('keydown', (e) => {
      if (e.defaultPrevented || !(e.ctrlKey || e.metaKey) || e.altKey || e.key.toLowerCase() !== 'a') return;
      if (isTextEntry(e) || grid.contains(e.target as Node)) return;
      e.preventDefault();
      grid.focus({ preventScroll: true });
      this.run({ kind: 'selectAll' });
    });
    grid.addEventListener('contextmenu', (e) => this.onContextMenu(e));
    grid.addEventListener('mouseover', (e) => {
      app.renderer.cardOf(e.target instanceof Element ? e.target : null)?.describe();
    });
    // Video takes play under the pointer, muted; moving across the card scrubs (see common/hoverVideo).
    grid.addEventListener('pointermove', (e) => this.onPointer(e));
    grid.addEventListener('pointerleave', () => app.hover.stop());
    grid.addEventListener('scroll', () => app.hover.stop(), { passive: true });
    grid.addEventListener('keydown', (e) => this.onKey(e));
    // A press focuses the grid before its click. Making the first visible card active then would reveal its
    // row, scrolling the board under the pointer when that row is cut off: the release lands on another
    // card, the click on the canvas, and nothing is selected. The click makes its own card active; only
    // focus from the keyboard (Tab, Ctrl+A) needs a card to start from.
    let pressed = false;
    grid.addEventListener('mousedown', () => {
      pressed = true;
      // Focus follows the press synchronously; any later focus is not this press's.
      setTimeout(() => {
        pressed = false;
      });
    });
    grid.addEventListener('focus', () => {
      if (pressed) return;
      if (app.activeId === undefined) {
        const first = app.firstVisibleIndex();
        if (first >= 0) app.focusIndex(first);
      }
    });
  }

  private shotAt(target: EventTarget | null): ShotCard | undefined {
    return this.app.shot(this.app.renderer.cardOf(target instanceof Element ? target : null)?.shotId);
  }

  private onPointer(e: PointerEvent): void {
    const { app } = this;
    if (e.pointerType === 'touch') return;
    const card = app.renderer.cardOf(e.target instanceof Element ? e.target : null);
    const shot = app.shot(card?.shotId);
    const url = shot ? app.urls.proxy(shot) : undefined;
    // Over the picture only: the text below it is for reading, not scrubbing.
    const overThumb = e.target instanceof Element && e.target.closest('.thumb, .hover-video') !== null;
    if (!card || !url || !overThumb) {
      if (app.hover.current) app.hover.stop();
      return;
    }
    if (app.hover.current !== card.element) app.hover.enter(card.element, url, e.clientX);
    else app.hover.move(e.clientX);
  }

  private onClick(e: MouseEvent): void {
    const shot = this.shotAt(e.target);
    if (!shot) return;
    const { app } = this;
    const take = chipTake(e.target);
    if (take) void app.review.pick(shot, take);
    if (e.shiftKey) app.selection.extend(shot.id, app.view.flat, app.view.indexOf, e.ctrlKey || e.metaKey);
    else if (e.ctrlKey || e.metaKey) app.selection.toggle(shot.id);
    else app.selection.only(shot.id);
    app.activeId = shot.id;
    app.grid.element.focus({ preventScroll: true });
    app.selectionChanged(true, true);
  }

  private onContextMenu(e: MouseEvent): void {
    const shot = this.shotAt(e.target);
    if (!shot) return;
    e.preventDefault();
    const { app } = this;
    if (!app.selection.has(shot.id)) app.selection.only(shot.id);
    app.activeId = shot.id;
    app.selectionChanged();
    this.openMenu(shot, e.clientX, e.clientY);
  }

  private onKey(e: KeyboardEvent): void {
    const command = commandFor(e);
    if (!command) return;
    e.preventDefault();
    this.run(command);
  }

  private run(command: GridCommand): void {
    const { app } = this;
    const layout = app.grid.layout;
    const index = app.activeId === undefined ? -1 : (app.view.indexOf.get(app.activeId) ?? -1);
    const active = app.shot(app.activeId);
    switch (command.kind) {
      case 'move': {
        if (!layout) return;
        const next =
          index < 0 ? app.firstVisibleIndex() : moveIndex(layout, index, command.move, app.grid.rowsPerPage);
        const target = app.view.flat[next];
        if (!target) return;
        if (command.extend) {
          if (!app.selection.hasAnchor && active) app.selection.setAnchor(active.id);
          app.selection.extend(target.id, app.view.flat, app.view.indexOf, false);
        } else app.selection.setAnchor(target.id);
        app.focusIndex(next, command.extend);
        return;
      }
      case 'open':
        if (active) void app.actions.open(active);
        return;
      case 'reveal':
        if (active) void app.actions.reveal(active);
        return;
      case 'toggle':
        if (active) app.selection.toggle(active.id);
        break;
      case 'selectAll':
        app.selection.replace(app.view.flat.map((s) => s.id));
        break;
      case 'clear':
        app.selection.clear();
        break;
      case 'pick':
        if (active) void app.review.pick(active, command.take);
        return;
      case 'circle':
        void app.review.circle(app.targets().flatMap((id) => app.shot(id) ?? []));
        return;
      case 'approve':
        void app.review.review(app.targets(), 'approved');
        return;
      case 'changes':
        void app.review.review(app.targets(), 'changes-requested');
        return;
      case 'viewer':
        if (active) void app.review.openViewer(active);
        return;
      case 'menu': {
        if (!active) return;
        const card = app.renderer.live.get(active.id)?.element.getBoundingClientRect();
        if (!app.selection.has(active.id)) app.selection.only(active.id);
        app.selectionChanged();
        this.openMenu(active, (card?.left ?? 0) + 16, (card?.top ?? 0) + 24);
        return;
      }
    }
    app.selectionChanged();
  }

  private openMenu(shot: ShotCard, x: number, y: number): void {
    const { app } = this;
    const ids = app.targets();
    const n = ids.length;
    const suffix = n > 1 ? ` ${n} shots` : '';
    const entries: MenuEntry[] = [
      ...reviewEntries(app, shot, ids),
      'separator',
      { label: `Render${suffix}`, icon: 'play', run: () => void app.actions.run('render', ids) },
      { label: `Force re-render${suffix}`, icon: 'refresh', run: () => void app.actions.run('force', ids) },
      { label: `Cancel${suffix}`, icon: 'debug-stop', run: () => void app.actions.run('cancel', ids) },
      'separator',
      {
        label: 'Open image',
        icon: 'file-media',
        disabled: !shot.image,
        run: () => void app.actions.open(shot),
      },
      { label: 'Reveal in project.json', icon: 'go-to-file', run: () => void app.actions.reveal(shot) },
      { label: 'Reveal in tree', icon: 'list-tree', run: () => void app.actions.revealInTree(shot) },
      'separator',
      { label: 'Copy prompt', icon: 'copy', run: () => void app.actions.copyPrompt(shot) },
    ];
    app.menu.open(x, y, entries, `Actions for ${n > 1 ? `${n} shots` : shot.id}`, app.grid.element);
  }
}

function reviewEntries(app: StoryboardApp, shot: ShotCard, ids: string[]): MenuEntry[] {
  const n = ids.length;
  const suffix = n > 1 ? ` ${n} shots` : '';
  const shown = shot.picked;
  return [
    {
      label: shown && shown !== shot.circled ? `Circle take ${shown}` : 'Circle the shown take',
      icon: 'pass-filled',
      disabled: !shown || shown === shot.circled,
      run: () => void app.review.circle([shot]),
    },
    { label: `Approve${suffix}`, icon: 'pass', run: () => void app.review.review(ids, 'approved') },
    {
      label: `Request changes${suffix}…`,
      icon: 'request-changes',
      run: () => void app.review.review(ids, 'changes-requested'),
    },
    {
      label: `Back to pending${suffix}`,
      icon: 'circle-outline',
      disabled: n === 1 && shot.review === 'pending',
      run: () => void app.review.review(ids, 'pending'),
    },
    { label: 'Open in take viewer', icon: 'compare-changes', run: () => void app.review.openViewer(shot) },
  ];
}

/** The take a chip stands for, when the event happened on one. */
function chipTake(target: EventTarget | null): number | undefined {
  const chip = target instanceof Element ? target.closest<HTMLElement>('.take-chip') : null;
  const take = Number(chip?.dataset['take']);
  return Number.isInteger(take) && take > 0 ? take : undefined;
}

/** The key went to a text field (the filter box lives in a shadow root: look at the composed path). */
function isTextEntry(e: KeyboardEvent): boolean {
  const target = e.composedPath()[0];
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}
