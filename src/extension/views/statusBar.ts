// One status bar item: the productions' summary when idle, `$(sync~spin) 12/48 · ETA 3m` during a
// batch; a click opens a small menu (storyboard, metrics, cancel, log). Redrawn at most every 250 ms however fast events arrive.
import * as vscode from 'vscode';
import { formatDuration } from '../../shared/batchProgress';
import type { ProductionRegistry } from '../productions/registry';
import { Disposable } from '../util/disposable';

export class DailiesStatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('dailies.status', vscode.StatusBarAlignment.Left, 50),
  );
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly registry: ProductionRegistry) {
    super();
    this.item.name = 'Dailies';
    this.item.command = 'dailies.statusMenu';
    this.register(registry.onDidChangeProductions(() => this.schedule()));
    this.register(registry.onDidChangeProduction(() => this.schedule()));
    this.register({ dispose: () => clearTimeout(this.timer) });
    this.update();
  }

  private rendering: boolean | undefined;

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, 250);
  }

  get text(): string {
    return this.item.text;
  }

  update(): void {
    const all = this.registry.all();
    if (all.length === 0) {
      this.item.hide();
      return;
    }
    const running = all.filter((p) => p.isRendering);
    // A round trip to the workbench: only when the answer changes, not on every 250 ms redraw.
    if (this.rendering !== running.length > 0) {
      this.rendering = running.length > 0;
      void vscode.commands.executeCommand('setContext', 'dailies.rendering', this.rendering);
    }
    if (running.length) {
      let done = 0;
      let total = 0;
      let eta = 0;
      for (const p of running) {
        const b = p.state.batch();
        if (!b) continue;
        done += b.jobsDone;
        total += b.jobsTotal;
        eta = Math.max(eta, b.etaMs ?? 0);
      }
      this.item.text = `$(sync~spin) ${done}/${total}${eta ? ` · ETA ${formatDuration(eta)}` : ''}`;
      this.item.tooltip = `Dailies: rendering ${running.map((p) => p.label).join(', ')} — ${done} of ${total} variations done. Click for the storyboard, metrics, cancel or the log.`;
      this.item.accessibilityInformation = {
        label: `Dailies rendering, ${done} of ${total} variations done`,
      };
      this.item.backgroundColor = undefined;
      this.item.show();
      return;
    }
    const problems = all.filter((p) => p.state.problem);
    let shots = 0;
    let todo = 0;
    let failed = 0;
    for (const p of all) {
      const c = p.state.counts();
      shots += p.state.all().length;
      todo += c.stale + c.never + c.partial;
      failed += c.failed;
    }
    if (problems.length) {
      this.item.text = `$(error) Dailies: invalid project.json`;
      this.item.tooltip = problems.map((p) => `${p.label}: ${p.state.problem}`).join('\n');
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      const parts = [`${shots} shots`];
      if (todo) parts.push(`${todo} to render`);
      if (failed) parts.push(`${failed} failed`);
      if (!todo && !failed) parts.push('up to date');
      this.item.text = `$(device-camera-video) ${parts.join(' · ')}`;
      this.item.tooltip = `Dailies: ${all.length} production${all.length === 1 ? '' : 's'} — ${parts.join(', ')}. Click for the storyboard, metrics or the log.`;
      this.item.backgroundColor = failed
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    }
    this.item.accessibilityInformation = {
      label: `Dailies, ${this.item.text.replace(/\$\([^)]+\)\s*/g, '')}`,
    };
    this.item.show();
  }
}
