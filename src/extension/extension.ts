// Activation: wiring only. Everything heavy (sharp, the provider SDKs, the engine) loads on first use.
import * as vscode from 'vscode';
import { configFor, envLayer } from '../core/config';
import { ModelRegistry } from '../core/providers/registry';
import { SharedLimits } from '../core/render/scheduler';
import type { DailiesApi } from './api';
import { registerBatchCommands } from './commands/batchCommands';
import { registerKeyCommands } from './commands/keyCommands';
import { registerRenderCommands, renderTargets } from './commands/renderCommands';
import { SelectionTracker } from './commands/selection';
import { openImage, registerViewCommands, revealShot } from './commands/viewCommands';
import { DailiesLog } from './log';
import { ProjectDiagnostics } from './productions/diagnostics';
import { ProductionRegistry } from './productions/registry';
import { KeyStore } from './secrets';
import { readSettings } from './settings';
import { type ShotsNode, ShotsTreeProvider } from './views/shotsTree';
import { DailiesStatusBar } from './views/statusBar';
import { Panels } from './webviews/panels';

export function activate(context: vscode.ExtensionContext): DailiesApi {
  const started = Date.now();
  const add = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const settings = readSettings();
  const log = add(new DailiesLog());
  log.setLevel(settings.logLevel);
  const keys = add(new KeyStore(context.secrets));
  const diagnostics = add(new ProjectDiagnostics());
  // Settings and env only: request rates and image work are the window's, not one project's.
  const windowConfig = () => configFor({ host: readSettings().layer, hostKind: 'settings', env: envLayer() });
  const shared = new SharedLimits(windowConfig());
  const registry = add(
    new ProductionRegistry({ shared, registry: new ModelRegistry(), keys, log, diagnostics }),
  );
  const tree = add(new ShotsTreeProvider(registry));
  const view = add(
    vscode.window.createTreeView<ShotsNode>('dailies.shots', {
      treeDataProvider: tree,
      canSelectMany: true,
      showCollapseAll: true,
    }),
  );
  const status = add(new DailiesStatusBar(registry));
  const selection = add(new SelectionTracker(registry, view, log));
  const renderDeps = { registry, keys };
  const panels = add(
    new Panels(context.extensionUri, registry, {
      render: (production, shotIds, force) =>
        void renderTargets(renderDeps, [{ production, shotIds }], force),
      openImage,
      select: (production, shotIds) => selection.storyboardSelected(production, shotIds),
      reveal: async (production, shotId) => {
        const ok = await revealShot(production, shotId);
        if (ok)
          void view
            .reveal(tree.shotNode(production, shotId), { select: true, focus: false })
            .then(undefined, () => undefined);
        return ok;
      },
    }),
  );
  for (const d of [
    ...registerRenderCommands(renderDeps, selection),
    ...registerBatchCommands(registry, log),
    ...registerKeyCommands(keys, registry),
    ...registerViewCommands(registry, panels, log),
  ]) {
    add(d);
  }
  add(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('dailies')) return;
      log.setLevel(readSettings().logLevel);
      shared.configure(windowConfig());
      registry.reconfigureAll();
    }),
  );
  // Restricted Mode builds no cloud provider; once the user trusts the workspace, every engine gets them.
  add(vscode.workspace.onDidGrantWorkspaceTrust(() => registry.reconfigureAll()));
  add(
    vscode.workspace.onDidSaveTextDocument((doc) => {
      const production = registry.get(doc.uri);
      if (production && readSettings(doc.uri).renderOnSave && !production.isRendering) {
        void renderTargets(renderDeps, [{ production }], false);
      }
    }),
  );
  log.info(`activated in ${Date.now() - started} ms`);

  return {
    ready: () => registry.whenReady(),
    productions: () =>
      registry.all().map((p) => ({
        file: p.file,
        label: p.label,
        problem: p.state.problem,
        rendering: p.isRendering,
        shots: p.state.all(),
      })),
    onRenderEvent: (listener) => {
      const subs = new Map<string, vscode.Disposable>();
      const attach = () => {
        for (const p of registry.all())
          if (!subs.has(p.file))
            subs.set(
              p.file,
              p.onEvent((e) => listener(p.file, e)),
            );
      };
      attach();
      const watch = registry.onDidChangeProductions(attach);
      return new vscode.Disposable(() => {
        watch.dispose();
        for (const s of subs.values()) s.dispose();
      });
    },
    render: async (o = {}) => {
      await registry.whenReady();
      const targets = registry
        .all()
        .filter((p) => !o.file || p.file === o.file)
        .map((production) => ({ production, shotIds: o.shots }));
      return renderTargets(renderDeps, targets, o.force ?? false);
    },
    refresh: () => registry.refreshAll(),
    statusText: () => status.text,
    treeSnapshot: () => {
      const out: ReturnType<DailiesApi['treeSnapshot']> = [];
      const walk = (node?: ShotsNode) => {
        for (const child of tree.getChildren(node)) {
          const item = tree.getTreeItem(child);
          const icon =
            item.iconPath instanceof vscode.ThemeIcon
              ? item.iconPath.id
              : item.iconPath instanceof vscode.Uri
                ? `file:${item.iconPath.path.split('/').pop()}`
                : undefined;
          out.push({
            id: String(item.id ?? ''),
            label: String(typeof item.label === 'string' ? item.label : (item.label?.label ?? '')),
            description: typeof item.description === 'string' ? item.description : undefined,
            icon,
            contextValue: item.contextValue,
          });
          walk(child);
        }
      };
      walk();
      return out;
    },
    openPanels: () => ({
      storyboards: panels.openStoryboards().map((p) => p.production.file),
      metrics: panels.openMetrics().map((p) => p.production.file),
    }),
  };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; engines flush pending results as they are disposed.
}
