// The take viewer: asks for its shot on load, shows every take (or an A/B, or two versions) on the
// stage with the review beside it, and runs the dailies ritual from the keyboard — 1–9 pick, C circle,
// A approve, R request changes (the note box), ←/→ the next shot. Every action is a request the host
// answers; a failure is a visible notice, and the host's push of the changed shot redraws it.
import type { ReviewStatus } from '../../src/shared/review';
import {
  type ActionResult,
  VIEWER_STATE_VERSION,
  type ViewerEmpty,
  type ViewerEvents,
  type ViewerHostRequests,
  type ViewerShot,
  type ViewerState,
} from '../../src/shared/viewerProtocol';
import type { WebviewChannel } from '../common/channel';
import { el, icon, setText } from '../common/dom';
import { errorMessage, isRecord, oneOf, stringOr } from '../common/guards';
import { loadState, StateSaver } from '../common/persistedState';
import { randomId } from '../common/randomId';
import { StatusPane } from '../common/statusPane';
import { Toasts } from '../common/toasts';
import type { VsCodeApi } from '../common/vscodeApi';
import { commandFor, KEY_HINTS, type ViewerCommand } from './keys';
import { fitState, initialState, type Layout, type Mode, panes, type ViewState } from './model';
import { PlaybackReporter } from './playbackReport';
import { Sidebar } from './sidebar';
import { Stage } from './stage';
import { Transport } from './transport';
import { FIT } from './zoom';

export type ViewerChannel = WebviewChannel<ViewerHostRequests, ViewerEvents>;

const DEFAULT_STATE: ViewerState = { v: VIEWER_STATE_VERSION, mode: 'takes', ab: 'wipe' };
const MODES: readonly { mode: Mode; label: string; key: string }[] = [
  { mode: 'takes', label: 'Takes', key: 'T' },
  { mode: 'compare', label: 'A/B', key: 'X' },
  { mode: 'versions', label: 'Versions', key: 'V' },
];

export class ViewerApp {
  private shot: ViewerShot | undefined;
  private state: ViewState | undefined;
  private readonly saved: ViewerState;
  private readonly saver: StateSaver<ViewerState>;
  private readonly toasts = new Toasts();
  private readonly pane = new StatusPane();
  private readonly transport = new Transport();
  private readonly reporter: PlaybackReporter;
  private readonly stage = new Stage({
    onPick: (take) => this.run({ kind: 'pick', take }),
    onVideos: (group) => {
      this.transport.bind(group);
      this.reporter.bind(group);
    },
  });
  private readonly sidebar: Sidebar;
  private readonly title = el('h1', 'shot-title');
  private readonly position = el('span', 'shot-position');
  private readonly modeButtons = new Map<Mode, HTMLButtonElement>();
  private readonly layoutButtons = new Map<Layout, HTMLButtonElement>();
  private busy = false;

  constructor(
    root: HTMLElement,
    private readonly rpc: ViewerChannel,
    api: VsCodeApi,
  ) {
    this.saved = loadState(api, DEFAULT_STATE, (raw, d) => ({
      v: VIEWER_STATE_VERSION,
      projectFile: typeof raw['projectFile'] === 'string' ? raw['projectFile'] : undefined,
      shotId: typeof raw['shotId'] === 'string' ? raw['shotId'] : undefined,
      mode: oneOf(raw['mode'], ['takes', 'ab', 'versions'], d.mode),
      ab: oneOf(raw['ab'], ['wipe', 'flip'], d.ab),
    }));
    this.saver = new StateSaver(api);
    this.reporter = new PlaybackReporter(
      (report) => void this.rpc.request('playback', report).catch(() => undefined),
      () => ({ shotId: this.shot?.shotId, fps: this.transport.fps }),
    );
    this.sidebar = new Sidebar({
      onSubmitNote: (kind, text) =>
        kind === 'changes'
          ? this.act('Request changes', (id) =>
              this.rpc.request('review', { shotId: id, status: 'changes-requested', note: text }),
            )
          : this.act('Note', (id) => this.rpc.request('note', { shotId: id, note: text })),
      onCompare: (slot, id) => {
        if (!this.state) return;
        this.state = {
          ...this.state,
          mode: 'versions',
          ...(slot === 'A' ? { versionA: id } : { versionB: id }),
        };
        this.draw();
      },
      onRestore: (v) =>
        void this.act(`Restore v${v.n}`, (id) =>
          this.rpc.request('restore', { shotId: id, versionId: v.id }),
        ),
    });
    root.append(this.header(), this.body(), this.hints(), this.toasts.element);
    document.addEventListener('keydown', (e) => {
      if (e.defaultPrevented || this.sidebar.boxOpen || isTextEntry(e)) return;
      const command = commandFor(e);
      if (!command) return;
      e.preventDefault();
      this.run(command);
    });
  }

  start(): void {
    this.rpc.on('shot', (s) => {
      if (isShot(s) && s.shotId === this.shot?.shotId) this.show(s, false);
    });
    this.rpc.on('reportPlayback', () => this.reporter.reportNow());
    void this.load(() => this.rpc.request('ready', { clientId: randomId() }));
  }

  private header(): HTMLElement {
    const header = el('header', 'viewer-header');
    const prev = navButton('chevron-left', 'Previous shot (←)', () => this.run({ kind: 'shot', step: -1 }));
    const next = navButton('chevron-right', 'Next shot (→)', () => this.run({ kind: 'shot', step: 1 }));
    const modes = el('div', 'segmented');
    modes.setAttribute('role', 'group');
    modes.setAttribute('aria-label', 'Compare');
    for (const m of MODES) {
      const b = segment(`${m.label}`, `${m.label} (${m.key})`, () =>
        this.run({ kind: 'mode', mode: m.mode }),
      );
      b.dataset['mode'] = m.mode;
      this.modeButtons.set(m.mode, b);
      modes.append(b);
    }
    const layouts = el('div', 'segmented');
    layouts.setAttribute('role', 'group');
    layouts.setAttribute('aria-label', 'Layout');
    for (const [layout, label, key] of [
      ['side', 'Side by side', 'S'],
      ['wipe', 'Wipe', 'W'],
      ['flip', 'Flip', 'F'],
    ] as const) {
      const b = segment(label, `${label} (${key})`, () =>
        this.run(layout === 'flip' ? { kind: 'flip' } : { kind: 'layout', layout }),
      );
      b.dataset['layout'] = layout;
      this.layoutButtons.set(layout, b);
      layouts.append(b);
    }
    header.append(prev, this.title, this.position, next, el('span', 'spacer'), modes, layouts);
    return header;
  }

  private body(): HTMLElement {
    const body = el('div', 'viewer-body');
    const main = el('div', 'stage-area');
    const column = el('div', 'stage-column');
    column.append(this.stage.element, this.transport.element);
    main.append(column, this.pane.element);
    body.append(main, this.sidebar.element);
    return body;
  }

  private hints(): HTMLElement {
    const footer = el('footer', 'key-hints');
    for (const [k, what] of KEY_HINTS) footer.append(el('kbd', '', k), el('span', '', what));
    return footer;
  }

  private async load(get: () => Promise<ViewerShot | ViewerEmpty>): Promise<void> {
    if (!this.shot) this.pane.loading('Loading takes…');
    try {
      const s = await get();
      if (isShot(s)) this.show(s, true);
      else {
        this.pane.empty(
          'file-media',
          isRecord(s) ? stringOr(s['empty'], 'Nothing to show.') : 'Nothing to show.',
        );
      }
    } catch (err) {
      if (this.shot) this.toasts.show('error', `Could not load the shot: ${errorMessage(err)}`);
      else
        this.pane.error(`The take viewer could not be loaded: ${errorMessage(err)}`, {
          label: 'Retry',
          run: () => void this.load(get),
        });
    }
  }

  private show(s: ViewerShot, moved: boolean): void {
    const other = s.shotId !== this.shot?.shotId;
    this.shot = s;
    this.state =
      other || !this.state ? initialState(s, this.savedMode(), this.saved.ab) : fitState(s, this.state);
    if (moved && other) this.stage.setView(FIT);
    performance.mark('dailies:viewer-shot');
    this.draw();
  }

  private savedMode(): Mode {
    return this.saved.mode === 'ab' ? 'compare' : this.saved.mode === 'versions' ? 'versions' : 'takes';
  }

  private draw(): void {
    const s = this.shot;
    const st = this.state;
    if (!s || !st) return;
    document.title = `Takes — ${s.shotId}`;
    setText(this.title, s.scene ? `${s.shotId} · ${s.scene}` : s.shotId);
    setText(this.position, `${s.index + 1} / ${s.total}`);
    const shown = panes(s, st);
    if (shown.length === 0) this.pane.empty('file-media', `${s.shotId} has no rendered take yet.`);
    else this.pane.hide();
    this.transport.setFallbackFps(s.fps);
    this.stage.render(shown, st.mode === 'takes' ? 'side' : st.layout, st.flipB);
    this.sidebar.render(s);
    for (const [m, b] of this.modeButtons) b.setAttribute('aria-pressed', String(m === st.mode));
    for (const [l, b] of this.layoutButtons) {
      b.setAttribute('aria-pressed', String(st.mode !== 'takes' && l === st.layout));
      b.disabled = st.mode === 'takes';
    }
    document.body.dataset['review'] = s.review;
    this.saver.save({
      v: VIEWER_STATE_VERSION,
      projectFile: s.projectFile,
      shotId: s.shotId,
      mode: st.mode === 'compare' ? 'ab' : st.mode,
      ab: st.layout === 'flip' ? 'flip' : 'wipe',
    });
  }

  private run(c: ViewerCommand): void {
    const s = this.shot;
    const st = this.state;
    if (!s || !st) return;
    switch (c.kind) {
      case 'pick':
        if (!s.takes.some((t) => t.variation === c.take)) {
          this.toasts.show('info', `${s.shotId} has no take ${c.take}.`, 2500);
          return;
        }
        this.state = { ...st, picked: c.take };
        break;
      case 'circle':
        void this.act(`Circle take ${st.picked}`, (id) =>
          this.rpc.request('circle', { shotId: id, take: st.picked }),
        );
        return;
      case 'approve':
        void this.review('approved');
        return;
      case 'changes':
      case 'note':
        this.sidebar.openBox(c.kind, s.shotId);
        return;
      case 'shot':
        void this.load(() => this.rpc.request('go', { step: c.step }));
        return;
      case 'mode':
        this.state = { ...st, mode: c.mode };
        break;
      case 'layout':
        this.state = { ...st, layout: c.layout, mode: st.mode === 'takes' ? 'compare' : st.mode };
        break;
      case 'flip':
        if (st.layout === 'flip' && st.mode !== 'takes') this.state = { ...st, flipB: this.stage.flip() };
        else this.state = { ...st, layout: 'flip', mode: st.mode === 'takes' ? 'compare' : st.mode };
        break;
      case 'zoom':
        this.stage.zoomBy(c.by);
        return;
      case 'fit':
        this.stage.setView(FIT);
        return;
      case 'actual':
        this.stage.actual();
        return;
      case 'play':
        this.transport.toggle();
        return;
      case 'frame':
        this.transport.step(c.step);
        return;
    }
    this.draw();
  }

  private review(status: ReviewStatus): Promise<boolean> {
    return this.act(status === 'approved' ? 'Approve' : 'Review', (id) =>
      this.rpc.request('review', { shotId: id, status }),
    );
  }

  /** One request on the current shot; a failure (or the host's reason) is a visible notice. */
  private async act(label: string, send: (shotId: string) => Promise<ActionResult>): Promise<boolean> {
    const id = this.shot?.shotId;
    if (!id || this.busy) return false;
    this.busy = true;
    document.body.setAttribute('aria-busy', 'true');
    try {
      const r = await send(id);
      if (!r.ok) this.toasts.show('error', `${label}: ${r.message ?? 'nothing was changed'}`);
      else if (r.message) this.toasts.show('info', r.message);
      return r.ok;
    } catch (err) {
      this.toasts.show('error', `${label} failed: ${errorMessage(err)}`);
      return false;
    } finally {
      this.busy = false;
      document.body.removeAttribute('aria-busy');
    }
  }
}

function isShot(v: unknown): v is ViewerShot {
  return (
    isRecord(v) &&
    typeof v['shotId'] === 'string' &&
    Array.isArray(v['takes']) &&
    Array.isArray(v['versions']) &&
    Array.isArray(v['notes'])
  );
}

function navButton(name: string, label: string, run: () => void): HTMLButtonElement {
  const b = el('button', 'icon-button nav');
  b.type = 'button';
  b.title = label;
  b.setAttribute('aria-label', label);
  b.append(icon(name));
  b.addEventListener('click', run);
  return b;
}

function segment(text: string, title: string, run: () => void): HTMLButtonElement {
  const b = el('button', 'segment', text);
  b.type = 'button';
  b.title = title;
  b.addEventListener('click', run);
  return b;
}

function isTextEntry(e: KeyboardEvent): boolean {
  const target = e.composedPath()[0];
  // The transport's scrubber keeps its arrows (and Home/End/Page keys); every other key still drives the
  // viewer, so Space plays and , . step right after a drag.
  if (target instanceof HTMLInputElement && target.type === 'range') {
    return /^(Arrow|Home$|End$|Page)/.test(e.key);
  }
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}
