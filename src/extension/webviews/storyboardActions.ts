// What the storyboard's requests do in the workbench. Images open in one preview tab beside the board and
// focus stays on the board (its arrow keys keep working); whole-production renders go through the same
// commands as the palette, so they ask before spending exactly as the palette does.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { circled } from '../../core/state/productionState';

import { revealShot } from '../commands/viewCommands';
import type { Production } from '../productions/production';
import type { ShotsNode, ShotsTreeProvider } from '../views/shotsTree';
import type { StoryboardActions } from './storyboardPanel';

export interface StoryboardActionDeps {
  /** Renders explicit shots through the host's render path (renderTargets). */
  render(production: Production, shotIds: string[], force: boolean): void;
  /** The storyboard's selection, for palette commands that act on "the selected shots". */
  select(production: Production, shotIds: string[]): void;
  tree: ShotsTreeProvider;
  view: vscode.TreeView<ShotsNode>;
}

export function storyboardActions(deps: StoryboardActionDeps): StoryboardActions {
  return {
    render: deps.render,
    select: deps.select,
    runCommand: (production, command) => {
      const node: ShotsNode = { kind: 'production', production };
      // Not awaited: a command resolves only when its batch (and its notification) is over.
      vscode.commands.executeCommand(command, node).then(undefined, (err: unknown) => {
        void vscode.window.showErrorMessage(`Dailies: ${err instanceof Error ? err.message : String(err)}`);
      });
    },
    openImage: async (production, shotId, variation) => {
      const shot = production.state.get(shotId);
      const out =
        variation === undefined
          ? shot && circled(shot)
          : (shot?.outputs.find((o) => o.variation === variation) ?? shot?.outputs[0]);
      if (!out) {
        void vscode.window.showInformationMessage(`Dailies: ${shotId} has no rendered image yet.`);
        return false;
      }
      // Beside the active group (the board's), as a preview: the next image replaces this one.
      await vscode.commands.executeCommand(
        'vscode.open',
        vscode.Uri.file(path.join(production.root, out.image)),
        {
          preview: true,
          preserveFocus: true,
          viewColumn: vscode.ViewColumn.Beside,
        } satisfies vscode.TextDocumentShowOptions,
      );
      return true;
    },
    reveal: async (production, shotId) => {
      const ok = await revealShot(production, shotId);
      // The tree follows along, without taking focus from the editor.
      if (ok) {
        void deps.view
          .reveal(deps.tree.shotNode(production, shotId), { select: true, focus: false })
          .then(undefined, () => undefined);
      }
      return ok;
    },
    revealInTree: async (production, shotId) => {
      if (!production.state.get(shotId)) return false;
      await deps.view.reveal(deps.tree.shotNode(production, shotId), {
        select: true,
        focus: true,
        expand: true,
      });
      return true;
    },
    copyPrompt: async (production, shotId) => {
      const prompt = production.state.get(shotId)?.prompt;
      if (prompt === undefined) return false;
      await vscode.env.clipboard.writeText(prompt);
      void vscode.window.setStatusBarMessage(`$(copy) Copied the prompt of ${shotId}`, 2500);
      return true;
    },
  };
}
