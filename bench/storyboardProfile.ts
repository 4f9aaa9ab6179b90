// Where the storyboard's time goes, for a developer chasing a frame: loads N shots as the bench does,
// then traces (DevTools protocol tracing, devtools.timeline) either the first paint or a wheel scroll
// under CPU throttling, and prints the main thread's self time by trace event and, from the JS sampling
// profiler, the hottest page functions.
//   node --import tsx bench/storyboardProfile.ts [--shots=1000] [--phase=scroll|paint] [--throttle=1]
//        [--pre=<page code run before the scroll>]
//        [--frames=150] [--step=120] [--trace=out.json]
// Not part of `npm run bench`: it reports causes, not figures.
import { writeFileSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';
import { FakeHost } from '../test/webview/fakeHost';
import { FixtureBoard } from '../test/webview/fixtures';
import { ensureWebviewsBuilt, launchBrowser, startHarness } from '../test/webview/harness';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const SHOTS = Number(arg('shots') ?? 1000);
const PHASE = arg('phase') ?? 'scroll';
const THROTTLE = Number(arg('throttle') ?? 1);
const FRAMES = Number(arg('frames') ?? 150);
const STEP = Number(arg('step') ?? 120);

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  /** Thread (CPU) time: what the task cost, whatever else the machine was doing. */
  tdur?: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

async function main(): Promise<void> {
  ensureWebviewsBuilt();
  const harness = await startHarness();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const board = new FixtureBoard(SHOTS, harness);
    const host = await FakeHost.attach(page, { ready: () => board.snapshot() });
    await host.stage('ready', JSON.stringify(board.snapshot()), { asJson: true });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    if (PHASE === 'paint') {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
      await browser.startTracing(page, { categories: CATEGORIES });
      await cdp.send('Profiler.start');
      await page.goto(`${harness.origin}/storyboard.html`);
      await page.waitForFunction(() => performance.getEntriesByName('dailies:first-paint').length > 0);
    } else {
      await page.goto(`${harness.origin}/storyboard.html`);
      await page.waitForFunction(() => performance.getEntriesByName('dailies:first-paint').length > 0);
      await page.waitForLoadState('networkidle');
      // An experiment: page code to run before the scroll (e.g. hide a part of the card).
      const pre = arg('pre');
      if (pre) await page.evaluate(pre);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
      await browser.startTracing(page, { categories: CATEGORIES });
      await cdp.send('Profiler.start');
      await scroll(page);
    }
    const { profile } = await cdp.send('Profiler.stop');
    const trace = await browser.stopTracing();
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    const file = arg('trace');
    if (file) writeFileSync(file, trace);
    const marks = await page.evaluate(() =>
      performance
        .getEntriesByType('mark')
        .map((m) => `${m.name} ${Math.round(m.startTime)}`)
        .join('\n'),
    );
    console.log(`marks:\n${marks}`);
    summariseTrace(JSON.parse(trace.toString()).traceEvents as TraceEvent[]);
    summariseProfile(profile);
    await context.close();
    await closeQuietly(cdp);
  } finally {
    await browser.close();
    await harness.close();
  }
}

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'blink',
  'cc',
  'gpu',
  'v8.execute',
  ...(arg('invalidations') ? ['disabled-by-default-devtools.timeline.invalidationTracking'] : []),
];

async function scroll(page: Page): Promise<void> {
  // As text: the root tsconfig has no DOM types, and tsx would wrap a function in helpers the page lacks.
  await page.evaluate(`(async () => {
    const grid = document.querySelector('.vgrid');
    const max = grid.scrollHeight - grid.clientHeight;
    let direction = 1;
    for (let i = 0; i < ${FRAMES}; i++) {
      await new Promise((resolve) =>
        requestAnimationFrame(() => {
          let top = grid.scrollTop + direction * ${STEP};
          if (top > max || top < 0) {
            direction = -direction;
            top = Math.min(max, Math.max(0, grid.scrollTop + direction * ${STEP}));
          }
          grid.scrollTop = top;
          resolve();
        }),
      );
    }
  })()`);
}

/** Self time per event name on the page's main thread (children subtracted), and the longest tasks. */
function summariseTrace(events: TraceEvent[]): void {
  const threadName = new Map<string, string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const key = `${e.pid}:${e.tid}`;
    if (threadName.get(key) !== 'CrRendererMain' && threadName.get(key) !== 'Compositor') continue;
    const list = byThread.get(key) ?? [];
    byThread.set(key, list);
    list.push(e);
  }
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const self = new Map<string, { self: number; count: number }>();
    const stack: { e: TraceEvent; end: number; child: number }[] = [];
    const pop = () => {
      const top = stack.pop()!;
      const s = self.get(top.e.name) ?? { self: 0, count: 0 };
      s.self += (top.e.dur ?? 0) - top.child;
      s.count++;
      self.set(top.e.name, s);
      const parent = stack[stack.length - 1];
      if (parent) parent.child += top.e.dur ?? 0;
    };
    let tasks: TraceEvent[] = [];
    for (const e of list) {
      while (stack.length && stack[stack.length - 1]!.end <= e.ts) pop();
      if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') tasks.push(e);
      stack.push({ e, end: e.ts + (e.dur ?? 0), child: 0 });
    }
    while (stack.length) pop();
    const total = [...self.values()].reduce((a, b) => a + b.self, 0);
    if (total < 1000) continue;
    console.log(
      `\n${threadName.get(key)} (${key}): self time by event, ms (total ${(total / 1000).toFixed(0)})`,
    );
    const rows = [...self.entries()].sort((a, b) => b[1].self - a[1].self).slice(0, 25);
    for (const [name, s] of rows)
      console.log(`${(s.self / 1000).toFixed(1).padStart(9)}  ${String(s.count).padStart(6)}×  ${name}`);
    if (threadName.get(key) === 'CrRendererMain') frameCpu(list, tasks);
    tasks = tasks.sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0)).slice(0, 8);
    console.log(`longest tasks: ${tasks.map((t) => ((t.dur ?? 0) / 1000).toFixed(1)).join(', ')} ms`);
  }
}

/**
 * Main-thread CPU per frame (thread time, so a busy machine does not inflate it): the tasks between one
 * BeginMainFrame and the next. At 4× throttling a frame fits in 16.7 ms when this stays under ~4 ms.
 */
function frameCpu(list: TraceEvent[], tasks: TraceEvent[]): void {
  const starts = list.filter((e) => e.name === 'ProxyMain::BeginMainFrame').map((e) => e.ts);
  if (starts.length < 2) return;
  const top = tasks.filter((t, i) => i === 0 || t.ts >= tasks[i - 1]!.ts + (tasks[i - 1]!.dur ?? 0));
  const perFrame = new Array<number>(starts.length - 1).fill(0);
  let f = 0;
  for (const t of top) {
    while (f < starts.length - 1 && t.ts >= starts[f + 1]!) f++;
    if (t.ts < starts[0]! || f >= perFrame.length) continue;
    perFrame[f]! += (t.tdur ?? t.dur ?? 0) / 1000;
  }
  const sorted = perFrame.slice().sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2);
  const total = perFrame.reduce((a, b) => a + b, 0);
  console.log(
    `main-thread CPU per frame (${perFrame.length} frames): p50 ${q(0.5)} p90 ${q(0.9)} p95 ${q(0.95)} max ${q(1)} ms, mean ${(total / perFrame.length).toFixed(2)} ms`,
  );
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

/** Self time of page functions from the sampling profiler. */
function summariseProfile(profile: {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]!);
    if (!node) continue;
    const f = node.callFrame;
    const where = f.url ? `${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  }
  console.log('\nJS sampling profile: self time, ms');
  for (const [key, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`${(us / 1000).toFixed(1).padStart(9)}  ${key}`);
}

async function closeQuietly(cdp: CDPSession): Promise<void> {
  await cdp.detach().catch(() => undefined);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
