// "Dailies: Build Animatic" (opens the Cut panel and cuts, with a cancellable progress notification) and
// "Dailies: Open Cut". The build command resolves with the result, so tests and other extensions can await
// it; notifications are never awaited.
import * as vscode from 'vscode';
import type { AnimaticResult } from '../../core/cut/build';
import { toDailiesError } from '../../core/util/errors';
import { Animatics } from '../cut/animatics';
import type { DailiesLog } from '../log';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { CutPanels } from '../webviews/cutPanel';
import { isNode, pickProduction } from './targets';

export interface AnimaticDeps {
  registry: ProductionRegistry;
  log: DailiesLog;
  extensionUri: vscode.Uri;
}

/** Double-click in the strip: the same command as the Shots tree's "Reveal in project.json". */
async function reveal(production: Production, shotId: string): Promise<boolean> {
  await vscode.commands.executeCommand('dailies.revealShot', { kind: 'shot', production, shotId });
  return true;
}

export function registerAnimaticCommands(deps: AnimaticDeps): vscode.Disposable[] {
  const animatics = new Animatics(deps.registry, deps.log);
  const panels = new CutPanels(deps.extensionUri, deps.registry, animatics, {
    build: (production) => void buildWithProgress(animatics, production),
    reveal,
  });
  const productionOf = async (arg: unknown, placeHolder: string): Promise<Production | undefined> => {
    if (isNode(arg)) return arg.production;
    // `{ projectFile }` from another extension or a test.
    const file =
      typeof arg === 'object' && arg !== null && 'projectFile' in arg
        ? String((arg as { projectFile: unknown }).projectFile)
        : undefined;
    if (file) {
      await deps.registry.whenReady();
      return deps.registry.all().find((p) => p.file === file);
    }
    return pickProduction(deps.registry, placeHolder);
  };
  return [
    animatics,
    panels,
    vscode.commands.registerCommand('dailies.buildAnimatic', async (arg?: unknown) => {
      const production = await productionOf(arg, 'Build the animatic of which production?');
      if (!production) return undefined;
      panels.open(production);
      return buildWithProgress(animatics, production);
    }),
    vscode.commands.registerCommand('dailies.openCut', async (arg?: unknown) => {
      const production = await productionOf(arg, 'Open the cut of which production?');
      if (production) panels.open(production);
    }),
  ];
}

async function buildWithProgress(
  animatics: Animatics,
  production: Production,
): Promise<AnimaticResult | undefined> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Dailies: cutting the animatic of ${production.label}`,
      cancellable: true,
    },
    async (progress, token) => {
      const controller = new AbortController();
      const onCancel = token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      const sub = animatics.onDidChange((c) => {
        if (c.production !== production) return;
        const e = c.event;
        if (e.type === 'progress') {
          const pct = Math.round((e.framesTotal ? e.framesDone / e.framesTotal : 1) * 100);
          progress.report({
            increment: Math.max(0, pct - reported),
            message: e.phase === 'joining' ? 'joining segments…' : `encoding ${e.shotId ?? ''}…`,
          });
          reported = Math.max(reported, pct);
        } else if (e.type === 'start') {
          progress.report({ message: `${e.toEncode.length} of ${e.shots} segments to encode` });
        }
      });
      try {
        const result = await animatics.build(production, controller.signal);
        const where = vscode.workspace.asRelativePath(result.file);
        void vscode.window.setStatusBarMessage(
          `$(device-camera-video) Dailies: ${where} (${result.encoded.length} encoded, ${result.reused.length} reused)`,
          5000,
        );
        return result;
      } catch (err) {
        const error = toDailiesError(err);
        if (error.code !== 'canceled') {
          void vscode.window
            .showErrorMessage(
              `Dailies: animatic not built — ${error.message}. The previous animatic is kept.`,
              'Show Log',
            )
            .then((pick) => pick && vscode.commands.executeCommand('dailies.showLog'));
        }
        return undefined;
      } finally {
        sub.dispose();
        onCancel.dispose();
      }
    },
  );
}
