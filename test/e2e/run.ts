// The end-to-end run in a real VS Code (code-server) driven through Chromium, on a fresh machine:
//   npm run test:vscode        (node --import tsx test/e2e/run.ts)
// build → install code-server (cached) → throw-away workspace → install the VSIX + link the runner →
// start code-server → drive the UI (harness/scenario.ts) → run the in-host mocha suite from the palette
// → print its report; then a second session with workspace trust on and the folder untrusted runs the
// Restricted Mode suite. The provider fakes run beside code-server, and a UI servant (harness/uiServant.ts)
// does in the UI what the in-host tests ask (answer a dialog, type a key, click the storyboard).
// Screenshots, logs and results go to test-output/e2e/. Exit code 0 only if every UI check and every
// in-host test passed. DAILIES_E2E_KEEP=1 keeps the temp workspace (kept anyway on
// failure); DAILIES_E2E_VSIX tests a given VSIX; `--suite-only` skips the UI scenario.
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../helpers/chromium';
import { buildRunner, ensureVsix } from './harness/build';
import { type CodeServer, installCodeServer, installExtensions, startCodeServer } from './harness/codeServer';
import { DRAFT_LATENCY_MS, elapsedMs, OUT_DIR, say, VSIX } from './harness/env';
import { startFakes } from './harness/fakes';
import { cleanupAll, exitOnSignals, onCleanup } from './harness/processes';
import { reviewThroughTheUi } from './harness/reviewScenario';
import { type Expected, renderThroughTheUi, type UiReport } from './harness/scenario';
import { startTeam } from './harness/team';
import { UiServant } from './harness/uiServant';
import { waitFor } from './harness/wait';
import { Workbench } from './harness/workbench';
import { makeWorld, untrustedProfile, type World } from './harness/workspace';
import { formatReport, isSuiteResults, type SuiteResults } from './host/results';

/**
 * `--suite-only`: no UI scenario, the in-host suite straight away — as under test-electron, where the
 * suite has to render the example itself. Checks that path on a machine that cannot run test-electron.
 */
const SUITE_ONLY = process.argv.includes('--suite-only');
/** The title prefix of the suite that needs an untrusted window (suite/08-restricted.test.ts). */
const RESTRICTED = 'Restricted Mode';
/** DAILIES_E2E_GREP=<title>: only matching in-host tests (no Restricted Mode session unless it matches). */
const ONLY = process.env['DAILIES_E2E_GREP'] || undefined;

/** Not a failure: the second session was not asked for. */
class Skip extends Error {}

function expectedFrom(projectFile: string): Expected {
  const { shots } = JSON.parse(readFileSync(projectFile, 'utf8')) as { shots: { variations?: number }[] };
  return { shots: shots.length, variations: shots.reduce((n, s) => n + (s.variations ?? 1), 0) };
}

async function main(): Promise<number> {
  exitOnSignals();
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });

  say('build');
  await ensureVsix();
  const world = makeWorld(path.join(OUT_DIR, 'results.json'));
  let keep = process.env['DAILIES_E2E_KEEP'] === '1';
  onCleanup('temp workspace', () => {
    if (keep) say(`kept ${world.root}`);
    else rmSync(world.root, { recursive: true, force: true });
  });
  onCleanup('logs', () => copyLogs(world));
  const runnerVsix = path.join(world.root, 'dailies-e2e-runner.vsix');
  await buildRunner(runnerVsix);
  say('install code-server (cached)');
  await installCodeServer();
  say(`workspace ${world.folder} (draft latency ${DRAFT_LATENCY_MS} ms/variation)`);
  await installExtensions(world, [VSIX, runnerVsix]);
  const fakes = await startFakes();
  const uiDir = path.join(world.root, 'ui');
  const sessionEnv = {
    DAILIES_E2E_FAL_URL: fakes.fal,
    DAILIES_E2E_REPLICATE_URL: fakes.replicate,
    DAILIES_E2E_UI: uiDir,
    // The team suite's Redis, shared store and render worker (or why it skips).
    ...(await startTeam(fakes)),
  };
  // The Restricted Mode suite needs an untrusted window: it runs in the second session only.
  // DAILIES_E2E_GREP (a suite title) narrows the first session to matching tests, for a quick loop.
  const server = await startCodeServer(world, path.join(OUT_DIR, 'code-server.log'), {
    env: {
      ...sessionEnv,
      ...(ONLY ? { DAILIES_E2E_GREP: ONLY } : { DAILIES_E2E_GREP: RESTRICTED, DAILIES_E2E_GREP_INVERT: '1' }),
    },
  });

  const browser = await chromium.launch({
    ...(await chromiumLaunchOptions()),
    // Our own signal handlers end Chromium with code-server; Playwright's would race them.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  onCleanup('chromium', () => browser.close());
  // Clipboard permissions: VS Code's clipboard (Copy Prompt) goes through navigator.clipboard, which waits
  // forever for a permission a headless browser never asks the user for.
  const page = await browser.newPage({
    viewport: { width: 1600, height: 1000 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  // Extension host errors reach the workbench's console; in-host tests read them from this file.
  page.on('console', (m) => appendFileSync(world.consoleLog, `[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => appendFileSync(world.consoleLog, `[pageerror] ${e.message}\n`));
  onCleanup('browser console', () => {
    if (existsSync(world.consoleLog)) cpSync(world.consoleLog, path.join(OUT_DIR, 'browser-console.log'));
  });
  const wb = new Workbench(page, OUT_DIR);

  let ui: UiReport | undefined;
  let suite: SuiteResults | undefined;
  let restricted: SuiteResults | undefined;
  let current = server;
  let reviewed = false;
  try {
    await wb.open(server.url, world.folder);
    say('workbench ready');
    if (!SUITE_ONLY) ui = await renderThroughTheUi(wb, expectedFrom(world.pristineFile));
    suite = await runInHostSuite(wb, world.resultsFile, uiDir);
    await wb.screenshot('09-after-in-host-suite');
    if (ui) {
      // After the suite: the review loop leaves takes, notes and a restored prompt in the example.
      const checks = ui.checks;
      await reviewThroughTheUi(wb, world.projectFile, (name, ok, detail) => {
        if (!ok)
          throw new Error(
            `UI check failed: ${name}${detail === undefined ? '' : ` — ${JSON.stringify(detail)}`}`,
          );
        checks.push(name);
        say(`✓ ${name}`);
      });
      reviewed = true;
    }
    await server.stop();
    if (ONLY && !RESTRICTED.startsWith(ONLY)) throw new Skip();
    say('second session: workspace trust on, the folder untrusted (Restricted Mode)');
    const profile = untrustedProfile(world);
    const resultsFile = path.join(OUT_DIR, 'results-restricted.json');
    current = await startCodeServer(world, path.join(OUT_DIR, 'code-server-restricted.log'), {
      trust: true,
      userDataDir: profile,
      env: {
        ...sessionEnv,
        DAILIES_E2E_GREP: RESTRICTED,
        DAILIES_E2E_RESULTS: resultsFile,
        DAILIES_E2E_LOGS: path.join(profile, 'logs'),
      },
    });
    await wb.open(current.url, world.folder);
    restricted = await runInHostSuite(wb, resultsFile, uiDir);
    await wb.screenshot('19-restricted-mode');
  } catch (err) {
    if (!(err instanceof Skip)) {
      keep = true;
      await wb.screenshot('failure').catch(() => undefined);
      fail(err, current);
    }
  }
  printSummary(ui, suite, restricted);
  const green =
    (SUITE_ONLY || (ui !== undefined && reviewed)) &&
    suite !== undefined &&
    suite.failures === 0 &&
    suite.passes > 0 &&
    ((ONLY !== undefined && !RESTRICTED.startsWith(ONLY)) ||
      (restricted !== undefined && restricted.failures === 0 && restricted.passes > 0));
  if (!green) keep = true;
  return green ? 0 : 1;
}

/** Runs the in-host suite from the palette, with the UI servant at its service, until its results land. */
async function runInHostSuite(wb: Workbench, resultsFile: string, uiDir: string): Promise<SuiteResults> {
  const servant = new UiServant(wb, uiDir);
  servant.start();
  try {
    await wb.runCommand('Dailies E2E: Run Suite');
    const results = await waitFor(
      `the in-host suite's results in ${path.relative(process.cwd(), resultsFile)}`,
      () => {
        if (!existsSync(resultsFile)) return undefined;
        const parsed: unknown = JSON.parse(readFileSync(resultsFile, 'utf8'));
        if (!isSuiteResults(parsed)) throw new Error(`${resultsFile} is not a results file`);
        return parsed;
      },
      { timeoutMs: 600_000, everyMs: 500 },
    );
    console.log(`\n${formatReport(results)}`);
    return results;
  } finally {
    await servant.stop();
  }
}

function fail(err: unknown, server: CodeServer): void {
  console.error(`\nE2E FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  console.error(
    `\n--- code-server log (tail; full log: ${path.relative(process.cwd(), server.logFile)}) ---`,
  );
  console.error(server.logTail(40));
  console.error('--- end of log; extension host logs are in test-output/e2e/logs/ ---\n');
}

function printSummary(
  ui: UiReport | undefined,
  suite: SuiteResults | undefined,
  restricted: SuiteResults | undefined,
): void {
  console.log(`\nUI checks: ${ui ? `${ui.checks.length} passed` : 'did not complete'}`);
  for (const c of ui?.checks ?? []) console.log(`  ✓ ${c}`);
  if (ui) {
    console.log(`  status bar: ${ui.statusSeen.join('  →  ')}`);
    console.log(`  card progress seen: ${ui.progressSeen.slice(0, 6).join(' | ')}`);
  }
  console.log(
    `In-host suite: ${suite ? `${suite.passes} passing, ${suite.failures} failing` : 'did not run'}` +
      `; Restricted Mode session: ${restricted ? `${restricted.passes} passing, ${restricted.failures} failing` : 'did not run'}` +
      ` — total ${(elapsedMs() / 1000).toFixed(1)} s; screenshots in ${path.relative(process.cwd(), OUT_DIR)}/`,
  );
}

/** The user-data dir's logs (extension host, Dailies' output channel) survive the temp workspace. */
function copyLogs(world: World): void {
  for (const [profile, to] of [
    [world.userDataDir, 'logs'],
    [path.join(world.root, 'ud-untrusted'), 'logs-restricted'],
  ] as const) {
    const logs = path.join(profile, 'logs');
    if (existsSync(logs)) cpSync(logs, path.join(OUT_DIR, to), { recursive: true });
  }
}

main()
  .catch((err: unknown) => {
    console.error(
      `\nE2E FAILED before the UI run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  })
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  });
