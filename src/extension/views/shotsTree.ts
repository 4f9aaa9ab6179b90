// The Shots view: production → scene → shot → variations. Status shows as the icon (the WebP thumbnail
// once rendered, dimmed while stale), progress in the description ("v2/4 · 12/30"), details and the
// thumbnail in the tooltip. Nodes are cached per id so a progress event refreshes one row, not the whole
// tree.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ShotView } from '../../core/state/productionState';
import type { ShotStatus } from '../../shared/protocol';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { Disposable } from '../util/disposable';
import type { DimmedThumbs } from './dimmedThumbs';

export type ShotsNode =
  | { kind: 'production'; production: Production }
  | { kind: 'scene'; production: Production; sceneId: string | undefined; title: string }
  | { kind: 'shot'; production: Production; shotId: string }
  | { kind: 'variation'; production: Production; shotId: string; variation: number };

const STATUS_ICON: Record<ShotStatus, [string, string | undefined]> = {
  fresh: ['pass', 'testing.iconPassed'],
  done: ['pass-filled', 'testing.iconPassed'],
  cached: ['database', 'testing.iconPassed'],
  stale: ['circle-large-outline', 'list.warningForeground'],
  never: ['circle-large-outline', undefined],
  queued: ['clock', undefined],
  running: ['sync~spin', 'progressBar.background'],
  partial: ['warning', 'list.warningForeground'],
  failed: ['error', 'list.errorForeground'],
  canceled: ['circle-slash', undefined],
  invalid: ['error', 'list.errorForeground'],
};

const STATUS_WORD: Record<ShotStatus, string> = {
  fresh: 'up to date',
  done: 'rendered',
  cached: 'from cache',
  stale: 'stale',
  never: 'not rendered',
  queued: 'queued',
  running: 'rendering',
  partial: 'partly rendered',
  failed: 'failed',
  canceled: 'canceled',
  invalid: 'invalid',
};

export class ShotsTreeProvider extends Disposable implements vscode.TreeDataProvider<ShotsNode> {
  private readonly changed = this.register(new vscode.EventEmitter<ShotsNode | ShotsNode[] | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, ShotsNode>();

  constructor(
    private readonly registry: ProductionRegistry,
    private readonly dimmed?: DimmedThumbs,
  ) {
    super();
    this.register(registry.onDidChangeProductions(() => this.refreshAll()));
    this.register(
      registry.onDidChangeProduction(({ production, ids }) => {
        if (!ids) return this.refreshAll();
        const nodes = ids
          .map((id) => this.nodes.get(shotKey(production, id)))
          .filter((n): n is ShotsNode => n !== undefined);
        if (nodes.length) this.changed.fire(nodes);
      }),
    );
  }

  refreshAll(): void {
    this.nodes.clear();
    this.changed.fire(undefined);
  }

  getChildren(node?: ShotsNode): ShotsNode[] {
    if (!node)
      return this.registry
        .all()
        .map((production) => this.node(`p:${production.file}`, { kind: 'production', production }));
    const { production } = node;
    if (node.kind === 'production') {
      const { state } = production;
      const scenes = state.scenes.filter((s) => state.shotsInScene(s.id).length > 0);
      const loose = state.shotsInScene(undefined).length > 0;
      const nodes: ShotsNode[] = scenes.map((s) =>
        this.node(`s:${production.file}:${s.id}`, {
          kind: 'scene',
          production,
          sceneId: s.id,
          title: s.title,
        }),
      );
      if (loose)
        nodes.push(
          this.node(`s:${production.file}:`, {
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
      const sceneId = production.state.get(node.shotId)?.sceneId;
      const known = production.state.scenes.some((s) => s.id === sceneId);
      return this.nodes.get(`s:${production.file}:${known ? sceneId : ''}`);
    }
    return this.nodes.get(shotKey(production, node.shotId));
  }

  getTreeItem(node: ShotsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'production':
        return productionItem(node.production);
      case 'scene':
        return sceneItem(node);
      case 'shot':
        return shotItem(node.production, node.production.state.get(node.shotId), (thumb, version) =>
          this.dimmed?.icon(thumb, version, () => {
            const n = this.nodes.get(shotKey(node.production, node.shotId));
            if (n) this.changed.fire(n);
          }),
        );
      case 'variation':
        return variationItem(node.production, node.production.state.get(node.shotId), node.variation);
    }
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

function productionItem(p: Production): vscode.TreeItem {
  const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.Expanded);
  const c = p.state.counts();
  const total = p.state.all().length;
  const todo = c.stale + c.never + c.failed + c.partial + c.queued + c.running;
  const batch = p.state.batch();
  item.id = `p:${p.file}`;
  if (p.state.problem) item.description = 'invalid project.json';
  else if (p.isRendering && batch)
    item.description = `${total} shots · rendering ${batch.jobsDone}/${batch.jobsTotal}`;
  else item.description = `${total} shots${todo ? ` · ${todo} to render` : ' · up to date'}`;
  item.tooltip = new vscode.MarkdownString(
    `**${escapeMarkdown(p.label)}**  \n${escapeMarkdown(vscode.workspace.asRelativePath(p.uri))}${p.state.problem ? `\n\n$(error) ${escapeMarkdown(p.state.problem)}` : ''}`,
    true,
  );
  item.iconPath = new vscode.ThemeIcon(
    p.state.problem ? 'error' : p.isRendering ? 'sync~spin' : 'device-camera-video',
  );
  item.contextValue = 'production';
  item.resourceUri = p.uri;
  return item;
}

function sceneItem(node: Extract<ShotsNode, { kind: 'scene' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(node.title, vscode.TreeItemCollapsibleState.Expanded);
  const shots = node.production.state.shotsInScene(node.sceneId);
  const todo = shots.filter(
    (s) => s.status !== 'fresh' && s.status !== 'done' && s.status !== 'cached',
  ).length;
  item.id = `s:${node.production.file}:${node.sceneId ?? ''}`;
  item.description = `${shots.length} shot${shots.length === 1 ? '' : 's'}${todo ? ` · ${todo} to render` : ''}`;
  item.iconPath = new vscode.ThemeIcon('symbol-folder');
  item.contextValue = 'scene';
  return item;
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
  item.id = shotKey(p, shot.id);
  item.description = shotDescription(shot);
  item.tooltip = shotTooltip(p, shot);
  const out = shot.outputs[0];
  const thumb = out?.thumb ? path.join(p.root, out.thumb) : undefined;
  const showThumb = thumb && (shot.status === 'fresh' || shot.status === 'done' || shot.status === 'cached');
  // Stale: the last frame, dimmed (the status icon until the dimmed copy exists).
  const staleThumb = thumb && shot.status === 'stale' ? dimmed(thumb, out?.sha256 ?? '') : undefined;
  if (showThumb) item.iconPath = vscode.Uri.file(thumb);
  else if (staleThumb) item.iconPath = staleThumb;
  else {
    const [icon, color] = STATUS_ICON[shot.status];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  }
  const live = shot.status === 'running' || shot.status === 'queued';
  item.contextValue = `shot.${live ? shot.status : 'idle'}${shot.outputs.length ? '.rendered' : ''}`;
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
  item.accessibilityInformation = { label: `Shot ${shot.id}, ${STATUS_WORD[shot.status]}`, role: 'treeitem' };
  return item;
}

function variationItem(p: Production, shot: ShotView | undefined, variation: number): vscode.TreeItem {
  const out = shot?.outputs.find((o) => o.variation === variation);
  const item = new vscode.TreeItem(`v${variation}`);
  item.id = `v:${p.file}:${shot?.id}:${variation}`;
  item.description = out?.seed !== undefined ? `seed ${out.seed}` : undefined;
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

export function shotDescription(shot: ShotView): string {
  const model = shot.model.split('/').pop() ?? shot.model;
  const pr = shot.progress;
  if (shot.status === 'running' && pr) {
    const step =
      pr.step !== undefined && pr.steps
        ? ` · ${pr.step}/${pr.steps} (${Math.round((pr.step / pr.steps) * 100)}%)`
        : ` · ${pr.state}`;
    return `${model} · v${pr.variation}/${pr.variations}${step}`;
  }
  if (shot.status === 'failed' || shot.status === 'invalid' || shot.status === 'partial')
    return `${STATUS_WORD[shot.status]}: ${shot.reason ?? ''}`;
  const duration =
    shot.durationS !== undefined && (shot.status === 'fresh' || shot.status === 'done')
      ? ` · ${shot.durationS.toFixed(1)}s`
      : '';
  return `${model}${duration}${shot.status === 'fresh' ? '' : ` · ${STATUS_WORD[shot.status]}`}`;
}

/** Width (px) of the thumbnail in a row's hover. */
const HOVER_THUMB_WIDTH = 240;

function shotTooltip(p: Production, shot: ShotView): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  const thumb = shot.outputs[0]?.thumb;
  if (thumb) {
    // Uri.toString() percent-encodes spaces and brackets, so the path cannot break the markdown.
    const uri = vscode.Uri.file(path.join(p.root, thumb)).toString();
    md.appendMarkdown(`![${escapeMarkdown(shot.id)}](${uri}|width=${HOVER_THUMB_WIDTH})\n\n`);
  }
  md.appendMarkdown(
    `**${escapeMarkdown(shot.id)}** — ${STATUS_WORD[shot.status]}${shot.reason ? `: ${escapeMarkdown(shot.reason)}` : ''}\n\n`,
  );
  md.appendText(shot.prompt.length > 400 ? `${shot.prompt.slice(0, 400)}…` : shot.prompt);
  md.appendMarkdown(
    `\n\n$(symbol-method) ${escapeMarkdown(shot.model)} · ${shot.variations} variation${shot.variations === 1 ? '' : 's'}`,
  );
  if (shot.outputs.length)
    md.appendMarkdown(` · ${shot.outputs.length} image${shot.outputs.length === 1 ? '' : 's'}`);
  return md;
}

function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
