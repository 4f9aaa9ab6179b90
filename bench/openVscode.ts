// 9. Opening a 10,000-shot production in a real VS Code (code-server + Chromium, as the e2e run): from
// navigating to the folder until the status bar shows "10,000 shots …" and until the Shots view shows the
// production's scene rows, against the workbench's own readiness (its status bar part) in the same load.
// Each load clicks the Dailies view open as soon as the workbench is up; the first load only warms up,
// the figures are the median of the later loads. Skipped, with a row saying so, when code-server is not
// installed (`scripts/e2e/install-code-server.sh`).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ensureVsix } from '../test/e2e/harness/build';
import { installExtensions, startCodeServer } from '../test/e2e/harness/codeServer';
import { CODE_SERVER, VSIX } from '../test/e2e/harness/env';
import { cleanupAll } from '../test/e2e/harness/processes';
import { USER_SETTINGS, type World } from '../test/e2e/harness/workspace';
import { chromiumLaunchOptions } from '../test/helpers/chromium';
import { tempDir } from '../test/helpers/tempProject';
import { makeBigProject } from './lib/bigProject';
import type { BenchRow } from './lib/report';

const LOADS = Number(process.env['DAILIES_BENCH_LOADS'] ?? 4);
const STATUS = '[id="dailies.dailies.dailies.status"]';
const SCENE_ROW = '.part.sidebar .monaco-list-row .label-name';
const ACTIVITY = '.part.activitybar .action-label[aria-label="Dailies"]';

/** Per extension host (one per page load, in order): from activation start to "N shots planned". */
function activationToPlan(userDataDir: string): number[] {
  const out: { at: number; ms: number }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name === 'Dailies.log') {
        const text = readFileSync(file, 'utf8');
        const stamp = (line: string | undefined) =>
          line ? Date.parse(line.slice(0, 23).replace(' ', 'T')) : NaN;
        const activated = /^(.{23}) .*activated in (\d+) ms$/m.exec(text);
        const planned = text.split('\n').find((l) => /shots planned in \d+ ms$/.test(l));
        if (!activated || !planned) continue;
        const start = stamp(activated[1]) - Number(activated[2]);
        out.push({ at: start, ms: stamp(planned) - start });
      }
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return out.sort((a, b) => a.at - b.at).map((x) => x.ms);
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

async function load(page: Page, url: string, folder: string) {
  const t0 = performance.now();
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 120_000 });
  const workbench = performance.now() - t0;
  // The user opens the Shots view as soon as the workbench is there (a new page does not restore it).
  await page.locator(ACTIVITY).click({ timeout: 120_000 });
  const [status, tree] = await Promise.all([
    page
      .locator(STATUS, { hasText: /10,000 shots/ })
      .waitFor({ timeout: 120_000 })
      .then(() => performance.now() - t0),
    page
      .locator(SCENE_ROW, { hasText: /^Scene 1$/ })
      .first()
      .waitFor({ timeout: 120_000 })
      .then(() => performance.now() - t0),
  ]);
  return { workbench, status, tree };
}

export async function runOpenVscodeBench(): Promise<BenchRow[]> {
  if (!existsSync(CODE_SERVER)) {
    return [
      {
        bench: 'open 10k in VS Code',
        metric: 'skipped: code-server or Chromium is not installed',
        value: 0,
        unit: '',
      },
    ];
  }
  await ensureVsix();
  const big = await makeBigProject();
  const root = tempDir('dailies-bench-vs-');
  const world: World = {
    root,
    folder: big.dir,
    projectFile: big.file,
    pristineFile: big.file,
    userDataDir: path.join(root, 'ud'),
    extensionsDir: path.join(root, 'ext'),
    resultsFile: path.join(root, 'results.json'),
    consoleLog: path.join(root, 'browser-console.log'),
  };
  mkdirSync(path.join(world.userDataDir, 'User'), { recursive: true });
  mkdirSync(world.extensionsDir);
  writeFileSync(path.join(world.userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS));
  try {
    await installExtensions(world, [VSIX]);
    const server = await startCodeServer(world, path.join(root, 'code-server.log'));
    const browser = await chromium.launch(await chromiumLaunchOptions());
    try {
      // A first load warms the caches (OS files, code-server's own) and writes .dailies/hashes.json.
      const first = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      await load(first, server.url, big.dir);
      await first.close({ runBeforeUnload: true });
      const runs: { workbench: number; status: number; tree: number }[] = [];
      for (let i = 0; i < LOADS; i++) {
        const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        runs.push(await load(page, server.url, big.dir));
        await page.close({ runBeforeUnload: true });
      }
      const base = { label: 'workbench ready', value: median(runs.map((r) => r.workbench)) };
      const row = (metric: string, value: number): BenchRow => ({
        bench: 'open 10k in VS Code',
        metric,
        value,
        unit: 'ms',
        baseline: base,
        ratio: Math.round((value / base.value) * 1000) / 1000,
        goal: '< 1 s after the workbench',
        ok: value - base.value < 1000,
      });
      const own = activationToPlan(world.userDataDir).slice(1);
      return [
        row(
          `${big.shots} shots: navigate → status bar "10,000 shots …" (code-server)`,
          median(runs.map((r) => r.status)),
        ),
        row(
          `${big.shots} shots: navigate → Shots view scene rows (code-server)`,
          median(runs.map((r) => r.tree)),
        ),
        {
          bench: 'open 10k in VS Code',
          metric: `${big.shots} shots: activate() → first look planned (Dailies' own log; the views follow)`,
          value: own.length ? median(own) : Number.NaN,
          unit: 'ms',
          goal: '< 1 s',
          ok: own.length > 0 && median(own) < 1000,
        },
      ];
    } finally {
      await browser.close();
    }
  } finally {
    await cleanupAll();
    await big.cleanup();
  }
}
