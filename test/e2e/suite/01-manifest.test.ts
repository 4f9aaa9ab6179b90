import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { dailies, extensionManifest } from './support/dailies';

interface Contributes {
  commands: { command: string; title: string; category?: string }[];
  views: Record<string, { id: string }[]>;
}

function contributes(): Contributes {
  const c = extensionManifest()['contributes'] as Contributes | undefined;
  assert.ok(c?.commands && c.views, 'package.json contributes neither commands nor views');
  return c;
}

suite('Manifest', () => {
  test('the contributed commands and the registered dailies.* commands are the same set', async () => {
    await dailies();
    const { commands, views } = contributes();
    // VS Code itself registers `<viewId>.focus`, `.resetViewLocation`, … for every contributed view.
    const viewIds = Object.values(views)
      .flat()
      .map((v) => v.id);
    const registered = (await vscode.commands.getCommands(true))
      .filter((c) => c.startsWith('dailies.') && !viewIds.some((v) => c.startsWith(`${v}.`)))
      .sort();
    const contributed = commands.map((c) => c.command).sort();
    assert.deepEqual(registered, contributed);
  });

  test('every command sits in the palette under the Dailies category', () => {
    const strays = contributes().commands.filter((c) => c.category !== 'Dailies' || !c.title);
    assert.deepEqual(strays, []);
  });
});
