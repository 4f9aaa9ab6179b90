// Extension activation, measured in this run: the packaged extension (the VSIX `npm run package`
// builds) installed into code-server 4.100.3 (VS Code 1.100.3, the e2e harness's cached install), a
// fresh user-data dir and workspace each time, the workbench opened in headless Chromium; the figure is
// the "activated in N ms" line activate() writes to Dailies' output channel (time inside activate(),
// from its first statement to the end of its registrations). Median of RUNS fresh windows.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { ensureVsix } from '../test/e2e/harness/build';
import { installCodeServer, installExtensions, startCodeServer } from '../test/e2e/harness/codeServer';
import { VSIX } from '../test/e2e/harness/env';
import { cleanupAll, onCleanup } from '../test/e2e/harness/processes';
import { waitFor } from '../test/e2e/harness/wait';
import { Workbench } from '../test/e2e/harness/workbench';
import { makeWorld } from '../test/e2e/harness/workspace';
import { chromiumLaunchOptions } from '../test/helpers/chromium';
import { type BenchRow, median } from './lib/report';

/** The "activated in N ms" of the newest Dailies output-channel log under `dir`. */
function activationFromLogs(dir: string): number | undefined {
  if (!existsSync(dir)) return undefined;
  const logs: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('Dailies.log')) logs.push(p);
    }
  };
  walk(dir);
  for (const log of logs) {
    const m = /activated in (\d+) ms/.exec(readFileSync(log, 'utf8'));
    if (m) return Number(m[1]);
  }
  return undefined;
}

async function oneWindow(run: number): Promise<number> {
  const world = makeWorld(path.join(path.dirname(VSIX), `activation-results-${run}.json`));
  onCleanup('activation workspace', () => rmSync(world.root, { recursive: true, force: true }));
  await installExtensions(world, [VSIX]);
  const server = await startCodeServer(world, path.join(world.root, 'code-server.log'));
  const browser = await chromium.launch({
    ...(await chromiumLaunchOptions()),
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  onCleanup('chromium', () => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await new Workbench(page, world.root).open(server.url, world.folder);
  return waitFor(
    "Dailies' activation line in its output log",
    () => activationFromLogs(path.join(world.userDataDir, 'logs')),
    { timeoutMs: 60_000, everyMs: 250 },
  );
}

export async function runActivationBench(): Promise<BenchRow[]> {
  const RUNS = Number(process.env.DAILIES_BENCH_ACTIVATION_RUNS ?? 3);
  await ensureVsix();
  await installCodeServer();
  const samples: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      samples.push(await oneWindow(run));
      await cleanupAll();
    }
  } finally {
    await cleanupAll();
  }
  return [
    {
      bench: 'extension',
      metric: `activate() in code-server 4.100.3 (VS Code 1.100.3), median of ${RUNS} fresh windows`,
      value: median(samples),
      unit: 'ms',
      goal: '< 100 ms',
      ok: median(samples) < 100,
      note: `timed inside activate() (its "activated in N ms" log line); runs: ${samples.join(', ')} ms`,
    },
  ];
}
