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
        for (const [p, panel] of this.storyboards) if (!alive.has(p)) panel.host.close();
        for (const [p, panel] of this.metrics) if (!alive.has(p)) panel.host.close();
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
      // Kept alive while hidden: a big board is not rebuilt on every tab switch, and the host sends it
      // only what changed meanwhile (StoryboardSync).
      { enableScripts: true, retainContextWhenHidden: true },
    );
    return this.adoptStoryboard(production, panel);
  }

  async metricsPanel(production: Production): Promise<MetricsPanel | undefined> {
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

  private async adoptMetrics(
    production: Production,
    panel: vscode.WebviewPanel,
  ): Promise<MetricsPanel | undefined> {
    // The engine may take a while to start: a panel closed meanwhile must not be touched (it throws).
    const engine = await whileOpen(panel, async () => {
      const e = await production.engine();
      await e.open();
      return e;
    });
    if (!engine) return undefined;
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
    if (!(await whileOpen(panel, () => this.registry.whenReady().then(() => true)))) return;
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

/** Runs `work`; undefined when the panel was closed before it finished. */
async function whileOpen<T>(panel: vscode.WebviewPanel, work: () => Promise<T>): Promise<T | undefined> {
  let closed = false;
  const sub = panel.onDidDispose(() => {
    closed = true;
  });
  try {
    const result = await work();
    return closed ? undefined : result;
  } finally {
    sub.dispose();
  }
}
