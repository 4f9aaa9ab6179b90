// The Shots view: production → scene → shot → variations, in the shared state vocabulary. Status shows as
// the icon (the WebP thumbnail once rendered, dimmed while stale), progress in the description
// ("v2/4 · step 12/30"), details and the thumbnail in a tooltip resolved on hover.
//
// Why refreshes look like this: VS Code debounces a provider's change events by 200 ms and restarts that
// wait on every event, so a provider that fires on every progress event (several a second in any batch)
// is not redrawn until the batch pauses — the tree froze for whole batches. And refreshing a node
// re-fetches its whole subtree. So changes are gathered and fired at most once per REFRESH_GAP_MS (which
// lands each fire outside VS Code's window, so it is drawn at once), per shot row; production and scene
// rows show only what changes with the structure (the live summary is the view's header, like the status
// bar), and only structural changes refresh from the root.
import * as vscode from 'vscode';
import { LOOSE_SCENE } from '../../core/state/productionState';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { Disposable } from '../util/disposable';
import type { DimmedThumbs } from './dimmedThumbs';
import {
  productionItem,
  productionTooltip,
  sceneItem,
  sceneTooltip,
  shotItem,
  shotKey,
  shotTooltip,
  variationItem,
} from './shotsTreeItems';
import { summarize } from './summary';

export type ShotsNode =
  | { kind: 'production'; production: Production }
  | { kind: 'scene'; production: Production; sceneId: string | undefined; title: string }
  | { kind: 'shot'; production: Production; shotId: string }
  | { kind: 'variation'; production: Production; shotId: string; variation: number };

/** Longer than VS Code's 200 ms debounce of tree change events, so every fire is drawn at once. */
const REFRESH_GAP_MS = 220;

/** What a shot row last handed to VS Code (getTreeItem is only called by VS Code after a refresh). */
export interface DeliveredRow {
  file: string;
  shotId: string;
  description: string;
  icon: string;
  status: string;
  at: number;
}

export class ShotsTreeProvider extends Disposable implements vscode.TreeDataProvider<ShotsNode> {
  private readonly changed = this.register(new vscode.EventEmitter<ShotsNode | ShotsNode[] | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, ShotsNode>();
  private readonly pending = new Set<ShotsNode>();
  private pendingRoot = false;
  private timer: NodeJS.Timeout | undefined;
  private lastFire = 0;
  private view: vscode.TreeView<ShotsNode> | undefined;
  private readonly delivered = new Map<string, DeliveredRow>();

  constructor(
    private readonly registry: ProductionRegistry,
    private readonly dimmed?: DimmedThumbs,
  ) {
    super();
    this.register(registry.onDidChangeProductions(() => this.queueRoot()));
    this.register(
      registry.onDidChangeProduction(({ production, ids }) => {
        if (!ids) return this.queueRoot();
        for (const id of ids) {
          // A row VS Code never fetched has nothing to refresh; it is drawn fresh when its scene opens.
          const node = this.nodes.get(shotKey(production, id));
          if (node) this.pending.add(node);
        }
        this.schedule();
      }),
    );
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  /** The view whose header shows the live summary. */
  attach(view: vscode.TreeView<ShotsNode>): void {
    this.view = view;
    this.updateHeader();
  }

  refreshAll(): void {
    this.queueRoot();
  }

  /** Rows as VS Code last received them, for the in-host tests. */
  deliveredRows(): DeliveredRow[] {
    return [...this.delivered.values()];
  }

  private queueRoot(): void {
    this.pendingRoot = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, this.lastFire + REFRESH_GAP_MS - Date.now()));
  }

  private flush(): void {
    this.timer = undefined;
    this.lastFire = Date.now();
    this.updateHeader();
    if (this.pendingRoot) {
      this.pendingRoot = false;
      this.pending.clear();
      this.nodes.clear();
      this.delivered.clear();
      this.changed.fire(undefined);
      return;
    }
    if (this.pending.size === 0) return;
    const nodes = [...this.pending];
    this.pending.clear();
    this.changed.fire(nodes);
  }

  private updateHeader(): void {
    if (!this.view) return;
    const text = summarize(this.registry.all()).text || undefined;
    // Each assignment is a message to the workbench: only when the words change.
    if (this.view.description !== text) this.view.description = text;
  }

  getChildren(node?: ShotsNode): ShotsNode[] {
    if (!node)
      return this.registry
        .all()
        .map((production) => this.node(`p:${production.file}`, { kind: 'production', production }));
    const { production } = node;
    if (node.kind === 'production') {
      const { state } = production;
      const nodes: ShotsNode[] = state.scenes
        .filter((s) => state.shotsInScene(s.id).length > 0)
        .map((s) =>
          this.node(`s:${production.file}:${s.id}`, {
            kind: 'scene',
            production,
            sceneId: s.id,
            title: s.title,
          }),
        );
      if (state.shotsInScene(undefined).length > 0)
        nodes.push(
          this.node(`s:${production.file}:${LOOSE_SCENE}`, {
            kind: 'scene',
            production,
            sceneId: undefined,
            title: 'Shots without a scene',
          }),
        );
      return nodes;
    }
    if (node.kind === 'scene') {
      return production.state
        .shotsInScene(node.sceneId)
        .map((s) => this.node(shotKey(production, s.id), { kind: 'shot', production, shotId: s.id }));
    }
    if (node.kind === 'shot') {
      const shot = production.state.get(node.shotId);
      if (!shot || shot.variations < 2) return [];
      return shot.outputs.map((o) =>
        this.node(`v:${production.file}:${shot.id}:${o.variation}`, {
          kind: 'variation',
          production,
          shotId: shot.id,
          variation: o.variation,
        }),
      );
    }
    return [];
  }

  getParent(node: ShotsNode): ShotsNode | undefined {
    const { production } = node;
    if (node.kind === 'production') return undefined;
    if (node.kind === 'scene') return this.nodes.get(`p:${production.file}`);
    if (node.kind === 'shot') {
      const key = production.state.sceneKey(node.shotId) ?? LOOSE_SCENE;
      return this.nodes.get(`s:${production.file}:${key}`);
    }
    return this.nodes.get(shotKey(production, node.shotId));
  }

  /** Called by VS Code (and only by it): what it gets here is what the view shows. */
  getTreeItem(node: ShotsNode): vscode.TreeItem {
    const item = this.itemFor(node);
    if (node.kind === 'shot') {
      const shot = node.production.state.get(node.shotId);
      this.delivered.set(shotKey(node.production, node.shotId), {
        file: node.production.file,
        shotId: node.shotId,
        description: typeof item.description === 'string' ? item.description : '',
        icon: iconName(item.iconPath),
        status: shot?.status ?? '',
        at: Date.now(),
      });
    }
    return item;
  }

  /** The item as it would be drawn now (the tests' snapshot; not recorded as delivered). */
  itemFor(node: ShotsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'production':
        return productionItem(node.production);
      case 'scene':
        return sceneItem(node);
      case 'shot':
        return shotItem(node.production, node.production.state.get(node.shotId), (thumb, version) =>
          // Made in the background: the row is refreshed (with the next batch of rows) once it exists.
          this.dimmed?.icon(thumb, version, () => {
            const n = this.nodes.get(shotKey(node.production, node.shotId));
            if (n) {
              this.pending.add(n);
              this.schedule();
            }
          }),
        );
      case 'variation':
        return variationItem(node.production, node.production.state.get(node.shotId), node.variation);
    }
  }

  /** Tooltips are built on hover, not for each of 10,000 rows up front; they are current when shown. */
  resolveTreeItem(item: vscode.TreeItem, node: ShotsNode): vscode.TreeItem {
    if (node.kind === 'shot') {
      const shot = node.production.state.get(node.shotId);
      if (shot) item.tooltip = shotTooltip(node.production, shot);
    } else if (node.kind === 'production') item.tooltip = productionTooltip(node.production);
    else if (node.kind === 'scene') item.tooltip = sceneTooltip(node);
    return item;
  }

  /** The node of a shot (for reveal from the storyboard or an editor). */
  shotNode(production: Production, shotId: string): ShotsNode {
    return this.node(shotKey(production, shotId), { kind: 'shot', production, shotId });
  }

  private node(key: string, fresh: ShotsNode): ShotsNode {
    let n = this.nodes.get(key);
    if (!n) {
      n = fresh;
      this.nodes.set(key, n);
    }
    return n;
  }
}

function iconName(icon: vscode.TreeItem['iconPath']): string {
  if (icon instanceof vscode.ThemeIcon) return icon.id;
  if (icon instanceof vscode.Uri) return `file:${icon.path.split('/').pop()}`;
  return '';
}
