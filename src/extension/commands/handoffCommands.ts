// "Dailies: Export…" (a quick pick of formats, then next to project.json or a save dialog, progress with cancel)
// and "Dailies: Import Editorial Cut…" (an open dialog, durations only or durations and order, a summary
// to confirm, then one edit through the editor-aware IO so an open, unsaved project.json is edited in
// place). Both also take `{ projectFile, … }` so tests and other extensions can run them without dialogs;
// they resolve with the result. The exporters (pdf-lib, fontkit, sharp) load on first use, never at
// activation.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportFormat, ExportResult } from '../../core/cut/export/exportCut';
import { defaultExportName, EXPORT_FORMATS, isExportFormat } from '../../core/cut/export/formats';
import type { ImportReport } from '../../core/cut/export/importCut';
import { toDailiesError } from '../../core/util/errors';
import { readCutSettings } from '../cut/cutSettings';
import type { DailiesLog } from '../log';
import { DocumentAwareIO } from '../productions/documentIO';
import type { Production } from '../productions/production';
import type { ProductionRegistry } from '../productions/registry';
import { isNode, pickProduction } from './targets';

interface Args {
  projectFile?: string;
  format?: string;
  out?: string;
  cutFile?: string;
  reorder?: boolean;
}

function argsOf(arg: unknown): Args {
  return typeof arg === 'object' && arg !== null && !isNode(arg) ? (arg as Args) : {};
}

async function productionOf(registry: ProductionRegistry, arg: unknown, placeHolder: string) {
  if (isNode(arg)) return arg.production;
  const file = argsOf(arg).projectFile;
  if (file) {
    await registry.whenReady();
    return registry.all().find((p) => p.file === file);
  }
  return pickProduction(registry, placeHolder);
}

const fpsOf = (p: Production) => readCutSettings(p.uri).options.fps ?? 24;

function reportError(log: DailiesLog, what: string, err: unknown): undefined {
  const error = toDailiesError(err);
  if (error.code === 'canceled') return undefined;
  log.write('warn', 'EXT', `${what}: ${error.message}`);
  void vscode.window.showErrorMessage(`Dailies: ${what} — ${error.message}`, 'Show Log').then((pick) => {
    if (pick) void vscode.commands.executeCommand('dailies.showLog');
  });
  return undefined;
}

/**
 * Where to write: next to project.json under its default name (one pick, no dialog), or a save dialog.
 * The first choice also spares code-server users its simple file dialog for the common case.
 */
async function askWhere(production: Production, format: ExportFormat): Promise<string | undefined> {
  const spec = EXPORT_FORMATS[format];
  const name = defaultExportName({ title: production.state.title || path.basename(production.root) }, format);
  const beside = path.join(production.root, name);
  const where = await vscode.window.showQuickPick(
    [
      {
        label: `$(file) Next to project.json: ${name}`,
        description: vscode.workspace.asRelativePath(beside),
        beside: true,
      },
      { label: '$(folder-opened) Choose where to save…', beside: false },
    ],
    { placeHolder: `Write the ${spec.label} where?` },
  );
  if (!where) return undefined;
  if (where.beside) return beside;
  const uri = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(beside),
    filters: { [spec.label]: [spec.ext.slice(1)] },
    saveLabel: 'Export',
  });
  return uri?.fsPath;
}

async function runExport(registry: ProductionRegistry, log: DailiesLog, arg: unknown) {
  const production = await productionOf(registry, arg, 'Export which production?');
  if (!production) return undefined;
  const given = argsOf(arg);
  let format: ExportFormat | undefined = isExportFormat(given.format) ? given.format : undefined;
  if (!format) {
    const picked = await vscode.window.showQuickPick(
      (Object.keys(EXPORT_FORMATS) as ExportFormat[]).map((f) => ({
        label: EXPORT_FORMATS[f].label,
        description: EXPORT_FORMATS[f].ext,
        format: f,
      })),
      { placeHolder: `Export ${production.label} as…` },
    );
    format = picked?.format;
  }
  if (!format) return undefined;
  let out = given.out;
  if (!out) {
    out = await askWhere(production, format);
    if (!out) return undefined;
  }
  const chosen = format;
  try {
    const result: ExportResult = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Dailies: exporting ${EXPORT_FORMATS[chosen].label}`,
        cancellable: true,
      },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        let last = 0;
        try {
          const { exportCut } = await import('../../core/cut/export/exportCut');
          return await exportCut(production.file, {
            format: chosen,
            out,
            fps: fpsOf(production),
            signal: controller.signal,
            onProgress: (done, total) => {
              const pct = Math.round((done / total) * 100);
              progress.report({ increment: pct - last, message: `page ${done} of ${total}` });
              last = pct;
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    for (const w of result.warnings) log.info(`export: ${w}`);
    log.info(`exported ${result.file}`);
    const where = vscode.workspace.asRelativePath(result.file);
    void vscode.window
      .showInformationMessage(
        `Dailies: ${EXPORT_FORMATS[chosen].label} written to ${where} (${result.shots} shots${result.slates.length ? `, ${result.slates.length} not rendered` : ''}).`,
        'Reveal',
      )
      .then((pick) => {
        if (pick) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.file));
      });
    return result;
  } catch (err) {
    return reportError(log, 'export not written', err);
  }
}

function summary(r: ImportReport): string {
  const parts = [`${r.matched} of ${r.clips} clips matched`, `${r.changes.length} new duration(s)`];
  if (r.order) parts.push('new order');
  if (r.dropped.length) parts.push(`${r.dropped.length} shot(s) not in the cut (kept)`);
  if (r.unknown.length) parts.push(`${r.unknown.length} clip(s) match no shot`);
  return parts.join(' · ');
}

async function runImport(registry: ProductionRegistry, log: DailiesLog, arg: unknown) {
  const production = await productionOf(registry, arg, 'Import the cut into which production?');
  if (!production) return undefined;
  const given = argsOf(arg);
  let cutFile = given.cutFile;
  if (!cutFile) {
    const picked = await vscode.window.showOpenDialog({
      defaultUri: vscode.Uri.file(production.root),
      canSelectMany: false,
      filters: { 'Editorial cut': ['otio', 'xml', 'edl'] },
      openLabel: 'Import Cut',
    });
    cutFile = picked?.[0]?.fsPath;
  }
  if (!cutFile) return undefined;
  let reorder = given.reorder;
  if (reorder === undefined) {
    const how = await vscode.window.showQuickPick(
      [
        { label: 'Durations only', reorder: false },
        { label: 'Durations and order', description: 'shots the cut does not use are kept', reorder: true },
      ],
      { placeHolder: 'What should the cut change in project.json?' },
    );
    if (!how) return undefined;
    reorder = how.reorder;
  }
  const options = { fps: fpsOf(production), reorder, io: new DocumentAwareIO(production.uri) };
  try {
    const { importCut } = await import('../../core/cut/export/importCut');
    if (!given.cutFile) {
      const preview = await importCut(production.file, cutFile, { ...options, dryRun: true });
      if (!preview.changes.length && !preview.order) {
        void vscode.window.showInformationMessage(
          `Dailies: the cut matches project.json (${summary(preview)}).`,
        );
        return preview;
      }
      const ok = await vscode.window.showInformationMessage(
        `Apply the editor's cut to ${production.label}?`,
        { modal: true, detail: summary(preview) },
        'Apply',
      );
      if (ok !== 'Apply') return undefined;
    }
    const report = await importCut(production.file, cutFile, options);
    log.info(`import-cut ${path.basename(cutFile)}: ${summary(report)}`);
    if (report.dropped.length) log.info(`not in the cut (kept): ${report.dropped.join(', ')}`);
    if (report.unknown.length) log.info(`clips that match no shot: ${report.unknown.join(', ')}`);
    void vscode.window.showInformationMessage(`Dailies: cut imported — ${summary(report)}.`);
    void production.refresh();
    return report;
  } catch (err) {
    return reportError(log, 'cut not imported (project.json unchanged)', err);
  }
}

export function registerHandoffCommands(registry: ProductionRegistry, log: DailiesLog): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('dailies.export', (arg?: unknown) => runExport(registry, log, arg)),
    vscode.commands.registerCommand('dailies.importCut', (arg?: unknown) => runImport(registry, log, arg)),
  ];
}
