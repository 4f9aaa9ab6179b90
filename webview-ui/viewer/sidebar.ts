// Beside the stage: the shot's review (status, who and when), its prompt, its notes (those written before
// the current render shown as history), the note box that R and N open, and the kept versions with
// "compare as A / B" and "restore".
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { REVIEW_STATUS } from '../../src/shared/review';
import type { VersionInfo, ViewerShot } from '../../src/shared/viewerProtocol';
import { el, icon, setText } from '../common/dom';

export interface SidebarHandlers {
  onSubmitNote(kind: 'changes' | 'note', text: string): Promise<boolean>;
  onCompare(slot: 'A' | 'B', versionId: string): void;
  onRestore(version: VersionInfo): void;
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function timeText(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : when.format(d);
}

export class Sidebar {
  readonly element = el('aside', 'sidebar');
  private readonly status = el('div', 'review-status');
  private readonly prompt = el('p', 'prompt');
  private readonly notes = el('ol', 'notes');
  private readonly box = el('form', 'note-box');
  private readonly boxTitle = el('div', 'note-box-title');
  // A plain textarea: vscode-textarea draws its resize grip from a data: image the CSP refuses.
  private readonly text = el('textarea', 'note-text-input');
  private readonly versions = el('ol', 'versions');
  private kind: 'changes' | 'note' = 'changes';

  constructor(private readonly handlers: SidebarHandlers) {
    this.element.setAttribute('aria-label', 'Review');
    this.notes.setAttribute('aria-label', 'Notes');
    this.versions.setAttribute('aria-label', 'Versions');
    this.text.rows = 4;
    this.text.setAttribute('aria-label', 'Note');
    this.text.addEventListener('keydown', (e) => {
      e.stopPropagation(); // typing never drives the viewer's keys
      if (e.key === 'Escape') this.closeBox();
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void this.submit();
    });
    const send = document.createElement('vscode-button');
    send.className = 'note-send';
    send.textContent = 'Send';
    send.addEventListener('click', () => void this.submit());
    const cancel = document.createElement('vscode-button');
    cancel.secondary = true;
    cancel.textContent = 'Cancel';
    cancel.addEventListener('click', () => this.closeBox());
    const buttons = el('div', 'note-box-buttons');
    buttons.append(send, cancel);
    this.box.append(this.boxTitle, this.text, buttons);
    this.box.hidden = true;
    this.box.addEventListener('submit', (e) => e.preventDefault());
    this.element.append(
      this.status,
      this.prompt,
      heading('Notes'),
      this.box,
      this.notes,
      heading('Versions'),
      this.versions,
    );
  }

  get boxOpen(): boolean {
    return !this.box.hidden;
  }

  render(shot: ViewerShot): void {
    const info = REVIEW_STATUS[shot.review];
    this.status.dataset['review'] = shot.review;
    const who = [shot.by, timeText(shot.at)].filter(Boolean).join(' · ');
    this.status.replaceChildren(
      icon(info.icon),
      el('span', 'review-label', info.label),
      ...(who ? [el('span', 'review-who', who)] : []),
      ...(shot.unknownStatus
        ? [el('span', 'review-unknown', `project.json says "${shot.unknownStatus}" (not a known status)`)]
        : []),
    );
    setText(this.prompt, shot.prompt);
    this.notes.replaceChildren(
      ...(shot.notes.length ? [] : [el('li', 'empty', 'No notes yet. R requests changes, N adds a note.')]),
      ...[...shot.notes].reverse().map((n) => {
        const li = el('li', `note${n.earlier ? ' earlier' : ''}`);
        if (n.status) li.dataset['status'] = n.status;
        const meta = [n.author, timeText(n.at), n.earlier ? 'before the current render' : '']
          .filter(Boolean)
          .join(' · ');
        li.append(el('div', 'note-text', n.text), el('div', 'note-meta', meta));
        return li;
      }),
    );
    this.versions.replaceChildren(...[...shot.versions].reverse().map((v) => this.versionRow(v)));
    if (shot.versions.length === 0)
      this.versions.append(el('li', 'empty', 'Every render from now on is kept here.'));
  }

  openBox(kind: 'changes' | 'note', shotId: string): void {
    this.kind = kind;
    setText(this.boxTitle, kind === 'changes' ? `Request changes to ${shotId}` : `Note on ${shotId}`);
    this.box.dataset['kind'] = kind;
    this.box.hidden = false;
    requestAnimationFrame(() => this.text.focus());
  }

  closeBox(): void {
    this.box.hidden = true;
    this.text.value = '';
    this.element.dispatchEvent(new CustomEvent('note-box-closed', { bubbles: true }));
  }

  private async submit(): Promise<void> {
    const text = this.text.value.trim();
    if (!text) {
      this.text.focus();
      return;
    }
    if (await this.handlers.onSubmitNote(this.kind, text)) this.closeBox();
  }

  private versionRow(v: VersionInfo): HTMLElement {
    const li = el('li', `version${v.current ? ' current' : ''}`);
    li.dataset['version'] = String(v.n);
    const title = el('div', 'version-title');
    title.append(
      el('strong', '', `v${v.n}`),
      el(
        'span',
        'version-meta',
        [
          v.current ? 'current' : '',
          timeText(v.renderedAt),
          v.model ?? '',
          v.costUsd ? `$${v.costUsd.toFixed(3)}` : '',
        ]
          .filter(Boolean)
          .join(' · '),
      ),
    );
    const prompt = el(
      'div',
      'version-prompt',
      v.legacy ? '(made before versions were kept: prompt unknown)' : (v.prompt ?? ''),
    );
    const actions = el('div', 'version-actions');
    for (const slot of ['A', 'B'] as const) {
      const b = el('button', 'icon-button version-compare', slot);
      b.type = 'button';
      b.title = `Compare as ${slot}`;
      b.addEventListener('click', () => this.handlers.onCompare(slot, v.id));
      actions.append(b);
    }
    if (!v.current) {
      const restore = el('button', 'icon-button version-restore');
      restore.type = 'button';
      restore.title = `Restore version ${v.n}: its images and prompt come back, nothing is rendered`;
      restore.append(icon('history'), el('span', '', 'Restore'));
      restore.addEventListener('click', () => this.handlers.onRestore(v));
      actions.append(restore);
    }
    li.append(title, prompt, actions);
    return li;
  }
}

function heading(text: string): HTMLElement {
  return el('h2', 'side-heading', text);
}
