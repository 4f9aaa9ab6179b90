// Issue 11 item 10: the first key request was a toast that hid itself while the batch waited. Now it is an
// input box that stays until answered — password, validated, with a link to the provider's key page — and
// "Clear Key" shows which providers have a key and where it comes from.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import type { BatchSummary } from '../../../src/shared/events';
import { contributesSetting, dailies, until } from './support/dailies';
import { E2E_REPLICATE_TOKEN, fakesAvailable, fakeUrl, received, resetFake } from './support/fakes';
import { type Lab, makeLab, UserSettings } from './support/lab';
import { ui, uiAvailable } from './support/ui';

const TYPED_KEY = 'fal-e2e-typed:typed-secret';

suite('Keys: asked for in an input box, listed when cleared', () => {
  let api: DailiesApi;
  let lab: Lab;
  const settings = new UserSettings();

  const renderLab = (force = false) => {
    let done: BatchSummary[] | undefined;
    api.render({ file: lab.file, force }).then((r) => {
      done = r;
    });
    return () => done;
  };

  suiteSetup(async function () {
    if (!uiAvailable() || !fakesAvailable()) return this.skip();
    api = await dailies();
    delete process.env['FAL_KEY'];
    delete process.env['REPLICATE_API_TOKEN'];
    await vscode.commands.executeCommand('dailies.clearKey', 'fal');
    await vscode.commands.executeCommand('dailies.clearKey', 'replicate');
    await settings.set('dailies.defaultProvider', 'auto');
    await settings.set('dailies.baseUrl.fal', fakeUrl('fal'));
    if (contributesSetting('dailies.confirmSpendAboveUsd'))
      await settings.set('dailies.confirmSpendAboveUsd', 5);
    await resetFake('fal');
    lab = await makeLab(api, 'lab-keys', [{ id: 'ky-010', model: 'fal-ai/flux/schnell' }]);
  });

  suiteTeardown(async () => {
    await lab?.dispose();
    await vscode.commands.executeCommand('dailies.clearKey', 'fal');
    await settings.restore();
    delete process.env['REPLICATE_API_TOKEN'];
  });

  test('Escape at the key prompt renders nothing and calls nothing', async () => {
    const result = renderLab();
    const asked = await ui({ kind: 'input', values: [null] });
    assert.equal(asked.password, true);
    await until('the render to give up', () => result() !== undefined);
    assert.deepEqual(result(), []);
    assert.deepEqual(await received('fal'), []);
  });

  test('the batch waits on a password box with the key page; a bad key is refused, a good one renders', async () => {
    const result = renderLab();
    const asked = await ui({
      kind: 'input',
      values: ['https://fal.ai/dashboard/keys', TYPED_KEY],
      screenshot: '12-key-prompt',
    });
    assert.equal(asked.password, true, 'the key must be typed into a password box');
    assert.match(asked.text ?? '', /fal\.ai API key/);
    assert.match(asked.text ?? '', /1 shot of Lab lab-keys renders on fal\.ai/);
    assert.ok(
      asked.links?.some((l) => l.includes('fal.ai/dashboard/keys')),
      `no link to the key page: ${JSON.stringify(asked.links)}`,
    );
    assert.match(asked.validations?.[0] ?? '', /key-id:key-secret/, 'a URL pasted as a key is refused');
    assert.equal(asked.validations?.[1] ?? '', '', 'a well-formed key is accepted');
    await until('the render to finish', () => result() !== undefined, { timeoutMs: 60_000 });
    assert.equal(result()?.[0]?.shots.rendered, 1, JSON.stringify(result()));
    const submit = (await received('fal')).find((r) => r.route === 'submit');
    assert.equal(submit?.headers['authorization'], `Key ${TYPED_KEY}`);
  });

  test('Clear Key lists the providers with a key and where it comes from', async () => {
    process.env['REPLICATE_API_TOKEN'] = E2E_REPLICATE_TOKEN;
    void vscode.commands.executeCommand('dailies.clearKey');
    const pick = await ui({ kind: 'quickpick', pick: ['fal.ai'], screenshot: '13-clear-key' });
    assert.equal(pick.rows?.length, 1, `only a stored key can be cleared: ${JSON.stringify(pick.rows)}`);
    assert.match(pick.rows?.[0] ?? '', /fal\.ai.*key in secret storage/);
    assert.match(pick.placeholder ?? '', /Replicate: key from REPLICATE_API_TOKEN/);
    await ui({ kind: 'notification', containing: 'fal.ai key cleared' });
    void vscode.commands.executeCommand('dailies.clearKey');
    const none = await ui({ kind: 'notification', containing: 'no key is stored' });
    assert.match(none.text ?? '', /fal\.ai: no key/);
  });
});
