// Opening things: the storyboard, metrics, the log, a shot's image, its place in project.json.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { shotIdOffset } from '../../core/project/edit';
import { circled } from '../../core/state/productionState';
import type { DailiesLog } from '../log';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import type { Panels } from '../webviews/panels';
import { isNode, pickProduction, shotAtCursor } from './targets';

export async function openImage(
  production: Production,
  shotId: string,
  variation?: number,
): Promise<boolean> {
  const shot = production.state.get(shotId);
  const out =
    variation === undefined
      ? shot && circled(shot)
      : (shot?.outputs.find((o) => o.variation === variation) ?? shot?.outputs[0]);
  if (!out) {
    void vscode.window.showInformationMessage(`Dailies: ${shotId} has no rendered image yet.`);
    return false;
  }
  await vscode.commands.executeCommand(
    'vscode.open',
    vscode.Uri.file(path.join(production.root, out.image)),
    { preview: true, viewColumn: vscode.ViewColumn.Beside },
  );
  return true;
}

export async function revealShot(production: Production, shotId: string): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(production.uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  // The line index may be stale if the file changed since the last refresh: look the shot up in the text
  // (by the parser, so a scene or cast member with the same id is never taken for the shot).
  const offset = shotIdOffset(doc.getText(), shotId);
  if (offset === undefined) return false;
  const start = doc.positionAt(offset);
  editor.selection = new vscode.Selection(start, start);
  editor.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return true;
}

export function registerViewCommands(
  registry: ProductionRegistry,
  panels: Panels,
  log: DailiesLog,
): vscode.Disposable[] {
  const nodeShot = (
    node: unknown,
  ): { production: Production; shotId: string; variation?: number } | undefined => {
    if (isNode(node) && (node.kind === 'shot' || node.kind === 'variation')) {
      return {
        production: node.production,
        shotId: node.shotId,
        variation: node.kind === 'variation' ? node.variation : undefined,
      };
    }
    const cursor = shotAtCursor(registry);
    return cursor?.shotIds?.[0] ? { production: cursor.production, shotId: cursor.shotIds[0] } : undefined;
  };
  const productionOf = async (node: unknown, placeHolder: string) =>
    isNode(node) ? node.production : await pickProduction(registry, placeHolder);
  return [
    vscode.commands.registerCommand('dailies.openStoryboard', async (node?: unknown) => {
      const p = await productionOf(node, 'Open the storyboard of which production?');
      if (p) panels.storyboard(p);
    }),
    vscode.commands.registerCommand('dailies.openMetrics', async (node?: unknown) => {
      const p = await productionOf(node, 'Open the metrics of which production?');
      if (p) await panels.metricsPanel(p);
    }),
    vscode.commands.registerCommand('dailies.showLog', () => log.show()),
    vscode.commands.registerCommand('dailies.openImage', async (node?: unknown) => {
      const t = nodeShot(node);
      if (t) await openImage(t.production, t.shotId, t.variation);
    }),
    vscode.commands.registerCommand('dailies.revealShot', async (node?: unknown) => {
      const t = nodeShot(node);
      if (t) await revealShot(t.production, t.shotId);
    }),
    vscode.commands.registerCommand('dailies.copyPrompt', async (node?: unknown) => {
      const t = nodeShot(node);
      const prompt = t ? t.production.state.get(t.shotId)?.prompt : undefined;
      if (t && prompt) {
        await vscode.env.clipboard.writeText(prompt);
        void vscode.window.setStatusBarMessage(`$(copy) Copied the prompt of ${t.shotId}`, 2500);
      }
    }),
    vscode.commands.registerCommand('dailies.refresh', () => registry.refreshAll()),
    // The status bar item's click: a small menu rather than one fixed action.
    vscode.commands.registerCommand('dailies.statusMenu', async () => {
      const rendering = registry.all().some((p) => p.isRendering);
      const items: (vscode.QuickPickItem & { command: string })[] = [
        { label: '$(layout) Open Storyboard', command: 'dailies.openStoryboard' },
        { label: '$(graph) Open Metrics', command: 'dailies.openMetrics' },
        ...(rendering ? [{ label: '$(debug-stop) Cancel Rendering', command: 'dailies.cancel' }] : []),
        { label: '$(output) Show Log', command: 'dailies.showLog' },
      ];
      const picked = await vscode.window.showQuickPick(items, { title: 'Dailies', placeHolder: 'Dailies' });
      if (picked) await vscode.commands.executeCommand(picked.command);
    }),
  ];
}
