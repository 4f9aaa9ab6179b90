// A small context menu (VS Code's native menu is not available inside a webview): role=menu, arrow
// keys, Enter, Escape, closes on outside click or blur, and gives focus back to where it came from.
import { el, icon } from './dom';

export interface MenuItem {
  label: string;
  icon?: string;
  disabled?: boolean;
  run: () => void;
}

export type MenuEntry = MenuItem | 'separator';

export class ContextMenu {
  private menu: HTMLElement | undefined;
  private returnFocus: HTMLElement | undefined;

  constructor(private readonly host: HTMLElement) {
    document.addEventListener('mousedown', (e) => {
      if (this.menu && !this.menu.contains(e.target as Node)) this.close(false);
    });
    window.addEventListener('blur', () => this.close(false));
    window.addEventListener('resize', () => this.close(false));
  }

  open(x: number, y: number, entries: readonly MenuEntry[], label: string, returnFocus?: HTMLElement): void {
    this.close(false);
    this.returnFocus = returnFocus;
    const menu = el('div', 'context-menu');
    menu.setAttribute('role', 'menu');
    menu.setAttribute('aria-label', label);
    for (const entry of entries) {
      if (entry === 'separator') {
        const sep = el('div', 'menu-separator');
        sep.setAttribute('role', 'separator');
        menu.append(sep);
        continue;
      }
      const item = el('button', 'menu-item');
      item.type = 'button';
      item.setAttribute('role', 'menuitem');
      item.tabIndex = -1;
      item.disabled = entry.disabled === true;
      item.append(icon(entry.icon ?? 'blank'), el('span', 'menu-label', entry.label));
      item.addEventListener('click', () => {
        this.close(true);
        entry.run();
      });
      menu.append(item);
    }
    menu.addEventListener('keydown', (e) => this.onKey(e));
    this.host.append(menu);
    this.menu = menu;
    // Keep the menu inside the viewport, flipping it left/up near the edges like a native menu.
    const r = menu.getBoundingClientRect();
    const left = x + r.width > window.innerWidth ? Math.max(0, x - r.width) : x;
    const top = y + r.height > window.innerHeight ? Math.max(0, y - r.height) : y;
    menu.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
    this.items()[0]?.focus();
  }

  close(restoreFocus = true): void {
    if (!this.menu) return;
    this.menu.remove();
    this.menu = undefined;
    if (restoreFocus) this.returnFocus?.focus({ preventScroll: true });
  }

  private items(): HTMLButtonElement[] {
    return this.menu ? [...this.menu.querySelectorAll<HTMLButtonElement>('.menu-item:not(:disabled)')] : [];
  }

  private onKey(e: KeyboardEvent): void {
    const items = this.items();
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const focus = (i: number) => items[(i + items.length) % items.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        focus(at + 1);
        break;
      case 'ArrowUp':
        focus(at - 1);
        break;
      case 'Home':
        focus(0);
        break;
      case 'End':
        focus(items.length - 1);
        break;
      case 'Escape':
      case 'Tab':
        this.close(true);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }
}
