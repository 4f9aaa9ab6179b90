// One take viewer per production: created on demand beside the active editor, revealed (and moved to the
// asked-for shot) when open, restored after a window reload, closed with its production.
import * as vscode from 'vscode';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { Disposable } from '../util/disposable';
import { VIEWER_VIEW_TYPE, type ViewerActions, ViewerPanel } from './viewerPanel';

export class ViewerPanels extends Disposable {
  private readonly panels = new Map<Production, ViewerPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly registry: ProductionRegistry,
    private readonly actions: ViewerActions,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(VIEWER_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state) => this.restore(panel, state),
      }),
    );
    this.register(
      registry.onDidChangeProductions(() => {
        const alive = new Set(registry.all());
        for (const [p, panel] of this.panels) if (!alive.has(p)) panel.host.close();
      }),
    );
    this.register({
      dispose: () => {
        for (const p of this.panels.values()) p.dispose();
      },
    });
  }

  async show(production: Production, shotId?: string): Promise<ViewerPanel> {
    const open = this.panels.get(production);
    if (open) {
      await open.show(shotId);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      VIEWER_VIEW_TYPE,
      `Takes · ${production.label}`,
      vscode.ViewColumn.Active,
      { enableScripts: true, retainContextWhenHidden: true },
    );
    return this.adopt(production, panel, shotId);
  }

  open(): ViewerPanel[] {
    return [...this.panels.values()];
  }

  private adopt(production: Production, panel: vscode.WebviewPanel, shotId?: string): ViewerPanel {
    const viewer = new ViewerPanel(production, panel, this.extensionUri, this.actions, shotId);
    this.panels.set(production, viewer);
    viewer.host.onDidDispose(() => {
      this.panels.delete(production);
      viewer.dispose();
    });
    return viewer;
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    await this.registry.whenReady();
    const s = typeof state === 'object' && state !== null ? (state as Record<string, unknown>) : {};
    const all = this.registry.all();
    const production =
      all.find((p) => p.file === s['projectFile']) ?? (all.length === 1 ? all[0] : undefined);
    if (!production || this.panels.has(production)) {
      panel.dispose();
      return;
    }
    this.adopt(production, panel, typeof s['shotId'] === 'string' ? s['shotId'] : undefined);
  }
}
