// Render All / Stale / Selected, Force Re-render, Cancel. Batches report progress in the status bar and
// tree; a notification only when the user needs it (a long batch finished, or something failed).
import * as vscode from 'vscode';
import { formatDuration } from '../../shared/batchProgress';
import type { BatchSummary } from '../../shared/events';
import { batchParts } from '../../shared/shotState';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { type KeyStore, PROVIDER_LABEL } from '../secrets';
import { resolveTargets, type ShotTarget } from './targets';

export interface RenderDeps {
  registry: ProductionRegistry;
  keys: KeyStore;
}

const QUIET_MS = 4000;

export function registerRenderCommands(deps: RenderDeps): vscode.Disposable[] {
  const { registry } = deps;
  return [
    vscode.commands.registerCommand('dailies.renderAll', async (node?: unknown) => {
      await registry.whenReady();
      const targets = node
        ? await resolveTargets(registry, node, undefined)
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
    vscode.commands.registerCommand(
      'dailies.renderSelected',
      async (clicked?: unknown, selected?: unknown) => {
        await renderTargets(deps, await resolveTargets(registry, clicked, selected), false);
      },
    ),
    vscode.commands.registerCommand('dailies.forceRender', async (clicked?: unknown, selected?: unknown) => {
      const targets = await resolveTargets(registry, clicked, selected);
      if (!(await confirmForce(targets))) return;
      await renderTargets(deps, targets, true);
    }),
    vscode.commands.registerCommand('dailies.cancel', () => {
      for (const p of registry.all()) p.cancelAll();
    }),
    vscode.commands.registerCommand('dailies.cancelShot', async (clicked?: unknown, selected?: unknown) => {
      for (const t of await resolveTargets(registry, clicked, selected)) {
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
  const errors = results.flatMap((r) =>
    r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : [],
  );
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
  for (const provider of production.missingKeys()) {
    const choice = await vscode.window.showWarningMessage(
      `Dailies: shots of ${production.label} use ${PROVIDER_LABEL[provider]}, and no key is set. Without one those shots fail (the others render).`,
      'Set Key',
      'Continue Without',
    );
    if (choice === undefined) return undefined;
    if (choice === 'Set Key' && (await deps.keys.prompt(provider))) await production.reconfigure();
  }
  return production.render({ shots: shotIds, force });
}

async function report(summaries: BatchSummary[], errors: string[], wallMs: number): Promise<void> {
  const sum = (f: (s: BatchSummary) => number) => summaries.reduce((n, s) => n + f(s), 0);
  const rendered = sum((s) => s.shots.rendered);
  const cached = sum((s) => s.shots.cached);
  const failed = sum((s) => s.shots.failed);
  const canceled = sum((s) => s.shots.canceled);
  const skipped = sum((s) => s.shots.skipped);
  if (errors.length) {
    const pick = await vscode.window.showErrorMessage(`Dailies: ${errors[0]}`, 'Show Problems', 'Show Log');
    if (pick === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
    if (pick === 'Show Log') void vscode.commands.executeCommand('dailies.showLog');
    return;
  }
  // The shared words and unit (shots), so the toast says what the tree and status bar say.
  const parts = batchParts({ total: 0, rendered, cached, skipped, failed, canceled });
  if (failed) {
    const first = summaries.flatMap((s) => s.errors)[0];
    const pick = await vscode.window.showWarningMessage(
      `Dailies: ${parts.join(', ')}. ${first ? `${first.shotId}: ${first.message}` : ''}`,
      'Show Log',
      'Open Storyboard',
    );
    if (pick === 'Show Log') void vscode.commands.executeCommand('dailies.showLog');
    if (pick === 'Open Storyboard') void vscode.commands.executeCommand('dailies.openStoryboard');
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

/** Force bypasses every cache and pays again: say so when it costs money. */
async function confirmForce(targets: ShotTarget[]): Promise<boolean> {
  let cost = 0;
  let variations = 0;
  for (const t of targets) {
    const est = await t.production.estimate({ shots: t.shotIds, force: true }).catch(() => undefined);
    cost += est?.estCostUsd ?? 0;
    variations += est?.variations.toRender ?? 0;
  }
  if (cost === 0) return true;
  const go = await vscode.window.showWarningMessage(
    `Force re-render ${variations} variation${variations === 1 ? '' : 's'}? This bypasses the caches and costs about $${cost.toFixed(2)}.`,
    { modal: true },
    'Re-render',
  );
  return go === 'Re-render';
}
