// Reaching Dailies from inside the extension host: its typed API, the example production, and polling
// (the watcher debounces, the status bar redraws at most every 250 ms, so assertions wait for state).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { DailiesApi, ProductionInfo } from '../../../../src/extension/api';
import { waitFor } from '../../harness/wait';

export const EXTENSION_ID = 'dailies.dailies';
export const EXAMPLE = 'examples/night-train/project.json';

export async function dailies(): Promise<DailiesApi> {
  const ext = vscode.extensions.getExtension<DailiesApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this host`);
  const api = await ext.activate();
  await api.ready();
  return api;
}

export function extensionManifest(): Record<string, unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this host`);
  return ext.packageJSON as Record<string, unknown>;
}

/** Whether this build of Dailies has a setting (a suite can then run against an older build too). */
export function contributesSetting(key: string): boolean {
  const c = extensionManifest()['contributes'] as {
    configuration?: { properties?: Record<string, unknown> };
  };
  return key in (c.configuration?.properties ?? {});
}

/** The example production (the workspace holds exactly one Dailies production). */
export function example(api: DailiesApi): ProductionInfo {
  const found = api.productions().find((p) => p.file.replace(/\\/g, '/').endsWith(EXAMPLE));
  assert.ok(
    found,
    `no production for ${EXAMPLE}; found ${api
      .productions()
      .map((p) => p.file)
      .join(', ')}`,
  );
  return found;
}

export function statuses(api: DailiesApi): Map<string, string> {
  return new Map(example(api).shots.map((s) => [s.id, s.status]));
}

/** The harness's polling, inside the extension host: a timeout names what it awaited and saw last. */
export const until = waitFor;

export function summary(api: DailiesApi): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of example(api).shots) counts[s.status] = (counts[s.status] ?? 0) + 1;
  return counts;
}

/**
 * Makes sure the example is fully rendered. Under code-server the UI has rendered it from the palette
 * before the suite runs; standalone (test-electron) the suite does it through the same command.
 * The command is not awaited: it resolves only after its completion notification is dismissed.
 */
export async function ensureRendered(api: DailiesApi): Promise<void> {
  const allFresh = () =>
    example(api).shots.every((s) => s.status === 'done' || s.status === 'cached') && !example(api).rendering;
  if (allFresh()) return;
  let failure: unknown;
  vscode.commands.executeCommand('dailies.renderAll').then(undefined, (err: unknown) => {
    failure = err;
  });
  await until(
    'Render All Shots to finish with every shot fresh',
    () => {
      if (failure) throw failure;
      return allFresh();
    },
    { timeoutMs: 120_000, everyMs: 250, seen: () => summary(api) },
  );
}

/**
 * Waits until an open (unmodified) editor shows what is on disk. Dailies writes results to disk when the
 * document has no unsaved changes, and VS Code reloads the editor a moment later: typing in between
 * edits the old text, and saving it then fails with "the content of the file is newer".
 */
export async function editorCaughtUp(doc: vscode.TextDocument): Promise<void> {
  await until(
    `${doc.uri.path.split('/').pop()} in the editor to match the file on disk`,
    () => !doc.isDirty && doc.getText() === readFileSync(doc.uri.fsPath, 'utf8'),
    { timeoutMs: 10_000, seen: () => ({ dirty: doc.isDirty, version: doc.version }) },
  );
}
