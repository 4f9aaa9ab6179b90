// The message that stands in for content: loading (with a spinner that a timeout always ends), an
// error with a retry, or an empty state with an optional action.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { el, icon } from './dom';

export interface PaneAction {
  label: string;
  run: () => void;
}

export class StatusPane {
  readonly element = el('div', 'status-pane');

  constructor() {
    this.element.hidden = true;
  }

  loading(message: string): void {
    const ring = document.createElement('vscode-progress-ring');
    ring.setAttribute('aria-label', message);
    this.show('loading', [ring, el('p', 'status-text', message)]);
    this.element.setAttribute('role', 'status');
  }

  error(message: string, action?: PaneAction): void {
    this.show('error', [icon('error', 'status-icon'), el('p', 'status-text', message), ...button(action)]);
    this.element.setAttribute('role', 'alert');
  }

  empty(iconName: string, message: string, action?: PaneAction): void {
    this.show('empty', [icon(iconName, 'status-icon'), el('p', 'status-text', message), ...button(action)]);
    this.element.setAttribute('role', 'status');
  }

  hide(): void {
    this.element.hidden = true;
    this.element.replaceChildren();
    delete this.element.dataset['kind'];
  }

  private show(kind: string, children: Node[]): void {
    this.element.dataset['kind'] = kind;
    this.element.replaceChildren(...children);
    this.element.hidden = false;
  }
}

function button(action: PaneAction | undefined): HTMLElement[] {
  if (!action) return [];
  const b = document.createElement('vscode-button');
  b.textContent = action.label;
  b.addEventListener('click', action.run);
  return [b];
}
