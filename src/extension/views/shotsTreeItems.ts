// How each row of the Shots view is drawn: production, scene, shot and variation items, their
// descriptions, and the tooltips built on hover (the provider in shotsTree.ts decides when rows refresh).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { circled, LOOSE_SCENE, type ShotView } from '../../core/state/productionState';
import { SHOT_STATE, shotsText, summaryParts } from '../../shared/shotState';
import type { Production } from '../productions/production';
import { appendReviewTooltip, isCircled, reviewSuffix } from './reviewBadges';
import type { ShotsNode } from './shotsTree';

/** Scenes start expanded up to this many shots; beyond, their rows are fetched when opened. */
const EXPAND_UP_TO = 500;

export function shotKey(p: Production, shotId: string): string {
  return `h:${p.file}:${shotId}`;
}

export function productionItem(p: Production): vscode.TreeItem {
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

export function productionTooltip(p: Production): vscode.MarkdownString {
  const md = new vscode.MarkdownString(
    `**${escapeMarkdown(p.label)}**  \n${escapeMarkdown(vscode.workspace.asRelativePath(p.uri))}`,
    true,
  );
  if (p.state.problem) md.appendMarkdown(`\n\n$(error) ${escapeMarkdown(p.state.problem)}`);
  else md.appendMarkdown(`\n\n${escapeMarkdown(summaryParts(p.state.counts()).join(' · '))}`);
  return md;
}

export function sceneItem(node: Extract<ShotsNode, { kind: 'scene' }>): vscode.TreeItem {
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

export function sceneTooltip(node: Extract<ShotsNode, { kind: 'scene' }>): string {
  const counts: Record<string, number> = {};
  const shots = node.production.state.shotsInScene(node.sceneId);
  for (const s of shots) counts[s.status] = (counts[s.status] ?? 0) + 1;
  const parts = Object.entries(counts).map(([s, n]) => `${n} ${SHOT_STATE[s as ShotView['status']].label}`);
  return `${node.title}: ${shotsText(shots.length)} — ${parts.join(', ')}`;
}

/** The dimmed icon of a thumbnail (absolute path), or undefined while it is being made. */
type DimmedIcon = (thumb: string, version: string) => vscode.Uri | undefined;

export function shotItem(p: Production, shot: ShotView | undefined, dimmed: DimmedIcon): vscode.TreeItem {
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

export function variationItem(p: Production, shot: ShotView | undefined, variation: number): vscode.TreeItem {
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

export function shotTooltip(p: Production, shot: ShotView): vscode.MarkdownString {
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
