// Pointer and keyboard handling on the grid. Focus stays on the grid element and the active card is
// announced through aria-activedescendant, because in a virtual grid the focused card can be recycled.
import type { ShotCard } from '../../src/shared/protocol';
import type { MenuEntry } from '../common/contextMenu';
import { moveIndex } from '../common/gridNavigation';
import type { StoryboardApp } from './app';
import { commandFor, type GridCommand } from './keys';

export class Interactions {
  constructor(private readonly app: StoryboardApp) {
    const grid = app.grid.element;
    grid.addEventListener('click', (e) => this.onClick(e));
    grid.addEventListener('dblclick', (e) => {
      const shot = this.shotAt(e.target);
      if (shot) void app.actions.reveal(shot);
    });
    grid.addEventListener('contextmenu', (e) => this.onContextMenu(e));
    grid.addEventListener('keydown', (e) => this.onKey(e));
    grid.addEventListener('focus', () => {
      if (app.activeId === undefined) {
        const first = app.firstVisibleIndex();
        if (first >= 0) app.focusIndex(first);
      }
    });
  }

  private shotAt(target: EventTarget | null): ShotCard | undefined {
    return this.app.shot(this.app.renderer.cardOf(target instanceof Element ? target : null)?.shotId);
  }

  private onClick(e: MouseEvent): void {
    const shot = this.shotAt(e.target);
    if (!shot) return;
    const { app } = this;
    if (e.shiftKey) app.selection.extend(shot.id, app.view.flat, app.view.indexOf, e.ctrlKey || e.metaKey);
    else if (e.ctrlKey || e.metaKey) app.selection.toggle(shot.id);
    else app.selection.only(shot.id);
    app.activeId = shot.id;
    app.grid.element.focus({ preventScroll: true });
    app.selectionChanged();
    // The second click of a double-click must not open the image again: it reveals the shot instead.
    if (!e.shiftKey && !e.ctrlKey && !e.metaKey && e.detail <= 1) void app.actions.open(shot);
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
      { label: `Render${suffix}`, icon: 'play', run: () => void app.actions.run('render', ids) },
      { label: `Force re-render${suffix}`, icon: 'refresh', run: () => void app.actions.run('force', ids) },
      { label: `Cancel${suffix}`, icon: 'debug-stop', run: () => void app.actions.run('cancel', ids) },
      'separator',
      {
        label: 'Open image',
        icon: 'file-media',
        disabled: !shot.imageUrl,
        run: () => void app.actions.open(shot),
      },
      { label: 'Reveal in project.json', icon: 'go-to-file', run: () => void app.actions.reveal(shot) },
    ];
    app.menu.open(x, y, entries, `Actions for ${n > 1 ? `${n} shots` : shot.id}`, app.grid.element);
  }
}
