// Which production and shots a command acts on: a tree node (or the tree's multi-selection), explicit
// ids from a webview, the shot under the cursor in project.json, or a production the user picks. For
// palette commands, what "selected" means is decided in selection.ts.
import * as vscode from 'vscode';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import type { ShotsNode } from '../views/shotsTree';

export interface ShotTarget {
  production: Production;
  shotIds?: string[];
}

export function isNode(v: unknown): v is ShotsNode {
  return typeof v === 'object' && v !== null && 'kind' in v && 'production' in v;
}

/** `(clicked, selected[])` as VS Code passes them for tree context commands. */
export function fromNodes(clicked: unknown, selected: unknown): ShotTarget[] {
  const nodes = (Array.isArray(selected) && selected.length ? selected : [clicked]).filter(isNode);
  const byProduction = new Map<Production, Set<string> | undefined>();
  for (const n of nodes) {
    if (n.kind === 'production') byProduction.set(n.production, undefined);
    else if (byProduction.has(n.production) && byProduction.get(n.production) === undefined) continue;
    else {
      const set = byProduction.get(n.production) ?? new Set<string>();
      if (n.kind === 'shot' || n.kind === 'variation') set.add(n.shotId);
      else for (const s of n.production.state.shotsInScene(n.sceneId)) set.add(s.id);
      byProduction.set(n.production, set);
    }
  }
  return [...byProduction].map(([production, ids]) => ({ production, shotIds: ids ? [...ids] : undefined }));
}

/** The shot whose object contains the cursor in an open project.json. */
export function shotAtCursor(registry: ProductionRegistry): ShotTarget | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const production = registry.get(editor.document.uri);
  if (!production) return undefined;
  const line = editor.selection.active.line;
  let best: { id: string; line: number } | undefined;
  for (const s of production.state.all()) {
    if (s.line >= 0 && s.line <= line && (!best || s.line > best.line)) best = { id: s.id, line: s.line };
  }
  return { production, shotIds: best ? [best.id] : undefined };
}

export async function pickProduction(
  registry: ProductionRegistry,
  placeHolder = 'Choose a production',
): Promise<Production | undefined> {
  await registry.whenReady();
  const active = registry.active();
  if (active) return active;
  const all = registry.all();
  if (all.length === 0) {
    void vscode.window.showInformationMessage(
      'Dailies: no production (a project.json with a "shots" array) in this workspace.',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    all.map((p) => ({ label: p.label, description: vscode.workspace.asRelativePath(p.uri), production: p })),
    { placeHolder },
  );
  return picked?.production;
}
