// One take viewer per production: created on demand beside the active editor, revealed (and moved to the
// asked-for shot) when open, restored after a window reload, closed with its production.
import * as vscode from 'vscode';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { ProductionPanels } from './productionPanels';
import { VIEWER_VIEW_TYPE, type ViewerActions, ViewerPanel } from './viewerPanel';

export class ViewerPanels extends ProductionPanels<ViewerPanel> {
  constructor(extensionUri: vscode.Uri, registry: ProductionRegistry, actions: ViewerActions) {
    super(VIEWER_VIEW_TYPE, registry, (production, panel, state) => {
      const shotId = typeof state['shotId'] === 'string' ? state['shotId'] : undefined;
      return new ViewerPanel(production, panel, extensionUri, actions, shotId);
    });
  }

  async show(production: Production, shotId?: string): Promise<ViewerPanel> {
    const open = this.get(production);
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
    return this.adopt(production, panel, shotId === undefined ? {} : { shotId });
  }

  open(): ViewerPanel[] {
    return this.all();
  }
}
