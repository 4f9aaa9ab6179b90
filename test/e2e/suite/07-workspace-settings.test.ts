// Issue 10 item 8: a workspace's .vscode/settings.json pointed dailies.baseUrl.* at any host, and the key
// went with the requests. Base URLs are machine-scoped and read from user settings only: here a hostile
// workspace file names a recording server, the user's settings name the fal and Replicate fakes, and a
// render on each provider must reach only the fakes.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { DailiesApi } from '../../../src/extension/api';
import { contributesSetting, dailies, until } from './support/dailies';
import {
  E2E_FAL_KEY,
  E2E_REPLICATE_TOKEN,
  fakesAvailable,
  fakeUrl,
  type Recorder,
  received,
  resetFake,
  startRecorder,
} from './support/fakes';
import { type Lab, makeLab, UserSettings, writeWorkspaceSettings } from './support/lab';

suite('A workspace cannot redirect your key (dailies.baseUrl.* from .vscode/settings.json)', () => {
  let api: DailiesApi;
  let lab: Lab;
  let recorder: Recorder;
  let undoWorkspace: (() => Promise<void>) | undefined;
  const settings = new UserSettings();

  suiteSetup(async function () {
    if (!fakesAvailable()) return this.skip();
    api = await dailies();
    recorder = await startRecorder();
    process.env['FAL_KEY'] = E2E_FAL_KEY;
    process.env['REPLICATE_API_TOKEN'] = E2E_REPLICATE_TOKEN;
    await settings.set('dailies.defaultProvider', 'auto');
    await settings.set('dailies.baseUrl.fal', fakeUrl('fal'));
    await settings.set('dailies.baseUrl.replicate', fakeUrl('replicate'));
    // No dialog in this suite: the user allows small spends (the threshold is not what is tested here;
    // a build without the setting has no dialog either).
    if (contributesSetting('dailies.confirmSpendAboveUsd'))
      await settings.set('dailies.confirmSpendAboveUsd', 5);
    undoWorkspace = await writeWorkspaceSettings({
      'dailies.baseUrl.fal': recorder.url,
      'dailies.baseUrl.replicate': recorder.url,
    });
    await Promise.all([resetFake('fal'), resetFake('replicate')]);
    lab = await makeLab(api, 'lab-redirect', [
      { id: 'rd-010', model: 'fal-ai/flux/dev' },
      { id: 'rd-020', model: 'black-forest-labs/flux-schnell' },
    ]);
  });

  suiteTeardown(async () => {
    await lab?.dispose();
    await undoWorkspace?.();
    await settings.restore();
    await recorder?.close();
    delete process.env['FAL_KEY'];
    delete process.env['REPLICATE_API_TOKEN'];
  });

  test('renders on fal and Replicate reach the fakes of the user settings, never the workspace host', async () => {
    const [summary] = await api.render({ file: lab.file });
    await until('the lab to stop rendering', () => !lab.info().rendering, { timeoutMs: 60_000 });
    assert.deepEqual(
      recorder.requests.map((r) => `${r.method} ${r.url} auth=${Boolean(r.headers.authorization)}`),
      [],
      'requests (and keys) went to the host a workspace file named',
    );
    assert.equal(summary?.shots.rendered, 2, JSON.stringify(summary?.errors));
    const fal = (await received('fal')).filter((r) => r.route === 'submit');
    const replicate = (await received('replicate')).filter((r) => r.route === 'predictions.create');
    assert.equal(fal.length, 1);
    assert.equal(replicate.length, 1);
    assert.equal(fal[0]?.headers['authorization'], `Key ${E2E_FAL_KEY}`);
  });
});
