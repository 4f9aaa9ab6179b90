// Issue 10 item 8: a workspace's .vscode/settings.json must not be able to send keys to its own host or
// spend money on the user's behalf. VS Code enforces setting scopes, so the manifest is the promise:
// base URLs and the ffmpeg binary are machine settings (a workspace value is ignored), the settings that
// spend are machine-overridable (a workspace can only override them where the user allows), and an
// untrusted workspace gets the restricted capabilities.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

interface Setting {
  scope?: string;
}
interface Manifest {
  contributes: {
    configuration: { properties: Record<string, Setting> } | { properties: Record<string, Setting> }[];
  };
  capabilities?: {
    untrustedWorkspaces?: { supported?: boolean | string; restrictedConfigurations?: string[] };
  };
}

const manifest = JSON.parse(
  readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'),
) as Manifest;
const sections = manifest.contributes.configuration;
const settings: Record<string, Setting> = Object.assign(
  {},
  ...(Array.isArray(sections) ? sections : [sections]).map((s) => s.properties),
);

describe('setting scopes (what a workspace may set)', () => {
  it('base URLs and executables are machine settings: a workspace cannot redirect requests or run a binary', () => {
    const machine = Object.keys(settings).filter((k) => /^dailies\.baseUrl\.|Path$/.test(k));
    assert.ok(machine.includes('dailies.baseUrl.fal') && machine.includes('dailies.baseUrl.replicate'));
    for (const key of machine) assert.equal(settings[key]?.scope, 'machine', key);
  });

  it('settings that decide a spend are machine-overridable', () => {
    for (const key of ['dailies.defaultProvider', 'dailies.renderOnSave', 'dailies.confirmSpendAboveUsd'])
      assert.equal(settings[key]?.scope, 'machine-overridable', key);
  });

  it('an untrusted workspace is supported in a restricted mode that ignores its spending settings', () => {
    const untrusted = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(untrusted?.supported, 'limited');
    for (const key of ['dailies.defaultProvider', 'dailies.renderOnSave'])
      assert.ok(untrusted?.restrictedConfigurations?.includes(key), `${key} is not restricted`);
  });
});
