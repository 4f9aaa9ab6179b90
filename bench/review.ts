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
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import type { Browser } from 'playwright-core';
import { parseProjectText } from '../src/core/project/load';
import { FileProjectIO, type ProjectIO, ProjectWriter } from '../src/core/project/write';
import { applyReview, type ReviewResult } from '../src/core/review/reviewEdits';
import { FakeHost } from '../test/webview/fakeHost';
import {
  type ExtraFiles,
  ensureWebviewsBuilt,
  type Harness,
  launchBrowser,
  startHarness,
} from '../test/webview/harness';
import { FULL, makeViewerFiles, viewerShot } from '../test/webview/viewerFixtures';
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
    const text = (await fs.readFile(big.file, 'utf8')).replace('{\n', `{\n  ${COMMENT}\n`);
    await fs.writeFile(big.file, text);
    // Every write the writer makes goes through here: one batched edit means exactly one per action.
    const file = new FileProjectIO(big.file);
    let writes = 0;
    const io: ProjectIO = {
      withLock: (fn) => file.withLock(fn),
      read: () => file.read(),
      known: () => file.known(),
      write: (before, after, edits) => {
        writes++;
        return file.write(before, after, edits);
      },
      forget: () => file.forget(),
    };
    const writer = new ProjectWriter(io, { validate: (t) => parseProjectText(t, big.file) });
    // As in the extension: the engine's writer is told the text its own load already validated.
    writer.trust(text);
    // Shots with two or more takes (variations = 1 + i % 3): every 6th of those, 1,000 distinct.
    const project = JSON.parse(text.replace(COMMENT, '')) as { shots: { id: string; variations: number }[] };
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
    const measure = async (metric: string, run: () => Promise<ReviewResult>): Promise<BenchRow> => {
      const before = await fs.readFile(big.file, 'utf8');
      writes = 0;
      const r = await timed(run);
      const after = await fs.readFile(big.file, 'utf8');
      const kept = keptOutsideEdits(before, after, ids);
      const batched = writes === 1 && r.result.written.length === new Set(ids).size;
      return {
        bench: 'review',
        metric,
        value: r.ms,
        unit: 'ms',
        baseline: { label: 'parse+stringify rewrite', value: naive.ms },
        ratio: ratio(r.ms, naive.ms),
        goal: '≤ 500 ms, one write, every byte outside the edits kept',
        ok: r.ms <= 500 && batched && kept === true,
        note: [
          `${(after.length / 2 ** 20).toFixed(1)} MiB project.json`,
          `${writes} write(s), ${r.result.written.length} shots changed`,
          kept === true ? 'bytes outside the edits unchanged' : `FORMAT LOST: ${kept}`,
        ].join('; '),
      };
    };
    const circle = await measure('circle 1,000 shots of 10,000 (one edit)', () =>
      applyReview(writer, ids, { kind: 'circle', take: 2 }, ctx),
    );
    const approve = await measure('approve 1,000 shots of 10,000 with a note (one edit)', () =>
      applyReview(
        writer,
        ids,
        { kind: 'status', status: 'approved', note: 'Circled and approved in dailies.' },
        ctx,
      ),
    );
    return [circle, approve];
  } finally {
    await big.cleanup();
  }
}

/**
 * True when `after` differs from `before` only inside the objects of the edited shots, and each of those
 * still holds every byte it had, in order (members were inserted or a value replaced in place, nothing
 * reformatted); otherwise what differs, for the report. Outside the edited shots: byte for byte.
 */
export function keptOutsideEdits(before: string, after: string, edited: readonly string[]): true | string {
  const spans = (text: string) => {
    const root = parseTree(text);
    const shots = root ? (findNodeAtLocation(root, ['shots'])?.children ?? []) : [];
    const want = new Set(edited);
    return shots
      .filter((s) => want.has(String(findNodeAtLocation(s, ['id'])?.value)))
      .map((s) => ({ offset: s.offset, end: s.offset + s.length }));
  };
  const a = spans(before);
  const b = spans(after);
  if (a.length !== b.length || a.length !== new Set(edited).size)
    return `edited shots found: ${a.length} before, ${b.length} after`;
  let ia = 0;
  let ib = 0;
  for (let k = 0; k <= a.length; k++) {
    const outsideA = before.slice(ia, a[k]?.offset ?? before.length);
    const outsideB = after.slice(ib, b[k]?.offset ?? after.length);
    if (outsideA !== outsideB) return `text between edited shots changed near offset ${ia}`;
    if (k === a.length) break;
    const shotA = before.slice(a[k]!.offset, a[k]!.end);
    const shotB = after.slice(b[k]!.offset, b[k]!.end);
    if (!isSubsequence(stripValues(shotA), shotB)) return `shot ${edited[k]} lost bytes`;
    ia = a[k]!.end;
    ib = b[k]!.end;
  }
  return true;
}

/** The review/take values the action may replace in place: their old bytes need not survive. */
function stripValues(shot: string): string {
  return shot.replace(/"take": \d+/, '"take": ');
}

function isSubsequence(small: string, big: string): boolean {
  let j = 0;
  for (let i = 0; i < big.length && j < small.length; i++) if (big[i] === small[j]) j++;
  return j === small.length;
}

async function viewerOpen(): Promise<BenchRow[]> {
  ensureWebviewsBuilt();
  const files: ExtraFiles = new Map();
  await makeViewerFiles(files);
  const harness = await startHarness(files);
  const browser = await launchBrowser();
  try {
    const runs: Opened[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await openOnce(browser, harness));
    const med = (k: 'full' | 'start' | 'shot') => median(runs.map((r) => r[k]));
    // Every run, not the median one: 4 panes holding their 2400 px file, each shown as its thumbnail first.
    const shown = runs.every((r) => r.fullSize === 4 && r.thumbFirst === 4);
    return [
      {
        bench: 'review',
        metric: 'take viewer: 4 takes at full size (2400 px) after opening',
        value: med('full'),
        unit: 'ms',
        baseline: { label: 'page script start', value: med('start') },
        ratio: ratio(med('full'), med('start')),
        goal: '≤ 300 ms, thumbnails first',
        ok: med('full') <= 300 && shown,
        note: [
          `thumbnails shown at ${med('shot').toFixed(0)} ms; median of ${RUNS}`,
          shown
            ? '4/4 full size, 4/4 thumbnail first in every run'
            : `NOT SHOWN AS PROMISED: ${runs.map((r) => `${r.fullSize} full, ${r.thumbFirst} thumb first`).join('; ')}`,
        ].join('; '),
      },
    ];
  } finally {
    await browser.close();
    await harness.close();
  }
}

interface Opened {
  full: number;
  start: number;
  shot: number;
  /** Panes showing their full-resolution file (2400 px wide), once the viewer says all are. */
  fullSize: number;
  /** Takes whose WebP thumbnail the page asked for before their full image. */
  thumbFirst: number;
}

async function openOnce(browser: Browser, harness: Harness): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  try {
    const page = await context.newPage();
    // The order the page asks for the files: each take's thumbnail before its full image.
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
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
    // A string: this tsconfig has no DOM lib, and the page's globals are all this reads.
    const seen = (await page.evaluate(`(() => {
      const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN;
      const imgs = [...document.querySelectorAll('.pane img.take')];
      return {
        full: at('dailies:viewer-full'),
        start: at('dailies:viewer-start'),
        shot: at('dailies:viewer-shot'),
        fullSize: imgs.filter(
          (i) => i.dataset.loaded === 'full' && i.naturalWidth === ${FULL.width} && i.currentSrc.endsWith('.png'),
        ).length,
      };
    })()`)) as Omit<Opened, 'thumbFirst'>;
    const first = (p: string) => requested.indexOf(p);
    const thumbFirst = [1, 2, 3, 4].filter((t) => {
      const [thumb, full] = [first(`/p/S/v2/t${t}.thumb.webp`), first(`/p/S/v2/t${t}.png`)];
      return thumb >= 0 && full >= 0 && thumb < full;
    }).length;
    return { ...seen, thumbFirst };
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
