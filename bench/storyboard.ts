// Storyboard webview benchmark in headless Chromium, through the browser test harness:
//   node --import tsx bench/storyboard.ts
// For 1,000 and 10,000 shots: time from navigation to the first painted cards (the storyboard's own
// performance marks), DOM size, image bytes fetched for the first screen, and frame times while the grid
// scrolls at wheel speed (120 px per frame) and at fling speed (¾ of a viewport per frame). Each figure
// is the median of RUNS fresh browser contexts.
//
// The snapshot is staged in the page before navigation (FakeHost.stage), so first paint measures the
// webview: page load, the snapshot's structured clone, filtering, layout and the first frame. The same
// figure with the snapshot carried from node through Playwright's pipe is reported as firstPaintViaPipeMs;
// that pipe is much slower than VS Code's IPC, so it is an upper bound.
import type { Browser, Page } from 'playwright-core';
import type { StoryboardSnapshot } from '../src/shared/protocol';
import { FakeHost } from '../test/webview/fakeHost';
import { storyboardSnapshot } from '../test/webview/fixtures';
import { ensureWebviewsBuilt, type Harness, launchBrowser, startHarness } from '../test/webview/harness';

const SIZES = [1_000, 10_000];
const RUNS = 3;
const VIEWPORT = { width: 1280, height: 800 };
const SCROLL_FRAMES = 150;
const WHEEL_PX = 120;

interface ScrollResult {
  frameP50Ms: number;
  frameP95Ms: number;
  frameMaxMs: number;
  gridNodesAfterScroll: number;
}

interface RunResult {
  firstPaintMs: number;
  firstPaintViaPipeMs: number;
  webviewMs: number;
  domNodes: number;
  gridNodes: number;
  imageRequests: number;
  imageBytes: number;
  wheel: ScrollResult;
  fling: ScrollResult;
}

/** What the page functions below return; they run in the browser, so they only see page globals. */
interface PageMeasure {
  firstPaintMs: number;
  snapshotMs: number;
  domNodes: number;
  gridNodes: number;
  imageRequests: number;
  imageBytes: number;
}

export async function runStoryboardBench(): Promise<Record<string, unknown>[]> {
  ensureWebviewsBuilt();
  const harness = await startHarness();
  const browser = await launchBrowser();
  try {
    const rows: Record<string, unknown>[] = [];
    for (const shots of SIZES) {
      const runs: RunResult[] = [];
      for (let r = 0; r < RUNS; r++) runs.push(await measure(browser, harness, shots));
      const med = (pick: (r: RunResult) => number) => round(median(runs.map(pick)));
      rows.push({
        bench: 'storyboard',
        shots,
        firstPaintMs: med((r) => r.firstPaintMs),
        firstPaintViaPipeMs: med((r) => r.firstPaintViaPipeMs),
        snapshotToPaintMs: med((r) => r.webviewMs),
        domNodes: med((r) => r.domNodes),
        gridNodes: med((r) => r.gridNodes),
        firstScreenImages: med((r) => r.imageRequests),
        firstScreenImageKiB: round(med((r) => r.imageBytes) / 1024),
        wheelFrameP50Ms: med((r) => r.wheel.frameP50Ms),
        wheelFrameP95Ms: med((r) => r.wheel.frameP95Ms),
        flingFrameP50Ms: med((r) => r.fling.frameP50Ms),
        flingFrameP95Ms: med((r) => r.fling.frameP95Ms),
        flingFrameMaxMs: med((r) => r.fling.frameMaxMs),
        gridNodesAfterScroll: med((r) =>
          Math.max(r.wheel.gridNodesAfterScroll, r.fling.gridNodesAfterScroll),
        ),
        runs: RUNS,
      });
    }
    return rows;
  } finally {
    await browser.close();
    await harness.close();
  }
}

async function measure(browser: Browser, harness: Harness, shots: number): Promise<RunResult> {
  const snapshot = storyboardSnapshot(shots, harness);
  const staged = await openAndMeasure(browser, harness, snapshot, true, async (page) => ({
    wheel: await page.evaluate(scrollFrames, { frames: SCROLL_FRAMES, step: WHEEL_PX }),
    fling: await page.evaluate(scrollFrames, { frames: SCROLL_FRAMES, step: 0 }),
  }));
  const piped = await openAndMeasure(browser, harness, snapshot, false, async () => undefined);
  return {
    firstPaintMs: staged.first.firstPaintMs,
    firstPaintViaPipeMs: piped.first.firstPaintMs,
    webviewMs: staged.first.firstPaintMs - staged.first.snapshotMs,
    domNodes: staged.first.domNodes,
    gridNodes: staged.first.gridNodes,
    imageRequests: staged.first.imageRequests,
    imageBytes: staged.first.imageBytes,
    wheel: staged.extra.wheel,
    fling: staged.extra.fling,
  };
}

async function openAndMeasure<T>(
  browser: Browser,
  harness: Harness,
  snapshot: StoryboardSnapshot,
  stage: boolean,
  then: (page: Page) => Promise<T>,
): Promise<{ first: PageMeasure; extra: T }> {
  // A fresh context per run: an empty image cache, so first-screen bytes are really fetched.
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const host = await FakeHost.attach(page, { ready: () => snapshot });
    if (stage) await host.stage('ready', snapshot);
    await page.goto(`${harness.origin}/storyboard.html`);
    await page.waitForFunction(
      () => performance.getEntriesByName('dailies:first-paint').length > 0,
      undefined,
      {
        timeout: 15_000,
      },
    );
    await page.waitForLoadState('networkidle');
    const first = await page.evaluate(firstScreen);
    return { first, extra: await then(page) };
  } finally {
    await context.close();
  }
}

// The two functions below run in the page. tsx names every function-valued const with a `__name` helper
// that does not exist there, so their bodies use inline expressions only.

function firstScreen(): PageMeasure {
  const g = globalThis as unknown as BenchGlobals;
  const images = g.performance
    .getEntriesByType('resource')
    .filter((e) => e.initiatorType === 'img' && !e.name.includes('/thumbs/missing-'));
  return {
    firstPaintMs: g.performance.getEntriesByName('dailies:first-paint')[0]?.startTime ?? Number.NaN,
    snapshotMs: g.performance.getEntriesByName('dailies:snapshot-received')[0]?.startTime ?? Number.NaN,
    domNodes: g.document.querySelectorAll('*').length,
    gridNodes: g.document.querySelector('.vgrid')?.querySelectorAll('*').length ?? 0,
    imageRequests: images.length,
    imageBytes: images.reduce((sum, e) => sum + (e.encodedBodySize ?? 0), 0),
  };
}

/** Scrolls `step` px per frame (¾ of a viewport when 0), bouncing at the ends; records frame deltas. */
async function scrollFrames({ frames, step: px }: { frames: number; step: number }): Promise<ScrollResult> {
  const g = globalThis as unknown as BenchGlobals;
  const grid = g.document.querySelector('.vgrid');
  if (!grid) throw new Error('no grid');
  const step = px || Math.round(grid.clientHeight * 0.75);
  const max = grid.scrollHeight - grid.clientHeight;
  const deltas: number[] = [];
  let direction = 1;
  let last = await new Promise<number>((resolve) => g.requestAnimationFrame(resolve));
  for (let i = 0; i < frames; i++) {
    let top = grid.scrollTop + direction * step;
    if (top > max || top < 0) {
      direction = -direction;
      top = Math.min(max, Math.max(0, grid.scrollTop + direction * step));
    }
    grid.scrollTop = top;
    const now = await new Promise<number>((resolve) => g.requestAnimationFrame(resolve));
    deltas.push(now - last);
    last = now;
  }
  deltas.sort((a, b) => a - b);
  return {
    frameP50Ms: deltas[Math.floor(0.5 * deltas.length)] ?? Number.NaN,
    frameP95Ms: deltas[Math.min(deltas.length - 1, Math.floor(0.95 * deltas.length))] ?? Number.NaN,
    frameMaxMs: deltas[deltas.length - 1] ?? Number.NaN,
    gridNodesAfterScroll: grid.querySelectorAll('*').length,
  };
}

interface GridLike {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  querySelectorAll(selector: string): { length: number };
}

interface BenchGlobals {
  performance: {
    getEntriesByName(name: string): { startTime: number }[];
    getEntriesByType(type: 'resource'): { name: string; initiatorType: string; encodedBodySize?: number }[];
  };
  document: {
    querySelectorAll(selector: string): { length: number };
    querySelector(selector: string): GridLike | null;
  };
  requestAnimationFrame(callback: (time: number) => void): number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

if (process.argv[1]?.replace(/\\/g, '/').endsWith('bench/storyboard.ts')) {
  runStoryboardBench()
    .then((rows) => {
      console.table(rows);
      console.log(JSON.stringify(rows, null, 2));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
