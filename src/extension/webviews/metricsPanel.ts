// The metrics of one production, live while visible (one snapshot at most every 500 ms: the snapshot is
// small and always complete), exported as JSON or reset on request.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MetricsStore } from '../../core/metrics/metricsStore';
import type { MetricsEvents, MetricsHostRequests, MetricsViewSnapshot } from '../../shared/protocol';
import type { Production } from '../productions/production';
import { Disposable } from '../util/disposable';
import { WebviewHost } from './webviewHost';

export const METRICS_VIEW_TYPE = 'dailies.metrics';
const FLUSH_MS = 500;

export class MetricsPanel extends Disposable {
  readonly host: WebviewHost<MetricsHostRequests, MetricsEvents>;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly production: Production,
    private readonly metrics: MetricsStore,
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    super();
    this.host = this.register(
      new WebviewHost<MetricsHostRequests, MetricsEvents>({
        panel,
        extensionUri,
        view: 'metrics',
        title: `Metrics · ${production.label}`,
        resourceRoots: [],
        handlers: {
          ready: () => this.snapshot(),
          export: () => this.exportJson(),
          reset: () => this.reset(),
        },
      }),
    );
    this.register(metrics.onDidChange(() => this.schedule()));
    this.register(
      this.host.onDidChangeVisibility((visible) => visible && this.host.emit('snapshot', this.snapshot())),
    );
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  reveal(): void {
    this.host.reveal();
  }

  snapshot(): MetricsViewSnapshot {
    return {
      projectFile: this.production.file,
      title: this.production.label,
      metrics: this.metrics.snapshot(),
    };
  }

  private schedule(): void {
    if (this.host.isClosed) return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.host.visible) this.host.emit('snapshot', this.snapshot());
    }, FLUSH_MS);
  }

  private async exportJson(): Promise<{ saved: boolean; path?: string }> {
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(
        path.join(this.production.root, `dailies-metrics-${new Date().toISOString().slice(0, 10)}.json`),
      ),
      filters: { JSON: ['json'] },
    });
    if (!target) return { saved: false };
    await fs.writeFile(target.fsPath, `${JSON.stringify(this.snapshot(), null, 2)}\n`);
    return { saved: true, path: target.fsPath };
  }

  private async reset(): Promise<{ reset: boolean }> {
    const ok = await vscode.window.showWarningMessage(
      `Reset the metrics of ${this.production.label}? This cannot be undone.`,
      { modal: true },
      'Reset',
    );
    if (ok !== 'Reset') return { reset: false };
    this.metrics.reset();
    await this.metrics.save();
    this.host.emit('snapshot', this.snapshot());
    return { reset: true };
  }
}
