// A throw-away world for one run: a workspace holding a copy of the example (as a user would copy it: its
// schema comes from the extension's jsonValidation, not from a path into this repo) and an Nx app whose
// project.json Dailies must leave alone, a pristine copy of the example's project.json outside it, and a
// user-data dir whose settings keep VS Code quiet and make draft renders slow enough to watch.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DRAFT_LATENCY_MS, EXAMPLE_DIR } from './env';

export interface World {
  root: string;
  folder: string;
  projectFile: string;
  pristineFile: string;
  userDataDir: string;
  extensionsDir: string;
  resultsFile: string;
  /** The browser console of the workbench, appended as it comes (errors the extension host forwards). */
  consoleLog: string;
}

const NX_PROJECT = {
  name: 'web',
  $schema: '../../node_modules/nx/schemas/project-schema.json',
  projectType: 'application',
  sourceRoot: 'apps/web/src',
  targets: {
    build: {
      executor: '@nx/vite:build',
      outputs: ['{options.outputPath}'],
      options: { outputPath: 'dist/apps/web' },
    },
    serve: { executor: '@nx/vite:dev-server', options: { buildTarget: 'web:build' } },
  },
  tags: ['scope:web'],
};

export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'dailies.defaultProvider': 'draft',
  'dailies.draft.latencyMs': DRAFT_LATENCY_MS,
};

/** A second profile whose folder is not trusted: workspace trust on, no prompt, Restricted Mode. */
export function untrustedProfile(world: World): string {
  const dir = path.join(world.root, 'ud-untrusted');
  mkdirSync(path.join(dir, 'User'), { recursive: true });
  const settings = {
    ...USER_SETTINGS,
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    'security.workspace.trust.emptyWindow': false,
  };
  writeFileSync(path.join(dir, 'User', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  return dir;
}

export function makeWorld(resultsFile: string): World {
  // Short: code-server puts a unix socket in the user-data dir, and socket paths stop at 107 bytes.
  const root = mkdtempSync(path.join(tmpdir(), 'dailies-e2e-'));
  const folder = path.join(root, 'ws');
  const example = path.join(folder, 'examples', 'night-train');
  cpSync(EXAMPLE_DIR, example, {
    recursive: true,
    filter: (src) => !/[\\/](\.dailies|renders)$/.test(src),
  });
  mkdirSync(path.join(folder, 'apps', 'web'), { recursive: true });
  writeFileSync(path.join(folder, 'apps', 'web', 'project.json'), `${JSON.stringify(NX_PROJECT, null, 2)}\n`);

  const projectFile = path.join(example, 'project.json');
  const pristineFile = path.join(root, 'pristine-project.json');
  cpSync(projectFile, pristineFile);

  const userDataDir = path.join(root, 'ud');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    `${JSON.stringify(USER_SETTINGS, null, 2)}\n`,
  );
  const extensionsDir = path.join(root, 'ext');
  mkdirSync(extensionsDir);
  const consoleLog = path.join(root, 'browser-console.log');
  return { root, folder, projectFile, pristineFile, userDataDir, extensionsDir, resultsFile, consoleLog };
}

/**
 * The environment of a VS Code host: ours, without anything that would override the settings above, plus
 * what the suite needs to reach the fakes, the UI servant and the logs (`extra`).
 */
export function hostEnv(world: World, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Dailies' env layer wins over settings, and keys would make "auto" pick a cloud provider.
    if (k.startsWith('DAILIES_') || k === 'FAL_KEY' || k === 'REPLICATE_API_TOKEN') continue;
    env[k] = v;
  }
  env['DAILIES_E2E_RESULTS'] = world.resultsFile;
  env['DAILIES_E2E_PRISTINE'] = world.pristineFile;
  // Where the host's errors end up, so in-host tests can check what was logged: its own log files, and
  // the workbench's console (code-server forwards extension errors there), which run.ts writes down.
  env['DAILIES_E2E_USER_DATA'] = world.userDataDir;
  env['DAILIES_E2E_CONSOLE_LOG'] = world.consoleLog;
  env['DAILIES_E2E_LOGS'] = path.join(world.userDataDir, 'logs');
  return { ...env, ...extra };
}
