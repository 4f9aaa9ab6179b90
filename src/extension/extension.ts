// Activation: wiring only. Everything heavy (sharp, the provider SDKs, the engine) loads on first use.
import * as vscode from 'vscode';
import { configFor, envLayer } from '../core/config';
import { ModelRegistry } from '../core/providers/registry';
import { SharedLimits } from '../core/render/scheduler';
import type { DailiesApi } from './api';
import { registerAnimaticCommands } from './commands/animaticCommands';
import { registerBatchCommands } from './commands/batchCommands';
import { registerHandoffCommands } from './commands/handoffCommands';
import { registerKeyCommands } from './commands/keyCommands';
import { registerRenderCommands, renderTargets } from './commands/renderCommands';
import { registerReviewCommands } from './commands/reviewCommands';
import { SelectionTracker } from './commands/selection';
import { registerViewCommands } from './commands/viewCommands';
import { DailiesLog } from './log';
import { ProjectDiagnostics } from './productions/diagnostics';
import { DailiesQuickFixes } from './productions/quickFixes';
import { ProductionRegistry } from './productions/registry';
import { KeyStore } from './secrets';
import { readSettings } from './settings';
import { DimmedThumbs } from './views/dimmedThumbs';
import { ProductionContext } from './views/productionContext';
import { type ShotsNode, ShotsTreeProvider } from './views/shotsTree';
import { DailiesStatusBar } from './views/statusBar';
import { Panels } from './webviews/panels';
import { storyboardActions } from './webviews/storyboardActions';

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
  const tree = add(
    new ShotsTreeProvider(registry, add(new DimmedThumbs(context.storageUri ?? context.globalStorageUri))),
  );
  const view = add(
    vscode.window.createTreeView<ShotsNode>('dailies.shots', {
      treeDataProvider: tree,
      canSelectMany: true,
      showCollapseAll: true,
    }),
  );
  tree.attach(view);
  add(
    vscode.languages.registerCodeActionsProvider(
      { scheme: 'file', pattern: '**/project.json' },
      new DailiesQuickFixes(diagnostics),
      { providedCodeActionKinds: DailiesQuickFixes.kinds },
    ),
  );
  const status = add(new DailiesStatusBar(registry));
  add(new ProductionContext(registry));
  const selection = add(new SelectionTracker(registry, view, log));
  const renderDeps = { registry, keys };
  const panels = add(
    new Panels(
      context.extensionUri,
      registry,
      storyboardActions({
        render: (production, shotIds, force) =>
          void renderTargets(renderDeps, [{ production, shotIds }], force),
        select: (production, shotIds) => selection.storyboardSelected(production, shotIds),
        tree,
        view,
      }),
    ),
  );
  for (const d of [
    ...registerRenderCommands(renderDeps, selection),
    ...registerBatchCommands(registry, log),
    ...registerKeyCommands(keys, registry),
    ...registerViewCommands(registry, panels, log),
    ...registerAnimaticCommands({ registry, log, extensionUri: context.extensionUri }),
    ...registerHandoffCommands(registry, log),
    ...registerReviewCommands(context.extensionUri, registry, log),
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
        plans: p.plans,
        writeBacks: p.ownWrites.count,
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
    treeHeader: () => view.description,
    treeRows: () => tree.deliveredRows(),
    treeSnapshot: () => {
      const out: ReturnType<DailiesApi['treeSnapshot']> = [];
      const walk = (node?: ShotsNode) => {
        for (const child of tree.getChildren(node)) {
          // Tooltips are resolved on hover in the view; the snapshot resolves them the same way.
          const item = tree.resolveTreeItem(tree.itemFor(child), child);
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
            tooltip: item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip,
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
    shotsView: () => ({
      visible: view.visible,
      selection: view.selection.map((n) => String(tree.getTreeItem(n).id ?? '')),
    }),
    paletteSelection: () => selection.latest()?.flatMap((t) => t.shotIds ?? []),
    storyboardRequest: async (file, method, params) => {
      const open = panels.openStoryboards().find((p) => p.production.file === file);
      if (!open) throw new Error(`no storyboard is open for ${file}`);
      return open.host.dispatch(method, params);
    },
  };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; engines flush pending results as they are disposed.
}
