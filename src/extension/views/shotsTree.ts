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
import * as path from 'node:path';
import * as vscode from 'vscode';
import { circled, LOOSE_SCENE, type ShotView } from '../../core/state/productionState';
import { SHOT_STATE, shotsText, summaryParts } from '../../shared/shotState';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { Disposable } from '../util/disposable';
import type { DimmedThumbs } from './dimmedThumbs';
import { appendReviewTooltip, isCircled, reviewSuffix } from './reviewBadges';
import { summarize } from './summary';

export type ShotsNode =
  | { kind: 'production'; production: Production }
  | { kind: 'scene'; production: Production; sceneId: string | undefined; title: string }
  | { kind: 'shot'; production: Production; shotId: string }
  | { kind: 'variation'; production: Production; shotId: string; variation: number };

/** Longer than VS Code's 200 ms debounce of tree change events, so every fire is drawn at once. */
const REFRESH_GAP_MS = 220;
/** Scenes start expanded up to this many shots; beyond, their rows are fetched when opened. */
const EXPAND_UP_TO = 500;

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

function shotKey(p: Production, shotId: string): string {
  return `h:${p.file}:${shotId}`;
}

function iconName(icon: vscode.TreeItem['iconPath']): string {
  if (icon instanceof vscode.ThemeIcon) return icon.id;
  if (icon instanceof vscode.Uri) return `file:${icon.path.split('/').pop()}`;
  return '';
}

function productionItem(p: Production): vscode.TreeItem {
  const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `p:${p.file}`;
  item.description = p.state.problem ? 'invalid project.json' : shotsText(p.state.size);
  item.iconPath = new vscode.ThemeIcon(
    p.state.problem ? 'error' : 'device-camera-video',
    p.state.problem ? new vscode.ThemeColor('list.errorForeground') : undefined,
  );
  item.contextValue = 'production';
  item.resourceUri = p.uri;
  return item;
}

function productionTooltip(p: Production): vscode.MarkdownString {
  const md = new vscode.MarkdownString(
    `**${escapeMarkdown(p.label)}**  \n${escapeMarkdown(vscode.workspace.asRelativePath(p.uri))}`,
    true,
  );
  if (p.state.problem) md.appendMarkdown(`\n\n$(error) ${escapeMarkdown(p.state.problem)}`);
  else md.appendMarkdown(`\n\n${escapeMarkdown(summaryParts(p.state.counts()).join(' · '))}`);
  return md;
}

function sceneItem(node: Extract<ShotsNode, { kind: 'scene' }>): vscode.TreeItem {
  const n = node.production.state.shotsInScene(node.sceneId).length;
  const item = new vscode.TreeItem(
    node.title,
    node.production.state.size <= EXPAND_UP_TO
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = `s:${node.production.file}:${node.sceneId ?? LOOSE_SCENE}`;
  item.description = shotsText(n);
  item.iconPath = new vscode.ThemeIcon('symbol-folder');
  item.contextValue = 'scene';
  return item;
}

function sceneTooltip(node: Extract<ShotsNode, { kind: 'scene' }>): string {
  const counts: Record<string, number> = {};
  const shots = node.production.state.shotsInScene(node.sceneId);
  for (const s of shots) counts[s.status] = (counts[s.status] ?? 0) + 1;
  const parts = Object.entries(counts).map(([s, n]) => `${n} ${SHOT_STATE[s as ShotView['status']].label}`);
  return `${node.title}: ${shotsText(shots.length)} — ${parts.join(', ')}`;
}

/** The dimmed icon of a thumbnail (absolute path), or undefined while it is being made. */
type DimmedIcon = (thumb: string, version: string) => vscode.Uri | undefined;

function shotItem(p: Production, shot: ShotView | undefined, dimmed: DimmedIcon): vscode.TreeItem {
  if (!shot) return new vscode.TreeItem('(removed)');
  const item = new vscode.TreeItem(
    shot.id,
    shot.variations > 1 && shot.outputs.length > 1
      ? vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None,
  );
  const info = SHOT_STATE[shot.status];
  item.id = shotKey(p, shot.id);
  item.description = shotDescription(shot) + reviewSuffix(shot);
  const out = circled(shot);
  const thumb = out?.thumb ? path.join(p.root, out.thumb) : undefined;
  // Stale: the last frame, dimmed (the status icon until the dimmed copy exists).
  const staleThumb = thumb && shot.status === 'stale' ? dimmed(thumb, out?.sha256 ?? '') : undefined;
  if (thumb && (shot.status === 'done' || shot.status === 'cached')) item.iconPath = vscode.Uri.file(thumb);
  else if (staleThumb) item.iconPath = staleThumb;
  else
    item.iconPath = new vscode.ThemeIcon(
      info.icon,
      info.color ? new vscode.ThemeColor(info.color) : undefined,
    );
  item.contextValue = `shot.${info.live ? shot.status : 'idle'}${shot.outputs.length ? '.rendered' : ''}`;
  item.command = shot.outputs.length
    ? {
        command: 'dailies.openImage',
        title: 'Open Image',
        arguments: [{ kind: 'shot', production: p, shotId: shot.id }],
      }
    : {
        command: 'dailies.revealShot',
        title: 'Reveal in project.json',
        arguments: [{ kind: 'shot', production: p, shotId: shot.id }],
      };
  item.accessibilityInformation = { label: `Shot ${shot.id}, ${info.label}`, role: 'treeitem' };
  return item;
}

function variationItem(p: Production, shot: ShotView | undefined, variation: number): vscode.TreeItem {
  const out = shot?.outputs.find((o) => o.variation === variation);
  const item = new vscode.TreeItem(`v${variation}`);
  item.id = `v:${p.file}:${shot?.id}:${variation}`;
  const seed = out?.seed !== undefined ? `seed ${out.seed}` : '';
  item.description = isCircled(shot, variation) ? `circled${seed ? ` · ${seed}` : ''}` : seed || undefined;
  item.iconPath = out?.thumb
    ? vscode.Uri.file(path.join(p.root, out.thumb))
    : new vscode.ThemeIcon('file-media');
  item.contextValue = 'variation';
  item.command = {
    command: 'dailies.openImage',
    title: 'Open Image',
    arguments: [{ kind: 'variation', production: p, shotId: shot?.id, variation }],
  };
  return item;
}

/** "storyboard · v2/3 · step 12/24", "storyboard · done · 2.4s", "failed: <why>". */
export function shotDescription(shot: ShotView): string {
  const model = shot.model.split('/').pop() ?? shot.model;
  const label = SHOT_STATE[shot.status].label;
  const pr = shot.progress;
  if (shot.status === 'running' && pr) {
    const step = pr.step !== undefined && pr.steps ? `step ${pr.step}/${pr.steps}` : pr.state;
    return `${model} · v${pr.variation}/${pr.variations} · ${step}`;
  }
  if (shot.status === 'failed' || shot.status === 'invalid') return `${label}: ${shot.reason ?? ''}`;
  const duration =
    shot.durationS !== undefined && shot.status === 'done' ? ` · ${shot.durationS.toFixed(1)}s` : '';
  return `${model} · ${label}${duration}`;
}

/** Width (px) of the thumbnail in a row's hover. */
const HOVER_THUMB_WIDTH = 240;

function shotTooltip(p: Production, shot: ShotView): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  const thumb = circled(shot)?.thumb;
  if (thumb) {
    // Uri.toString() percent-encodes spaces and brackets, so the path cannot break the markdown.
    const uri = vscode.Uri.file(path.join(p.root, thumb)).toString();
    md.appendMarkdown(`![${escapeMarkdown(shot.id)}](${uri}|width=${HOVER_THUMB_WIDTH})\n\n`);
  }
  md.appendMarkdown(
    `**${escapeMarkdown(shot.id)}** — ${SHOT_STATE[shot.status].label}${shot.reason ? `: ${escapeMarkdown(shot.reason)}` : ''}\n\n`,
  );
  md.appendText(shot.prompt.length > 400 ? `${shot.prompt.slice(0, 400)}…` : shot.prompt);
  md.appendMarkdown(
    `\n\n$(symbol-method) ${escapeMarkdown(shot.model)} · ${shot.variations} variation${shot.variations === 1 ? '' : 's'}`,
  );
  if (shot.outputs.length)
    md.appendMarkdown(` · ${shot.outputs.length} image${shot.outputs.length === 1 ? '' : 's'}`);
  appendReviewTooltip(md, shot, escapeMarkdown);
  return md;
}

function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
