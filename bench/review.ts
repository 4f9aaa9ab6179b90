// Review benchmarks (issue 13):
//   1. circling 1,000 shots, then approving 1,000 with a note, in a 10,000-shot project.json: one batched
//      edit each (lock, re-read, minimal edits, validate, atomic replace), comments and formatting kept.
//      Baseline, in the same run: a JSON.parse/stringify rewrite of the same file (which would destroy the
//      user's comments and formatting — the floor for speed, not an option).
//   2. the take viewer opening on a shot with four takes (2400 px PNGs, WebP thumbnails first): time from
//      navigation to all four full-resolution images decoded and shown, in headless Chromium through the
//      browser harness, the `ready` answer staged in the page (no Playwright round trip). Baseline: the
//      page's own script start. Median of RUNS fresh contexts.
//   node --import tsx bench/review.ts   (or `npm run bench review`)
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { parseProjectText } from '../src/core/project/load';
import { FileProjectIO, ProjectWriter } from '../src/core/project/write';
import { applyReview } from '../src/core/review/reviewEdits';
import { FakeHost } from '../test/webview/fakeHost';
import {
  type ExtraFiles,
  ensureWebviewsBuilt,
  type Harness,
  launchBrowser,
  startHarness,
} from '../test/webview/harness';
import { makeViewerFiles, viewerShot } from '../test/webview/viewerFixtures';
import { makeBigProject } from './lib/bigProject';
import { type BenchRow, ratio, timed } from './lib/report';

const RUNS = 5;
const COMMENT = '// the production office: do not reformat';

export async function runReviewBench(): Promise<BenchRow[]> {
  return [...(await batchedEdits()), ...(await viewerOpen())];
}

async function batchedEdits(): Promise<BenchRow[]> {
  const big = await makeBigProject(10_000);
  try {
    const text = await fs.readFile(big.file, 'utf8');
    await fs.writeFile(big.file, text.replace('{\n', `{\n  ${COMMENT}\n`));
    const writer = new ProjectWriter(new FileProjectIO(big.file), {
      validate: (t) => parseProjectText(t, big.file),
    });
    // Shots with two or more takes (variations = 1 + i % 3): every 10th of those.
    const project = JSON.parse(text) as { shots: { id: string; variations: number }[] };
    const multi = project.shots.filter((s) => s.variations >= 2).map((s) => s.id);
    const ids = Array.from({ length: 1000 }, (_, i) => multi[(i * 6) % multi.length]!);
    const ctx = { who: 'Bench', at: new Date(0).toISOString() };
    const naive = await timed(async () => {
      const obj = JSON.parse(await fs.readFile(big.file, 'utf8').then((t) => t.replace(COMMENT, ''))) as {
        shots: Record<string, unknown>[];
      };
      for (const s of obj.shots.slice(0, 1000)) s['take'] = 2;
      await fs.writeFile(path.join(big.dir, 'naive.json'), JSON.stringify(obj, null, 2));
    });
    const circle = await timed(() => applyReview(writer, ids, { kind: 'circle', take: 2 }, ctx));
    const approve = await timed(() =>
      applyReview(
        writer,
        ids,
        { kind: 'status', status: 'approved', note: 'Circled and approved in dailies.' },
        ctx,
      ),
    );
    const after = await fs.readFile(big.file, 'utf8');
    const kept = after.includes(COMMENT) && parseProjectText(after, big.file).ok;
    const row = (metric: string, r: typeof circle): BenchRow => ({
      bench: 'review',
      metric,
      value: r.ms,
      unit: 'ms',
      baseline: { label: 'parse+stringify rewrite', value: naive.ms },
      ratio: ratio(r.ms, naive.ms),
      goal: '≤ 500 ms, format kept',
      ok: r.ms <= 500 && kept && r.result.written.length === new Set(ids).size,
      note: `${(after.length / 2 ** 20).toFixed(1)} MiB project.json`,
    });
    return [
      row('circle 1,000 shots of 10,000 (one edit)', circle),
      row('approve 1,000 shots of 10,000 with a note (one edit)', approve),
    ];
  } finally {
    await big.cleanup();
  }
}

async function viewerOpen(): Promise<BenchRow[]> {
  ensureWebviewsBuilt();
  const files: ExtraFiles = new Map();
  await makeViewerFiles(files);
  const harness = await startHarness(files);
  const browser = await launchBrowser();
  try {
    const runs: { full: number; start: number; shot: number }[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await openOnce(browser, harness));
    const med = (k: 'full' | 'start' | 'shot') => median(runs.map((r) => r[k]));
    return [
      {
        bench: 'review',
        metric: 'take viewer: 4 takes at full size (2400 px) after opening',
        value: med('full'),
        unit: 'ms',
        baseline: { label: 'page script start', value: med('start') },
        ratio: ratio(med('full'), med('start')),
        goal: '≤ 300 ms',
        ok: med('full') <= 300,
        note: `thumbnails shown at ${med('shot').toFixed(0)} ms; median of ${RUNS}`,
      },
    ];
  } finally {
    await browser.close();
    await harness.close();
  }
}

async function openOnce(
  browser: Browser,
  harness: Harness,
): Promise<{ full: number; start: number; shot: number }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  try {
    const page = await context.newPage();
    const host = await FakeHost.attach(page, {});
    await host.stage('ready', viewerShot(harness.origin), { asJson: true });
    await page.goto(`${harness.origin}/viewer.html`);
    await page.waitForFunction(
      () => performance.getEntriesByName('dailies:viewer-full').length > 0,
      undefined,
      {
        timeout: 30_000,
      },
    );
    return page.evaluate(() => {
      const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN;
      return {
        full: at('dailies:viewer-full'),
        start: at('dailies:viewer-start'),
        shot: at('dailies:viewer-shot'),
      };
    });
  } finally {
    await context.close();
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

if (process.argv[1]?.endsWith('review.ts')) {
  runReviewBench()
    .then((rows) => console.log(JSON.stringify(rows, null, 2)))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
