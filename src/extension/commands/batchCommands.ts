// Pre-warm and migrate run under window.withProgress (cancellable); estimate and validate answer at once.
import * as vscode from 'vscode';
import { migrateRemoteMedia } from '../../core/media/migrate';
import { parseProjectText } from '../../core/project/load';
import { formatDuration } from '../../shared/batchProgress';
import type { DailiesLog } from '../log';
import { DocumentAwareIO } from '../productions/documentIO';
import type { ProductionRegistry } from '../productions/registry';
import { pickProduction } from './targets';

export function registerBatchCommands(registry: ProductionRegistry, log: DailiesLog): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('dailies.prewarm', async () => {
      const production = await pickProduction(registry, 'Pre-warm the upload cache of which production?');
      if (!production) return;
      const engine = await production.engine();
      const stats = await refusedBySettings(
        withCancellableProgress(
          `Dailies: pre-warming uploads for ${production.label}`,
          async (report, signal) => {
            const sub = production.onEvent((e) => {
              if (e.type !== 'prewarm' || e.total === 0) return;
              report(
                e.done,
                e.total,
                `${e.done}/${e.total} references (${e.uploaded} uploaded, ${e.cached + e.revalidated} cached)`,
              );
            });
            try {
              return await engine.prewarm({ signal });
            } finally {
              sub.dispose();
            }
          },
        ),
      );
      if (!stats) return;
      const msg = `${stats.new} uploaded, ${stats.cached} cached, ${stats.revalidated} revalidated${stats.failed ? `, ${stats.failed} failed` : ''}.`;
      if (stats.failed)
        void vscode.window
          .showWarningMessage(`Dailies pre-warm: ${msg}`, 'Show Log')
          .then((p) => p && vscode.commands.executeCommand('dailies.showLog'));
      else void vscode.window.showInformationMessage(`Dailies pre-warm: ${msg}`);
    }),

    vscode.commands.registerCommand('dailies.estimate', async () => {
      const production = await pickProduction(registry, 'Estimate which production?');
      if (!production) return;
      const e = await refusedBySettings(production.estimate());
      if (!e) return;
      const detail = [
        `Shots: ${e.shots.toRender} to render, ${e.shots.cached} from cache, ${e.shots.fresh} up to date${e.shots.invalid ? `, ${e.shots.invalid} invalid` : ''}.`,
        `Variations: ${e.variations.toRender} to render, ${e.variations.cached} cached.`,
        `Uploads: ${e.uploads.needed} needed, ${e.uploads.cached} already uploaded.`,
        ...e.byModel.map(
          (m) =>
            `${m.model}: ${m.variations} × ~${m.secondsEach.toFixed(1)} s${m.costUsd ? ` · $${m.costUsd.toFixed(3)}` : ''}`,
        ),
        e.unpriced.length ? `No price known for: ${e.unpriced.join(', ')}.` : '',
      ]
        .filter(Boolean)
        .join('\n');
      await vscode.window.showInformationMessage(
        `${production.label}: ~${formatDuration(e.estSeconds * 1000)}, ~$${e.estCostUsd.toFixed(2)}`,
        { modal: true, detail },
      );
    }),

    vscode.commands.registerCommand('dailies.migrate', async () => {
      if (!vscode.workspace.isTrusted) {
        // Fetching URLs a project names is network access on the project's say-so: trusted folders only.
        void vscode.window.showWarningMessage(
          'Dailies: Restricted Mode — remote media is not downloaded until you trust this workspace.',
        );
        return;
      }
      const production = await pickProduction(registry, 'Migrate remote media of which production?');
      if (!production) return;
      const config = production.config();
      const report = await withCancellableProgress(
        `Dailies: downloading remote media of ${production.label}`,
        (progress, signal) =>
          migrateRemoteMedia({
            root: production.root,
            io: new DocumentAwareIO(production.uri),
            validate: (text) => parseProjectText(text, production.file),
            config,
            signal,
            onProgress: (done, total) => progress(done, total, `${done}/${total}`),
          }),
      );
      const msg = `${report.found} remote image(s): ${report.migrated.length} now local, ${report.failed.length} could not be fetched.`;
      if (report.failed.length) {
        for (const f of report.failed) log.write('warn', 'ERROR', `migrate: ${f.url}: ${f.error}`);
        const pick = await vscode.window.showWarningMessage(
          `Dailies migrate: ${msg} ${report.failed.map((f) => `${f.url}: ${f.error}`).join('; ')}`,
          'Show Log',
        );
        if (pick) void vscode.commands.executeCommand('dailies.showLog');
      } else void vscode.window.showInformationMessage(`Dailies migrate: ${msg}`);
      await production.refresh();
    }),

    vscode.commands.registerCommand('dailies.validate', async () => {
      await registry.whenReady();
      await registry.refreshAll();
      const all = registry.all();
      // The same findings as the Problems panel (refs included), counted per file, with the first one.
      const reports = all.flatMap((p) => {
        const problems = vscode.languages
          .getDiagnostics(p.uri)
          .filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
        const invalid = p.state.counts().invalid;
        if (!p.state.problem && problems.length === 0 && invalid === 0) return [];
        const first = problems[0];
        const where = first ? ` — line ${first.range.start.line + 1}: ${first.message}` : '';
        const shots = invalid ? `, ${invalid} invalid shot${invalid === 1 ? '' : 's'}` : '';
        const head = p.state.problem
          ? 'invalid project.json'
          : `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
        return [`${p.label}: ${head}${shots}${where}`];
      });
      if (!reports.length) {
        void vscode.window.showInformationMessage(
          `Dailies: ${all.length} production${all.length === 1 ? '' : 's'} valid.`,
        );
        return;
      }
      const pick = await vscode.window.showWarningMessage(`Dailies: ${reports.join('; ')}`, 'Show Problems');
      if (pick) void vscode.commands.executeCommand('workbench.actions.view.problems');
    }),
  ];
}

/**
 * Settings that contradict the project (a provider override a model cannot go to) refuse estimates and
 * pre-warms as they refuse renders: say so with a way to the settings, rather than a failed command.
 */
async function refusedBySettings<T>(work: PromiseLike<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (err) {
    if ((err as { code?: string }).code !== 'config') throw err;
    const pick = await vscode.window.showErrorMessage(`Dailies: ${(err as Error).message}`, 'Open Settings');
    if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'dailies.default');
    return undefined;
  }
}

/**
 * A cancellable notification with a progress bar; `run` reports done/total and gets the abort signal.
 * VS Code wants increments, so the last percentage is remembered here.
 */
function withCancellableProgress<T>(
  title: string,
  run: (report: (done: number, total: number, message: string) => void, signal: AbortSignal) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      let last = 0;
      const report = (done: number, total: number, message: string) => {
        const pct = total ? (done / total) * 100 : 100;
        progress.report({ message, increment: pct - last });
        last = pct;
      };
      return run(report, controller.signal);
    },
  );
}
