// One webview panel of a kind per production: the panels by production, a panel closed along with its
// production, panels restored after a window reload (matched by the project file the page saved, or the
// only production), and all of them disposed with the extension. The Cut and take viewer panels share
// this; each kind says how it makes a panel.
import * as vscode from 'vscode';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { Disposable } from '../util/disposable';

export interface ProductionPanel {
  readonly host: { close(): void; readonly onDidDispose: vscode.Event<void> };
  dispose(): void;
}

/** What a page saved with vscode.setState (its production's file, and whatever else it keeps). */
export type PanelState = Record<string, unknown>;

export class ProductionPanels<P extends ProductionPanel> extends Disposable {
  private readonly panels = new Map<Production, P>();

  constructor(
    viewType: string,
    private readonly registry: ProductionRegistry,
    private readonly make: (production: Production, panel: vscode.WebviewPanel, state: PanelState) => P,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(viewType, {
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

  get(production: Production): P | undefined {
    return this.panels.get(production);
  }

  all(): P[] {
    return [...this.panels.values()];
  }

  /** Makes the production's panel in `panel` (a new one, or one VS Code restored). */
  protected adopt(production: Production, panel: vscode.WebviewPanel, state: PanelState = {}): P {
    const made = this.make(production, panel, state);
    this.panels.set(production, made);
    made.host.onDidDispose(() => {
      this.panels.delete(production);
      made.dispose();
    });
    return made;
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    await this.registry.whenReady();
    const s: PanelState = typeof state === 'object' && state !== null ? (state as PanelState) : {};
    const all = this.registry.all();
    const production =
      all.find((p) => p.file === s['projectFile']) ?? (all.length === 1 ? all[0] : undefined);
    if (!production || this.panels.has(production)) {
      panel.dispose();
      return;
    }
    this.adopt(production, panel, s);
  }
}
