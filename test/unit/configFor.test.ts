// One way to assemble a production's configuration, shared by the CLI and the extension (issue 11 items
// 11 and 14): built-in defaults < the project's own `limits` < what the user set (settings or flags) <
// environment variables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFor, DEFAULT_CONFIG, envLayer } from '../../src/core/config';
import type { Project } from '../../src/core/project/schema';

const project = { dailies: 1, limits: { light: 2, heavy: 1 }, shots: [] } as unknown as Project;

describe('configFor', () => {
  it("the project's limits beat the built-in defaults", () => {
    const c = configFor({ project, host: {}, hostKind: 'settings', env: {} });
    assert.deepEqual(c.limits, { light: 2, heavy: 1, video: DEFAULT_CONFIG.limits.video });
  });

  it('what the user set beats the project, and the environment beats both', () => {
    const c = configFor({
      project,
      host: { limits: { light: 5 } },
      hostKind: 'settings',
      env: envLayer({ DAILIES_LIMIT_HEAVY: '3' }),
    });
    assert.deepEqual(c.limits, { light: 5, heavy: 3, video: 2 });
  });

  it('without a project (before the first plan) it is defaults < user < env', () => {
    const c = configFor({ host: { thumbnails: { size: 128 } }, hostKind: 'cli', env: {} });
    assert.equal(c.thumbnails.size, 128);
    assert.equal(c.thumbnails.quality, DEFAULT_CONFIG.thumbnails.quality);
  });

  it('says where the provider override and the default model came from, in the words of each surface', () => {
    const fromSettings = configFor({ host: { providerOverride: 'fal' }, hostKind: 'settings', env: {} });
    assert.match(fromSettings.origin.providerOverride?.by ?? '', /dailies\.defaultProvider/);
    assert.match(fromSettings.origin.providerOverride?.change ?? '', /dailies\.defaultProvider to "auto"/);
    assert.match(fromSettings.origin.defaultModel?.by ?? '', /built-in default/);
    assert.match(fromSettings.origin.defaultModel?.change ?? '', /dailies\.defaultModel/);
    const fromCli = configFor({ host: { providerOverride: 'fal' }, hostKind: 'cli', env: {} });
    assert.match(fromCli.origin.providerOverride?.change ?? '', /--provider/);
    const fromEnv = configFor({
      host: { providerOverride: 'replicate' },
      hostKind: 'cli',
      env: envLayer({ DAILIES_PROVIDER: 'fal', DAILIES_MODEL: 'x/y' }),
    });
    assert.equal(fromEnv.providerOverride, 'fal');
    assert.match(fromEnv.origin.providerOverride?.by ?? '', /DAILIES_PROVIDER/);
    assert.match(fromEnv.origin.defaultModel?.change ?? '', /DAILIES_MODEL/);
  });
});
