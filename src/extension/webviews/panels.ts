// One storyboard and one metrics panel per production: created on demand, revealed if open, restored after
// a window reload (serializers), disposed with their production.
import * as vscode from 'vscode';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { Disposable } from '../util/disposable';
import { METRICS_VIEW_TYPE, MetricsPanel } from './metricsPanel';
import { STORYBOARD_VIEW_TYPE, type StoryboardActions, StoryboardPanel } from './storyboardPanel';

export class Panels extends Disposable {
  private storyboards = new Map<Production, StoryboardPanel>();
  private metrics = new Map<Production, MetricsPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly registry: ProductionRegistry,
    private readonly actions: StoryboardActions,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(STORYBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state) => this.restore(panel, state, 'storyboard'),
      }),
    );
    this.register(
      vscode.window.registerWebviewPanelSerializer(METRICS_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state) => this.restore(panel, state, 'metrics'),
      }),
    );
    this.register(
      registry.onDidChangeProductions(() => {
        const alive = new Set(registry.all());
        for (const [p, panel] of this.storyboards) if (!alive.has(p)) panel.host.options.panel.dispose();
        for (const [p, panel] of this.metrics) if (!alive.has(p)) panel.host.options.panel.dispose();
      }),
    );
    this.register({
      dispose: () => {
        for (const p of this.storyboards.values()) p.dispose();
        for (const p of this.metrics.values()) p.dispose();
      },
    });
  }

  storyboard(production: Production): StoryboardPanel {
    const open = this.storyboards.get(production);
    if (open) {
      open.reveal();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      STORYBOARD_VIEW_TYPE,
      `Storyboard · ${production.label}`,
      vscode.ViewColumn.Active,
      { enableScripts: true },
    );
    return this.adoptStoryboard(production, panel);
  }

  async metricsPanel(production: Production): Promise<MetricsPanel> {
    const open = this.metrics.get(production);
    if (open) {
      open.reveal();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      METRICS_VIEW_TYPE,
      `Metrics · ${production.label}`,
      vscode.ViewColumn.Beside,
      { enableScripts: true },
    );
    return this.adoptMetrics(production, panel);
  }

  openStoryboards(): StoryboardPanel[] {
    return [...this.storyboards.values()];
  }

  openMetrics(): MetricsPanel[] {
    return [...this.metrics.values()];
  }

  private adoptStoryboard(production: Production, panel: vscode.WebviewPanel): StoryboardPanel {
    const sb = new StoryboardPanel(production, panel, this.extensionUri, this.actions);
    this.storyboards.set(production, sb);
    // Closing the tab disposes the host; the panel's own listeners and timers go with it.
    sb.host.onDidDispose(() => {
      this.storyboards.delete(production);
      sb.dispose();
    });
    return sb;
  }

  private async adoptMetrics(production: Production, panel: vscode.WebviewPanel): Promise<MetricsPanel> {
    const engine = await production.engine();
    await engine.open();
    const mp = new MetricsPanel(production, engine.metrics, panel, this.extensionUri);
    this.metrics.set(production, mp);
    mp.host.onDidDispose(() => {
      this.metrics.delete(production);
      mp.dispose();
    });
    return mp;
  }

  private async restore(
    panel: vscode.WebviewPanel,
    state: unknown,
    kind: 'storyboard' | 'metrics',
  ): Promise<void> {
    await this.registry.whenReady();
    const file =
      typeof state === 'object' && state !== null && 'projectFile' in state
        ? String((state as { projectFile: unknown }).projectFile)
        : undefined;
    const all = this.registry.all();
    const production = all.find((p) => p.file === file) ?? (all.length === 1 ? all[0] : undefined);
    if (!production) {
      panel.dispose();
      return;
    }
    if (kind === 'storyboard') this.adoptStoryboard(production, panel);
    else await this.adoptMetrics(production, panel);
  }
}
