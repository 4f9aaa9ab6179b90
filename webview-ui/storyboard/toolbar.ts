// The storyboard toolbar: text / scene / status filters, sort, zoom, Render stale / Render all (the host's
// own commands), the actions on the selection and the summary line. Controls are VS Code Elements; the
// toolbar only reports changes, it owns no state.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { SceneInfo, StoryboardCommand } from '../../src/shared/protocol';
import { el, icon, setText } from '../common/dom';
import { STATUS_FILTERS } from './status';
import { ALL, NO_SCENE, REVIEW_FILTERS, type SortKey, type ViewFilters } from './view';

export type SelectionAction = 'render' | 'force' | 'cancel';

export interface ToolbarHandlers {
  onFilters(filters: ViewFilters): void;
  onZoom(delta: number): void;
  onAction(action: SelectionAction): void;
  onCommand(command: StoryboardCommand): void;
}

const SORTS: readonly { value: SortKey; label: string }[] = [
  { value: 'order', label: 'Project order' },
  { value: 'status', label: 'Status (problems first)' },
  { value: 'id', label: 'Shot id' },
  { value: 'scene', label: 'Scene title' },
];

const COMMANDS: readonly { command: StoryboardCommand; label: string; icon: string; title: string }[] = [
  {
    command: 'dailies.renderStale',
    label: 'Render stale',
    icon: 'refresh',
    title: 'Render the shots whose inputs changed or that failed',
  },
  {
    command: 'dailies.renderAll',
    label: 'Render all',
    icon: 'run-all',
    title: 'Render every shot that needs it',
  },
];

const ACTIONS: readonly { action: SelectionAction; label: string; icon: string; secondary: boolean }[] = [
  { action: 'render', label: 'Render selected', icon: 'play', secondary: false },
  { action: 'force', label: 'Force re-render selected', icon: 'debug-rerun', secondary: true },
  { action: 'cancel', label: 'Cancel selected', icon: 'debug-stop', secondary: true },
];

export class Toolbar {
  readonly element = el('div', 'toolbar');
  private readonly text = document.createElement('vscode-textfield');
  private readonly scene = document.createElement('vscode-single-select');
  private readonly status = document.createElement('vscode-single-select');
  private readonly review = document.createElement('vscode-single-select');
  private readonly sort = document.createElement('vscode-single-select');
  private readonly zoomOut = iconButton('zoom-out', 'Smaller cards');
  private readonly zoomIn = iconButton('zoom-in', 'Larger cards');
  private readonly summary = el('div', 'summary');
  private readonly actions = new Map<SelectionAction, VscodeButton>();
  private readonly commands = new Map<StoryboardCommand, VscodeButton>();
  private textTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly handlers: ToolbarHandlers) {
    this.element.setAttribute('role', 'group');
    this.element.setAttribute('aria-label', 'Storyboard filters and actions');

    this.text.placeholder = 'Filter by id, prompt, model…';
    this.text.setAttribute('aria-label', 'Filter shots by text');
    this.text.className = 'filter-text';
    const searchIcon = icon('search');
    searchIcon.slot = 'content-before';
    this.text.append(searchIcon);
    // Typing re-filters 10,000 shots: wait for a pause, but not long enough to feel laggy.
    this.text.addEventListener('input', () => {
      clearTimeout(this.textTimer);
      this.textTimer = setTimeout(() => this.emit(), 120);
    });
    this.text.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.text.value) {
        e.stopPropagation();
        this.text.value = '';
        this.emit();
      }
    });

    setOptions(this.status, [{ value: ALL, label: 'All statuses' }, ...STATUS_FILTERS]);
    setOptions(this.sort, SORTS);
    setOptions(this.review, [{ value: ALL, label: 'All reviews' }, ...REVIEW_FILTERS]);
    for (const [select, label] of [
      [this.scene, 'Filter by scene'],
      [this.status, 'Filter by status'],
      [this.review, 'Filter by review'],
      [this.sort, 'Sort shots'],
    ] as const) {
      // `label` names the inner combobox; the element itself carries the name too, for tools and
      // screen readers that stop at the shadow host.
      select.label = label;
      select.setAttribute('aria-label', label);
      select.addEventListener('change', () => this.emit());
    }
    this.scene.className = 'filter-scene';
    this.status.className = 'filter-status';
    this.review.className = 'filter-review';
    this.sort.className = 'filter-sort';

    this.zoomOut.addEventListener('click', () => handlers.onZoom(-1));
    this.zoomIn.addEventListener('click', () => handlers.onZoom(1));

    const whole = el('div', 'actions commands');
    whole.setAttribute('role', 'group');
    whole.setAttribute('aria-label', 'Render the production');
    for (const c of COMMANDS) {
      const button = document.createElement('vscode-button');
      button.textContent = c.label;
      button.icon = c.icon;
      button.secondary = true;
      button.title = c.title;
      button.dataset['command'] = c.command;
      button.addEventListener('click', () => {
        if (!button.disabled) handlers.onCommand(c.command);
      });
      this.commands.set(c.command, button);
      whole.append(button);
    }

    const buttons = el('div', 'actions');
    buttons.setAttribute('role', 'group');
    buttons.setAttribute('aria-label', 'Actions on the selected shots');
    for (const a of ACTIONS) {
      const button = document.createElement('vscode-button');
      button.textContent = a.label;
      button.icon = a.icon;
      button.secondary = a.secondary;
      button.disabled = true;
      button.dataset['action'] = a.action;
      button.addEventListener('click', () => {
        if (!button.disabled) handlers.onAction(a.action);
      });
      this.actions.set(a.action, button);
      buttons.append(button);
    }

    this.summary.setAttribute('aria-live', 'polite');
    const filters = el('div', 'toolbar-row');
    const zoom = el('div', 'zoom');
    zoom.setAttribute('role', 'group');
    zoom.setAttribute('aria-label', 'Card size');
    zoom.append(this.zoomOut, this.zoomIn);
    filters.append(this.text, this.scene, this.status, this.review, this.sort, zoom);
    const second = el('div', 'toolbar-row');
    second.append(this.summary, whole, buttons);
    this.element.append(filters, second);
  }

  get filters(): ViewFilters {
    return {
      text: this.text.value.trim(),
      scene: this.scene.value || ALL,
      status: this.status.value || ALL,
      review: this.review.value || ALL,
      sort: SORTS.find((s) => s.value === this.sort.value)?.value ?? 'order',
    };
  }

  setFilters(f: ViewFilters): void {
    this.text.value = f.text;
    this.scene.value = f.scene;
    this.status.value = f.status;
    this.review.value = f.review;
    this.sort.value = f.sort;
  }

  setScenes(scenes: readonly SceneInfo[], hasUnassigned: boolean): void {
    const current = this.scene.value || ALL;
    const options = [
      { value: ALL, label: 'All scenes' },
      ...scenes.map((s) => ({ value: s.id, label: s.title })),
    ];
    if (hasUnassigned) options.push({ value: NO_SCENE, label: 'No scene' });
    setOptions(this.scene, options);
    this.scene.value = options.some((o) => o.value === current) ? current : ALL;
  }

  setZoom(level: number, max: number): void {
    this.zoomOut.disabled = level <= 0;
    this.zoomIn.disabled = level >= max;
  }

  setSummary(text: string): void {
    setText(this.summary, text);
  }

  setSelectionCount(n: number): void {
    for (const [action, button] of this.actions) {
      if (button.dataset['busy'] === undefined) button.disabled = n === 0;
      button.title =
        n === 0 ? 'Select shots first' : `${ACTIONS.find((a) => a.action === action)?.label} (${n})`;
    }
  }

  setCommandBusy(command: StoryboardCommand, busy: boolean): void {
    const button = this.commands.get(command)!;
    const spec = COMMANDS.find((c) => c.command === command)!;
    button.icon = busy ? 'loading' : spec.icon;
    button.iconSpin = busy;
    button.disabled = busy;
    button.setAttribute('aria-busy', String(busy));
  }

  /** Spinner while a request is in flight; the timeout or error reply always ends it. */
  setBusy(action: SelectionAction, busy: boolean, selected: number): void {
    const button = this.actions.get(action)!;
    const spec = ACTIONS.find((a) => a.action === action)!;
    if (busy) button.dataset['busy'] = '';
    else delete button.dataset['busy'];
    button.icon = busy ? 'loading' : spec.icon;
    button.iconSpin = busy;
    button.disabled = busy || selected === 0;
    button.setAttribute('aria-busy', String(busy));
  }

  private emit(): void {
    this.handlers.onFilters(this.filters);
  }
}

function iconButton(name: string, label: string): VscodeButton {
  const b = document.createElement('vscode-button');
  b.icon = name;
  b.iconOnly = true;
  b.secondary = true;
  b.title = label;
  b.setAttribute('aria-label', label);
  return b;
}

function setOptions(select: VscodeSingleSelect, options: readonly { value: string; label: string }[]): void {
  select.replaceChildren(
    ...options.map((o) => {
      const option = document.createElement('vscode-option');
      option.value = o.value;
      option.textContent = o.label;
      return option;
    }),
  );
}
