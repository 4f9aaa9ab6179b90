// Transient notices in the corner of the view. Errors stay until dismissed and are announced
// assertively, so a failed or unanswered request is never silent.
import { el, icon } from './dom';

export type ToastKind = 'info' | 'error';

export class Toasts {
  readonly element = el('div', 'toasts');

  constructor() {
    this.element.setAttribute('role', 'region');
    this.element.setAttribute('aria-label', 'Notifications');
  }

  show(kind: ToastKind, message: string, timeoutMs = kind === 'error' ? 0 : 5000): HTMLElement {
    const toast = el('div', `toast toast-${kind}`);
    toast.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    const text = el('span', 'toast-text', message);
    const close = el('button', 'icon-button toast-close');
    close.type = 'button';
    close.title = 'Dismiss';
    close.setAttribute('aria-label', 'Dismiss notification');
    close.append(icon('close'));
    close.addEventListener('click', () => toast.remove());
    toast.append(icon(kind === 'error' ? 'error' : 'info'), text, close);
    this.element.append(toast);
    // Keep the stack short: old notices are noise once a newer one explains the current state.
    while (this.element.childElementCount > 4) this.element.firstElementChild?.remove();
    if (timeoutMs > 0) setTimeout(() => toast.remove(), timeoutMs);
    return toast;
  }
}
