import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { dailies, example } from './support/dailies';
import { pristineText } from './support/fixture';

suite('Discovery', () => {
  test('finds the example production with every shot of its project.json', async () => {
    const api = await dailies();
    const production = example(api);
    const expected = (JSON.parse(pristineText()) as { shots: { id: string }[] }).shots.map((s) => s.id);
    assert.equal(production.problem, undefined);
    assert.deepEqual(
      production.shots.map((s) => s.id),
      expected,
    );
  });

  test('leaves an Nx project.json alone (no production, no Dailies diagnostics)', async () => {
    const api = await dailies();
    const files = await vscode.workspace.findFiles('**/project.json', '**/node_modules/**');
    const nx = files.find((f) => f.path.endsWith('/apps/web/project.json'));
    assert.ok(
      nx,
      `the workspace has no apps/web/project.json (found ${files.map((f) => f.path).join(', ')})`,
    );
    assert.deepEqual(
      api.productions().filter((p) => vscode.Uri.file(p.file).path === nx.path),
      [],
    );
    assert.equal(api.productions().length, 1, 'exactly one production (the example) in the workspace');
    const own = vscode.languages.getDiagnostics(nx).filter((d) => d.source === 'Dailies');
    assert.deepEqual(own, []);
  });
});
