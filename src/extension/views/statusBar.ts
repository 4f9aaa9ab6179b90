// One status bar item: the productions' summary when idle ("24 shots · 3 stale"), `$(sync~spin) 12/24
// shots · ETA 3m` during a batch; a click opens a small menu (storyboard, metrics, cancel, log). The text comes from the same summary as the
// Shots view's header. Redrawn at once when it has been quiet, else at most every 250 ms: a throttle,
// not a debounce, so a steady stream of progress events can never hold it back.
import * as vscode from 'vscode';
import type { ProductionRegistry } from '../productions/registry';
import { Disposable } from '../util/disposable';
import { summarize } from './summary';

const REDRAW_MS = 250;

export class DailiesStatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('dailies.status', vscode.StatusBarAlignment.Left, 50),
  );
  private timer: NodeJS.Timeout | undefined;
  private lastDraw = 0;
  private rendering: boolean | undefined;

  constructor(private readonly registry: ProductionRegistry) {
    super();
    this.item.name = 'Dailies';
    this.item.command = 'dailies.statusMenu';
    this.register(registry.onDidChangeProductions(() => this.schedule()));
    this.register(registry.onDidChangeProduction(() => this.schedule()));
    this.register({ dispose: () => clearTimeout(this.timer) });
    this.update();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.update();
      },
      Math.max(0, this.lastDraw + REDRAW_MS - Date.now()),
    );
  }

  get text(): string {
    return this.item.text;
  }

  update(): void {
    this.lastDraw = Date.now();
    const all = this.registry.all();
    const s = summarize(all);
    // A round trip to the workbench: only when the answer changes, not on every redraw.
    if (this.rendering !== s.rendering) {
      this.rendering = s.rendering;
      void vscode.commands.executeCommand('setContext', 'dailies.rendering', s.rendering);
    }
    if (all.length === 0) {
      this.item.hide();
      return;
    }
    if (s.rendering) {
      this.item.text = `$(sync~spin) ${s.text}`;
      this.item.backgroundColor = undefined;
    } else if (s.invalid) {
      this.item.text = `$(error) Dailies: ${s.text}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      this.item.text = `$(device-camera-video) ${s.text}`;
      this.item.backgroundColor = s.warn
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    }
    this.item.tooltip = `${s.tooltip} Click for the storyboard, metrics, cancel or the log.`;
    this.item.accessibilityInformation = { label: `Dailies, ${s.text}` };
    this.item.show();
  }
}
