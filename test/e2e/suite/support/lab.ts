// Small throw-away productions beside the example, for tests that must not disturb it (and that render
// on cloud fakes), plus settings changed for one suite and put back after it. Everything here is undone
// in the suite's teardown, so later suites see the workspace as they expect it (one production).
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DailiesApi, ProductionInfo } from '../../../../src/extension/api';
import { sleep } from '../../harness/wait';
import { until } from './dailies';

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder');
  return folder.uri.fsPath;
}

export interface LabShot {
  id: string;
  model?: string;
  variations?: number;
  prompt?: string;
  cast?: string[];
}

export interface Lab {
  dir: string;
  file: string;
  title: string;
  info(): ProductionInfo;
  dispose(): Promise<void>;
}

/** A production under `<workspace>/<name>/` with the example's cast refs; resolves once Dailies has it. */
export async function makeLab(
  api: DailiesApi,
  name: string,
  shots: LabShot[],
  extra: Record<string, unknown> = {},
): Promise<Lab> {
  const root = workspaceRoot();
  const dir = path.join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'cast'), { recursive: true });
  const example = path.join(root, 'examples', 'night-train');
  cpSync(path.join(example, 'cast', 'mara.png'), path.join(dir, 'cast', 'mara.png'));
  cpSync(path.join(example, 'cast', 'ilya.jpg'), path.join(dir, 'cast', 'ilya.jpg'));
  const title = `Lab ${name}`;
  const project = {
    dailies: 1,
    title,
    aspectRatio: '16:9',
    cast: [
      { id: 'mara', name: 'Mara', refs: ['cast/mara.png'] },
      { id: 'ilya', name: 'Ilya', refs: ['cast/ilya.jpg'] },
    ],
    scenes: [{ id: 'lab', title: 'Lab' }],
    ...extra,
    shots: shots.map((s, i) => ({
      id: s.id,
      scene: 'lab',
      cast: s.cast ?? ['mara'],
      prompt: s.prompt ?? `Lab shot ${i + 1}: Mara at the window, night`,
      seed: 100 + i,
      ...(s.model ? { model: s.model } : {}),
      ...(s.variations ? { variations: s.variations } : {}),
    })),
  };
  const file = path.join(dir, 'project.json');
  const text = `${JSON.stringify(project, null, 2)}\n`;
  const find = () => api.productions().find((p) => p.file === file);
  // Let the OS watcher take up the new folder first: events in a folder it has not seen yet are lost
  // (and a production whose deletion nobody reported outlives its file).
  await sleep(1500);
  await writeUntilFound(
    file,
    text,
    () => find()?.shots.length === shots.length,
    () => api.productions().map((p) => [p.file, p.shots.length, p.problem]),
  );
  return {
    dir,
    file,
    title,
    info: () => {
      const p = find();
      assert.ok(p, `${name} is no longer a production`);
      return p;
    },
    dispose: async () => {
      await until(`${name} to stop rendering`, () => !find()?.rendering, { timeoutMs: 60_000 });
      // The file first (a deleted folder is not reported as its files' deletion), then the rest. A
      // deletion the watcher missed is done again (write, delete), as a user would.
      const deadline = Date.now() + 30_000;
      for (;;) {
        await vscode.workspace.fs.delete(vscode.Uri.file(file));
        try {
          await until(`Dailies to forget ${name}`, () => find() === undefined, {
            timeoutMs: 5000,
            seen: () => ({ fileStillThere: existsSync(file), rendering: find()?.rendering }),
          });
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await vscode.workspace.fs.writeFile(vscode.Uri.file(file), Buffer.from(text));
          await sleep(1000);
        }
      }
      // A disposed engine may still be saving its caches into .dailies/: retry until the folder is empty.
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

/**
 * Writes a new project.json and waits until Dailies has it. A file written into a folder made a moment
 * before can slip past the OS watcher (inotify watches a new folder only once it has seen it), so the
 * same text is written again every few seconds until it is noticed — as a user's next save would be.
 */
export async function writeUntilFound(
  file: string,
  text: string,
  found: () => boolean,
  seen: () => unknown,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await vscode.workspace.fs.writeFile(vscode.Uri.file(file), Buffer.from(text));
    try {
      await until(`Dailies to find ${file}`, found, { timeoutMs: 4000, everyMs: 1, seen });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}

/** User settings for one suite: `set` remembers the previous value, `restore` puts every one back. */
export class UserSettings {
  private readonly previous = new Map<string, unknown>();

  async set(key: string, value: unknown): Promise<void> {
    const [section, ...rest] = key.split('.');
    const name = rest.join('.');
    const c = vscode.workspace.getConfiguration(section);
    if (!this.previous.has(key)) this.previous.set(key, c.inspect(name)?.globalValue);
    await c.update(name, value, vscode.ConfigurationTarget.Global);
    await visible(section!, name, value);
  }

  async restore(): Promise<void> {
    for (const [key, value] of [...this.previous].reverse()) {
      const [section, ...rest] = key.split('.');
      await vscode.workspace
        .getConfiguration(section)
        .update(rest.join('.'), value, vscode.ConfigurationTarget.Global);
      await visible(section!, rest.join('.'), value);
    }
    this.previous.clear();
  }
}

/**
 * Until this extension host sees the value: it gets configuration changes in one message that also fires
 * onDidChangeConfiguration, so once the value is visible here Dailies has heard of it too.
 */
async function visible(section: string, name: string, value: unknown): Promise<void> {
  const now = () => vscode.workspace.getConfiguration(section).inspect(name)?.globalValue;
  await until(`${section}.${name} = ${JSON.stringify(value)} in this host`, () =>
    JSON.stringify(now()) === JSON.stringify(value) ? true : undefined,
  );
}

/**
 * Writes `<workspace>/.vscode/settings.json` as a repository would ship it (a file, not the API), and
 * waits until VS Code has read it (a marker setting that is never restricted shows up).
 */
export async function writeWorkspaceSettings(
  settings: Record<string, unknown>,
): Promise<() => Promise<void>> {
  const dir = path.join(workspaceRoot(), '.vscode');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'settings.json');
  const marker = Math.floor(Math.random() * 1e6);
  const text = `${JSON.stringify({ ...settings, 'editor.rulers': [marker] }, null, 2)}\n`;
  await vscode.workspace.fs.writeFile(vscode.Uri.file(file), Buffer.from(text));
  const rulers = () =>
    vscode.workspace.getConfiguration('editor').inspect<number[]>('rulers')?.workspaceValue;
  await until('VS Code to read .vscode/settings.json', () => rulers()?.[0] === marker, { timeoutMs: 20_000 });
  return async () => {
    await vscode.workspace.fs.delete(vscode.Uri.file(file));
    await until('VS Code to drop .vscode/settings.json', () => rulers() === undefined, { timeoutMs: 20_000 });
  };
}
