// The same in-host suite under @vscode/test-electron, for machines that can download VS Code:
//   npm run test:electron        (node --import tsx test/e2e/electron.ts)
// Desktop VS Code 1.100.3 (the VS Code of code-server 4.100.3) opens a throw-away copy of the workspace
// with Dailies loaded from this repo (extensionDevelopmentPath: build first) and calls the runner's
// `run()` — the one code-server's runner extension calls. No UI is driven here, so the suite renders the
// example itself. DAILIES_VSCODE_EXECUTABLE uses an installed VS Code instead of downloading one; on a
// headless Linux box run this under xvfb-run.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { buildRunner, ensureVsix } from './harness/build';
import { OUT_DIR, REPO, RUNNER_DIR, say } from './harness/env';
import { hostEnv, makeWorld } from './harness/workspace';
import { formatReport, isSuiteResults } from './host/results';

const VERSION = process.env['DAILIES_VSCODE_VERSION'] ?? '1.100.3';
// Beside, not inside, test-output/e2e/: each runner clears its own folder.
const OUT = path.join(path.dirname(OUT_DIR), 'e2e-electron');

async function vscodeExecutable(): Promise<string> {
  const given = process.env['DAILIES_VSCODE_EXECUTABLE'];
  if (given) return given;
  try {
    return await downloadAndUnzipVSCode({
      version: VERSION,
      timeout: 30_000,
      cachePath: path.join(REPO, '.vscode-test'),
    });
  } catch (err) {
    throw new Error(
      `could not download VS Code ${VERSION} for @vscode/test-electron: ${err instanceof Error ? err.message : String(err)}\n` +
        'This machine cannot reach update.code.visualstudio.com. Run the same suite in code-server instead ' +
        '(npm run test:vscode), or set DAILIES_VSCODE_EXECUTABLE to an installed VS Code.',
    );
  }
}

async function main(): Promise<number> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  // Before building: without VS Code there is nothing to build for.
  const executable = await vscodeExecutable();
  say(`VS Code: ${executable}`);
  await ensureVsix();
  await buildRunner();
  const world = makeWorld(path.join(OUT, 'results.json'));
  // test-electron starts VS Code with our environment plus extensionTestsEnv; hostEnv drops the
  // DAILIES_* variables that would override the settings, so take them out of ours.
  const env = hostEnv(world);
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: path.join(RUNNER_DIR, 'dist', 'runner.js'),
      extensionTestsEnv: { DAILIES_E2E_RESULTS: world.resultsFile, DAILIES_E2E_PRISTINE: world.pristineFile },
      launchArgs: [
        world.folder,
        '--user-data-dir',
        world.userDataDir,
        '--extensions-dir',
        world.extensionsDir,
        // Every other extension off; the one under development (Dailies) stays on.
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
      ],
    });
  } catch (err) {
    say(`VS Code exited with a failure: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    rmSync(world.root, { recursive: true, force: true });
  }
  let results: unknown;
  try {
    results = JSON.parse(readFileSync(world.resultsFile, 'utf8'));
  } catch {
    console.error(`no results in ${world.resultsFile}: the suite did not run to the end`);
    return 1;
  }
  if (!isSuiteResults(results)) return 1;
  console.log(formatReport(results));
  return results.failures === 0 && results.passes > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`\ntest:electron FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
