// What "selected" means for a command run from the palette (or a key binding), which VS Code calls with
// no arguments: the selection the user made last — in the Shots tree, in a storyboard, or the shot under
// the cursor in project.json. With none of those, the user picks shots in a quick pick.
import * as vscode from 'vscode';
import type { DailiesLog } from '../log';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { Disposable } from '../util/disposable';
import type { ShotsNode } from '../views/shotsTree';
import { fromNodes, type ShotTarget, shotAtCursor } from './targets';

interface Pick {
  at: number;
  /** The targets as they are now (undefined once that surface has nothing selected). */
  current(): ShotTarget[] | undefined;
}

export class SelectionTracker extends Disposable {
  private tree: Pick | undefined;
  private editor: Pick | undefined;
  private readonly storyboards = new Map<Production, Pick>();
  private clock = 0;

  constructor(
    private readonly registry: ProductionRegistry,
    view: vscode.TreeView<ShotsNode>,
    readonly log: DailiesLog,
  ) {
    super();
    this.register(
      view.onDidChangeSelection((e) => {
        // A click that lands while the tree redraws (after a refresh) arrives with no elements: the tree is
        // still the latest selection, read again from the view when a command needs it.
        const picked = fromNodes(undefined, e.selection);
        this.tree = {
          at: this.tick(),
          current: () => this.live(fromNodes(undefined, view.selection)) ?? this.live(picked),
        };
        this.trace('tree', picked);
      }),
    );
    this.register(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!registry.get(e.textEditor.document.uri)) return;
        this.editor = { at: this.tick(), current: () => cursorTarget(registry) };
      }),
    );
    this.register(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && registry.get(editor.document.uri))
          this.editor = { at: this.tick(), current: () => cursorTarget(registry) };
      }),
    );
  }

  /** A storyboard's selection changed (the webview reports it); an empty list clears it. */
  storyboardSelected(production: Production, shotIds: string[]): void {
    if (!shotIds.length) {
      this.storyboards.delete(production);
      return;
    }
    const ids = [...shotIds];
    this.trace('storyboard', [{ production, shotIds: ids }]);
    this.storyboards.set(production, {
      at: this.tick(),
      current: () => {
        if (!this.registry.all().includes(production)) return undefined;
        const known = ids.filter((id) => production.state.get(id));
        return known.length ? [{ production, shotIds: known }] : undefined;
      },
    });
  }

  storyboardClosed(production: Production): void {
    this.storyboards.delete(production);
  }

  /** The most recent selection that still holds shots, or undefined. */
  latest(): ShotTarget[] | undefined {
    const picks = [this.tree, this.editor, ...this.storyboards.values()]
      .filter((p): p is Pick => p !== undefined)
      .sort((a, b) => b.at - a.at);
    for (const p of picks) {
      const targets = p.current();
      if (targets?.length) {
        this.trace('palette command takes', targets);
        return targets;
      }
    }
    this.trace('palette command takes', []);
    return undefined;
  }

  private trace(what: string, targets: ShotTarget[]): void {
    const text = targets.map((t) => `${t.production.label}: ${t.shotIds?.join(', ') ?? 'all'}`).join('; ');
    this.log.write('debug', 'EXT', `selection ${what}: ${text || 'nothing'}`);
  }

  /** Drops what no longer exists: a production closed or removed, a shot deleted since it was selected. */
  private live(targets: ShotTarget[]): ShotTarget[] | undefined {
    const alive = new Set(this.registry.all());
    const out = targets.flatMap((t) => {
      if (!alive.has(t.production)) return [];
      if (!t.shotIds) return [t];
      const ids = t.shotIds.filter((id) => t.production.state.get(id));
      return ids.length ? [{ production: t.production, shotIds: ids }] : [];
    });
    return out.length ? out : undefined;
  }

  private tick(): number {
    return ++this.clock;
  }
}

/** The shot under the cursor, while the active editor is a production's project.json. */
function cursorTarget(registry: ProductionRegistry): ShotTarget[] | undefined {
  const t = shotAtCursor(registry);
  return t?.shotIds?.length ? [t] : undefined;
}

/** Nothing selected anywhere: the user picks the shots (of the production they pick, if several). */
export async function pickShots(
  log: DailiesLog,
  title: string,
  pickProduction: () => Promise<Production | undefined>,
): Promise<ShotTarget[]> {
  const production = await pickProduction();
  if (!production) return [];
  const picked = await vscode.window.showQuickPick(
    production.state.all().map((s) => ({
      label: s.id,
      description: s.status,
      detail: s.prompt.length > 120 ? `${s.prompt.slice(0, 119)}…` : s.prompt,
      id: s.id,
    })),
    { title, placeHolder: 'Nothing is selected: choose the shots', canPickMany: true, matchOnDetail: true },
  );
  log.write('debug', 'EXT', `selection picked: ${picked?.map((p) => p.id).join(', ') || 'nothing'}`);
  return picked?.length ? [{ production, shotIds: picked.map((p) => p.id) }] : [];
}
