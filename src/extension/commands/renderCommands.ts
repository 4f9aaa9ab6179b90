// Render All / Stale / Selected, Force Re-render, Cancel. Every surface (these commands, the tree, the
// storyboard, renderOnSave, the extension API) renders through `renderTargets`; the cost confirmation is
// not here but in each engine (commands/spendGate.ts), so no surface can skip it. Batches report in the
// status bar and the tree, with a cancellable progress notification for the longer ones; a notification
// at the end only when the user needs it (a long batch finished, or something failed).
import * as vscode from 'vscode';
import { formatDuration } from '../../shared/batchProgress';
import type { BatchSummary } from '../../shared/events';
import { batchParts } from '../../shared/shotState';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { type KeyStore, PROVIDER_LABEL } from '../secrets';
import { showBatchProgress } from './batchNotification';
import { pickShots, type SelectionTracker } from './selection';
import { fromNodes, pickProduction, type ShotTarget } from './targets';

export interface RenderDeps {
  registry: ProductionRegistry;
  keys: KeyStore;
}

const QUIET_MS = 4000;

export function registerRenderCommands(deps: RenderDeps, selection: SelectionTracker): vscode.Disposable[] {
  const { registry } = deps;
  /** The context-menu node(s) when VS Code passes them, else what the user selected last, else ask. */
  const selected = async (clicked: unknown, nodes: unknown, title: string): Promise<ShotTarget[]> => {
    await registry.whenReady();
    const fromTree = fromNodes(clicked, nodes);
    if (fromTree.length) return fromTree;
    return selection.latest() ?? pickShots(selection.log, title, () => pickProduction(registry));
  };
  return [
    vscode.commands.registerCommand('dailies.renderAll', async (node?: unknown) => {
      await registry.whenReady();
      const targets = node
        ? fromNodes(node, undefined)
        : registry.all().map((production) => ({ production }));
      await renderTargets(deps, targets, false);
    }),
    vscode.commands.registerCommand('dailies.renderStale', async () => {
      await registry.whenReady();
      const targets = registry.all().map((production) => ({
        production,
        shotIds: production.state
          .all()
          .filter((s) => s.status === 'stale' || s.status === 'failed' || s.status === 'canceled')
          .map((s) => s.id),
      }));
      const some = targets.filter((t) => t.shotIds.length);
      if (!some.length) {
        void vscode.window.showInformationMessage(
          'Dailies: no stale shots — every rendered shot is up to date.',
        );
        return;
      }
      await renderTargets(deps, some, false);
    }),
    vscode.commands.registerCommand('dailies.renderSelected', async (clicked?: unknown, nodes?: unknown) => {
      await renderTargets(deps, await selected(clicked, nodes, 'Dailies: Render Selected Shot(s)'), false);
    }),
    vscode.commands.registerCommand('dailies.forceRender', async (clicked?: unknown, nodes?: unknown) => {
      await renderTargets(deps, await selected(clicked, nodes, 'Dailies: Force Re-render'), true);
    }),
    vscode.commands.registerCommand('dailies.cancel', () => {
      for (const p of registry.all()) p.cancelAll();
    }),
    vscode.commands.registerCommand('dailies.cancelShot', async (clicked?: unknown, nodes?: unknown) => {
      for (const t of await selected(clicked, nodes, 'Dailies: Cancel Shot')) {
        if (!t.shotIds) t.production.cancelAll();
        else for (const id of t.shotIds) t.production.cancelShot(id);
      }
    }),
  ];
}

/** Renders several productions' targets side by side; resolves with their summaries. */
export async function renderTargets(
  deps: RenderDeps,
  targets: ShotTarget[],
  force: boolean,
): Promise<BatchSummary[]> {
  if (!targets.length) return [];
  const started = Date.now();
  const results = await Promise.allSettled(
    targets.map((t) => renderOne(deps, t.production, t.shotIds, force)),
  );
  const summaries = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
  const errors = results.flatMap((r) => {
    if (r.status !== 'rejected') return [];
    const e = r.reason as { code?: string; message?: string } | undefined;
    // The user said no to the spend: that was their answer, not an error to report.
    if (e?.code === 'declined') return [];
    return [{ message: e?.message ?? String(r.reason), config: e?.code === 'config' }];
  });
  // Notifications wait for the user; the batch (and whoever awaits it) must not.
  void report(summaries, errors, Date.now() - started);
  return summaries;
}

async function renderOne(
  deps: RenderDeps,
  production: Production,
  shotIds: string[] | undefined,
  force: boolean,
): Promise<BatchSummary | undefined> {
  await production.refresh();
  if (production.state.problem) throw new Error(`${production.label}: ${production.state.problem}`);
  // Ask for a missing key in an input box that waits for an answer, before the batch starts.
  for (const provider of production.missingKeys(shotIds, force)) {
    const n = production.state
      .all()
      .filter((s) => s.provider === provider && (!shotIds || shotIds.includes(s.id))).length;
    const stored = await deps.keys.prompt(
      provider,
      `${n} shot${n === 1 ? '' : 's'} of ${production.label} render${n === 1 ? 's' : ''} on ${PROVIDER_LABEL[provider]}, and no key is set (Escape renders nothing).`,
    );
    if (!stored) {
      void vscode.window.setStatusBarMessage(
        `$(circle-slash) Dailies: nothing rendered — no ${PROVIDER_LABEL[provider]} key`,
        5000,
      );
      return undefined;
    }
    await production.reconfigure();
  }
  const progress = showBatchProgress(production);
  try {
    return await production.render({ shots: shotIds, force });
  } finally {
    progress.dispose();
  }
}

async function report(
  summaries: BatchSummary[],
  errors: { message: string; config: boolean }[],
  wallMs: number,
): Promise<void> {
  const sum = (f: (s: BatchSummary) => number) => summaries.reduce((n, s) => n + f(s), 0);
  const rendered = sum((s) => s.shots.rendered);
  const cached = sum((s) => s.shots.cached);
  const failed = sum((s) => s.shots.failed);
  const canceled = sum((s) => s.shots.canceled);
  const skipped = sum((s) => s.shots.skipped);
  const first = errors[0];
  if (first) {
    if (first.config) {
      const pick = await vscode.window.showErrorMessage(`Dailies: ${first.message}`, 'Open Settings');
      if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'dailies.default');
      return;
    }
    const pick = await vscode.window.showErrorMessage(
      `Dailies: ${first.message}`,
      'Show Problems',
      'Show Log',
    );
    if (pick === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
    if (pick === 'Show Log') void vscode.commands.executeCommand('dailies.showLog');
    return;
  }
  if (!summaries.length) return;
  // The shared words and unit (shots), so the toast says what the tree and status bar say.
  const parts = batchParts({ total: 0, rendered, cached, skipped, failed, canceled });
  if (failed) {
    const firstError = summaries.flatMap((s) => s.errors)[0];
    const restricted = !vscode.workspace.isTrusted && /Restricted Mode/.test(firstError?.message ?? '');
    const actions = restricted ? ['Manage Workspace Trust'] : ['Show Log', 'Open Storyboard'];
    const pick = await vscode.window.showWarningMessage(
      `Dailies: ${parts.join(', ')}. ${firstError ? `${firstError.shotId}: ${firstError.message}` : ''}`,
      ...actions,
    );
    if (pick === 'Show Log') void vscode.commands.executeCommand('dailies.showLog');
    if (pick === 'Open Storyboard') void vscode.commands.executeCommand('dailies.openStoryboard');
    if (pick === 'Manage Workspace Trust') void vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  if (rendered + cached === 0 && !canceled) {
    void vscode.window.setStatusBarMessage('$(pass) Dailies: every shot is up to date', 4000);
    return;
  }
  if (wallMs < QUIET_MS) {
    void vscode.window.setStatusBarMessage(`$(pass) Dailies: ${parts.join(', ')}`, 4000);
    return;
  }
  const pick = await vscode.window.showInformationMessage(
    `Dailies: ${parts.join(', ')} in ${formatDuration(wallMs)}.`,
    'Open Storyboard',
  );
  if (pick) void vscode.commands.executeCommand('dailies.openStoryboard');
}
