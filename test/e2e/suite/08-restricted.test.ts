// Issue 10 item 8: in Restricted Mode (an untrusted workspace) Dailies shows productions and renders
// drafts, and makes no cloud call and no key prompt. This suite runs only in the orchestrator's second
// code-server session, started with workspace trust on and the folder untrusted (see run.ts); a trusted
// window (every other run) skips it.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import { contributesSetting, dailies, until } from './support/dailies';
import { E2E_FAL_KEY, fakesAvailable, fakeUrl, received, resetFake } from './support/fakes';
import { type Lab, makeLab, UserSettings } from './support/lab';

// The title must start with "Restricted Mode": run.ts selects this suite by it.
suite('Restricted Mode: view and draft only', () => {
  let api: DailiesApi;
  let lab: Lab;
  const settings = new UserSettings();

  suiteSetup(async function () {
    if (vscode.workspace.isTrusted || !fakesAvailable()) return this.skip();
    api = await dailies();
    await settings.set('dailies.defaultProvider', 'auto');
    await settings.set('dailies.baseUrl.fal', fakeUrl('fal'));
    await settings.set('dailies.draft.latencyMs', 0);
    if (contributesSetting('dailies.confirmSpendAboveUsd'))
      await settings.set('dailies.confirmSpendAboveUsd', 5);
    await resetFake('fal');
    lab = await makeLab(api, 'lab-restricted', [
      { id: 'rs-010', model: 'fal-ai/flux/schnell' },
      { id: 'rs-020' }, // the default model: draft
    ]);
  });

  suiteTeardown(async () => {
    await lab?.dispose();
    await settings.restore();
    delete process.env['FAL_KEY'];
  });

  test('the productions are there, read and validated', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.deepEqual(
      lab.info().shots.map((s) => s.id),
      ['rs-010', 'rs-020'],
    );
    assert.equal(lab.info().problem, undefined);
  });

  test('without a key: no key prompt (the render does not wait on one), no call; drafts still render', async () => {
    delete process.env['FAL_KEY'];
    // A key prompt (an input box) would hold this render until answered: it must resolve on its own.
    const [summary] = await api.render({ file: lab.file });
    assert.ok(summary, 'the render was not started');
    assert.equal(summary.shots.rendered, 1, JSON.stringify(summary));
    assert.equal(summary.shots.failed, 1);
    assert.match(summary.errors[0]?.message ?? '', /Restricted Mode/);
    assert.deepEqual(await received('fal'), []);
  });

  test('with a key in the environment: still no cloud call, the cloud shot fails saying why', async () => {
    process.env['FAL_KEY'] = E2E_FAL_KEY;
    await vscode.commands.executeCommand('dailies.refresh');
    const [summary] = await api.render({ file: lab.file, force: true });
    await until('the lab to stop rendering', () => !lab.info().rendering, { timeoutMs: 60_000 });
    assert.ok(summary);
    assert.equal(summary.shots.failed, 1, JSON.stringify(summary));
    assert.match(summary.errors[0]?.message ?? '', /Restricted Mode.*trust/i);
    assert.deepEqual(await received('fal'), [], 'a cloud call from an untrusted workspace');
  });
});
