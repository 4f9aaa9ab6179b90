// Issue 11 item 10: the first key request was a toast that hid itself while the batch waited. Now it is an
// input box that stays until answered — password, validated, with a link to the provider's key page — and
// "Clear Key" shows which providers have a key and where it comes from. A fal base URL is a server proxy
// that holds the key (issue 11 item 16): then nothing asks for one, and no key leaves the laptop.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import type { BatchSummary } from '../../../src/shared/events';
import { contributesSetting, dailies, until } from './support/dailies';
import {
  E2E_FAL_KEY,
  E2E_REPLICATE_TOKEN,
  fakesAvailable,
  fakeUrl,
  received,
  resetFake,
} from './support/fakes';
import { type Lab, makeLab, UserSettings } from './support/lab';
import { ui, uiAvailable } from './support/ui';

suite('Keys: asked for in an input box, listed when cleared', () => {
  let api: DailiesApi;
  let lab: Lab;
  let proxied: Lab;
  const settings = new UserSettings();

  const renderLab = (force = false, on: Lab = lab) => {
    let done: BatchSummary[] | undefined;
    api.render({ file: on.file, force }).then((r) => {
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
    await settings.set('dailies.baseUrl.replicate', fakeUrl('replicate'));
    if (contributesSetting('dailies.confirmSpendAboveUsd'))
      await settings.set('dailies.confirmSpendAboveUsd', 5);
    await resetFake('fal');
    await resetFake('replicate');
    lab = await makeLab(api, 'lab-keys', [{ id: 'ky-010', model: 'black-forest-labs/flux-schnell' }]);
    proxied = await makeLab(api, 'lab-proxy', [{ id: 'px-010', model: 'fal-ai/flux/schnell' }]);
  });

  suiteTeardown(async () => {
    await lab?.dispose();
    await proxied?.dispose();
    await vscode.commands.executeCommand('dailies.clearKey', 'replicate');
    await settings.restore();
    delete process.env['FAL_KEY'];
  });

  test('Escape at the key prompt renders nothing and calls nothing', async () => {
    const result = renderLab();
    const asked = await ui({ kind: 'input', values: [null] });
    assert.equal(asked.password, true);
    await until('the render to give up', () => result() !== undefined);
    assert.deepEqual(result(), []);
    assert.deepEqual(await received('replicate'), []);
  });

  test('the batch waits on a password box with the key page; a bad key is refused, a good one renders', async () => {
    const result = renderLab();
    const asked = await ui({
      kind: 'input',
      values: ['https://replicate.com/account/api-tokens', E2E_REPLICATE_TOKEN],
      screenshot: '12-key-prompt',
    });
    assert.equal(asked.password, true, 'the key must be typed into a password box');
    assert.match(asked.text ?? '', /Replicate API key/);
    assert.match(asked.text ?? '', /1 shot of Lab lab-keys renders on Replicate/);
    assert.ok(
      asked.links?.some((l) => l.includes('replicate.com/account/api-tokens')),
      `no link to the key page: ${JSON.stringify(asked.links)}`,
    );
    assert.match(asked.validations?.[0] ?? '', /starts with r8_/, 'a URL pasted as a key is refused');
    assert.equal(asked.validations?.[1] ?? '', '', 'a well-formed key is accepted');
    await until('the render to finish', () => result() !== undefined, { timeoutMs: 60_000 });
    assert.equal(result()?.[0]?.shots.rendered, 1, JSON.stringify(result()));
    const submit = (await received('replicate')).find((r) => r.route === 'predictions.create');
    assert.equal(submit?.headers['authorization'], `Bearer ${E2E_REPLICATE_TOKEN}`);
  });

  test('a fal base URL is a server proxy: no key is asked for, and none is sent', async () => {
    const result = renderLab(false, proxied);
    // A key prompt would hold the batch: it finishes on its own, whatever the proxy answered.
    await until('the render to finish', () => result() !== undefined, { timeoutMs: 60_000 });
    const sent = await received('fal');
    assert.ok(sent.length > 0, 'the request went to the base URL');
    assert.ok(
      sent.every((r) => r.headers['authorization'] === undefined),
      JSON.stringify(sent.map((r) => r.headers['authorization'])),
    );
  });

  test('Clear Key lists the providers with a key and where it comes from', async () => {
    process.env['FAL_KEY'] = E2E_FAL_KEY;
    void vscode.commands.executeCommand('dailies.clearKey');
    const pick = await ui({ kind: 'quickpick', pick: ['Replicate'], screenshot: '13-clear-key' });
    assert.equal(pick.rows?.length, 1, `only a stored key can be cleared: ${JSON.stringify(pick.rows)}`);
    assert.match(pick.rows?.[0] ?? '', /Replicate.*key in secret storage/);
    assert.match(pick.placeholder ?? '', /fal\.ai: key from FAL_KEY/);
    await ui({ kind: 'notification', containing: 'Replicate key cleared' });
    void vscode.commands.executeCommand('dailies.clearKey');
    const none = await ui({ kind: 'notification', containing: 'no key is stored' });
    assert.match(none.text ?? '', /Replicate: no key/);
  });
});
