// Video takes in the webviews, in headless Chromium with real H.264 proxies (made by the bundled ffmpeg,
// as the engine makes them): storyboard cards of video shots play their proxy on hover, muted, and scrub
// with the pointer, under the page's real CSP (media-src); the synchronised <video> group that the take
// viewer uses to play takes side by side keeps its members on one clock.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { ShotView } from '../../src/core/state/productionState';
import { bundledFfmpeg } from '../helpers/media';
import { FixtureBoard, imagePath, shaOf, shotId, shotViews, thumbPath } from './fixtures';
import { ensureWebviewsBuilt, type Harness, launchBrowser, REPO, startHarness } from './harness';
import {
  isHarnessInlineConsoleError,
  isHarnessInlineProbe,
  openView,
  type ViewSession,
  violations,
} from './session';

const run = promisify(execFile);
let harness: Harness;
let browser: Browser;
let scratch: string;

/** A real review proxy: H.264 yuv420p, no audio, +faststart, `seconds` long, a moving test pattern. */
async function proxy(name: string, seconds: number): Promise<Buffer> {
  const file = path.join(scratch, name);
  await run(bundledFfmpeg(), [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=320x134:rate=24:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-g',
    '6',
    '-an',
    '-movflags',
    '+faststart',
    file,
  ]);
  return fs.readFile(file);
}

before(async () => {
  ensureWebviewsBuilt();
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dailies-video-webview-'));
  harness = await startHarness();
  browser = await launchBrowser();
  harness.serveMedia(`${shotId(0)}_v1.proxy.mp4`, await proxy('a.mp4', 2));
  harness.serveMedia('two-s.mp4', await proxy('two.mp4', 2));
  harness.serveMedia('one-s.mp4', await proxy('one.mp4', 1));
});

after(async () => {
  await browser?.close();
  await harness?.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

/** Shot 0 is a video take (poster, thumbnail, clip, proxy); the others are stills. */
function views(): ShotView[] {
  const all = shotViews(24).map((v) => ({
    ...v,
    status: 'done' as const,
    reason: undefined,
    cached: undefined,
  }));
  const id = shotId(0);
  all[0]!.outputs = [
    {
      variation: 1,
      image: imagePath(0),
      thumb: thumbPath(0),
      sha256: shaOf(0),
      video: `renders/${id}/${id}_v1.mp4`,
      proxy: `renders/${id}/${id}_v1.proxy.mp4`,
      seconds: 2,
    },
  ];
  all[1]!.outputs = [{ variation: 1, image: imagePath(1), thumb: thumbPath(1), sha256: shaOf(1) }];
  return all;
}

async function withBoard(body: (s: ViewSession) => Promise<void>): Promise<void> {
  const board = new FixtureBoard(views(), harness);
  const s = await openView(browser, harness, 'storyboard', {
    ready: () => board.snapshot(),
    render: () => ({ started: true }),
    cancel: () => ({ canceled: 0 }),
  });
  try {
    await s.page.locator('.card[data-shot-id]').first().waitFor();
    await body(s);
    assert.deepEqual(s.pageErrors, []);
    assert.deepEqual(
      s.consoleErrors.filter((e) => !isHarnessInlineConsoleError(e)),
      [],
    );
    assert.deepEqual(
      (await violations(s.page)).filter((v) => !isHarnessInlineProbe(v)),
      [],
      'the proxy plays under the webview CSP (media-src), nothing is blocked',
    );
  } finally {
    await s.close();
  }
}

interface VideoState {
  inCard: boolean;
  muted: boolean;
  paused: boolean;
  time: number;
  duration: number;
  src: string;
}

function videoIn(page: Page, id: string): Promise<VideoState | undefined> {
  return page.evaluate((shot) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
    const v = doc.querySelector('video.hover-video') as {
      parentElement: { getAttribute(n: string): string | null } | null;
      muted: boolean;
      paused: boolean;
      currentTime: number;
      duration: number;
      currentSrc: string;
    } | null;
    if (!v) return undefined;
    return {
      inCard: v.parentElement?.getAttribute('data-shot-id') === shot,
      muted: v.muted,
      paused: v.paused,
      time: v.currentTime,
      duration: v.duration,
      src: v.currentSrc,
    };
  }, id);
}

async function thumbBox(page: Page, id: string) {
  const box = await page.locator(`.card[data-shot-id="${id}"] .thumb`).boundingBox();
  assert.ok(box, `${id} has a thumbnail on screen`);
  return box;
}

describe('storyboard: video takes', () => {
  it('a video shot’s card says so; a still’s does not', async () => {
    await withBoard(async ({ page }) => {
      assert.equal(await page.locator(`.card[data-shot-id="${shotId(0)}"]`).getAttribute('data-video'), '');
      assert.equal(await page.locator(`.card[data-shot-id="${shotId(1)}"]`).getAttribute('data-video'), null);
    });
  });

  it('hovering plays the proxy muted; moving across scrubs; leaving stops and unloads it', async () => {
    await withBoard(async ({ page }) => {
      const id = shotId(0);
      const box = await thumbBox(page, id);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForFunction(() => {
        const v = (
          globalThis as unknown as { document: { querySelector(s: string): unknown } }
        ).document.querySelector('video.hover-video') as { currentTime: number; paused: boolean } | null;
        return v !== null && !v.paused && v.currentTime > 0.2;
      });
      const playing = (await videoIn(page, id))!;
      assert.ok(playing.inCard, 'the player sits in the hovered card');
      assert.equal(playing.muted, true);
      assert.match(playing.src, new RegExp(`/p/renders/${id}/${id}_v1\\.proxy\\.mp4\\?v=`));
      assert.ok(Math.abs(playing.duration - 2) < 0.1, `a 2 s proxy (${playing.duration})`);
      // Scrub: the pointer at three quarters of the card is three quarters into the clip, paused.
      await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 4 });
      await page.waitForFunction(() => {
        const v = (
          globalThis as unknown as { document: { querySelector(s: string): unknown } }
        ).document.querySelector('video.hover-video') as {
          currentTime: number;
          paused: boolean;
          seeking: boolean;
        } | null;
        return v?.paused === true && !v.seeking && Math.abs(v.currentTime - 1.5) < 0.1;
      });
      assert.equal(
        await page.locator(`.card[data-shot-id="${id}"]`).getAttribute('data-scrubbing'),
        '',
        'the card shows it is scrubbing',
      );
      await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2, { steps: 4 });
      await page.waitForFunction(() => {
        const v = (
          globalThis as unknown as { document: { querySelector(s: string): unknown } }
        ).document.querySelector('video.hover-video') as { currentTime: number; seeking: boolean } | null;
        return v !== null && !v.seeking && Math.abs(v.currentTime - 0.5) < 0.1;
      });
      // Onto a still: the player leaves the page (its decoder freed), the still shows its frame.
      const still = await thumbBox(page, shotId(1));
      await page.mouse.move(still.x + still.width / 2, still.y + still.height / 2, { steps: 4 });
      await page.waitForFunction(
        () =>
          (
            globalThis as unknown as { document: { querySelector(s: string): unknown } }
          ).document.querySelector('video.hover-video') === null,
      );
      assert.equal(await page.locator('[data-playing]').count(), 0);
    });
  });

  it('scrolling the grid away stops the player', async () => {
    await withBoard(async ({ page }) => {
      const box = await thumbBox(page, shotId(0));
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.locator('video.hover-video').waitFor({ state: 'attached' });
      await page.locator('.vgrid').evaluate((el: unknown) => {
        (el as { scrollTop: number }).scrollTop = 400;
      });
      await page.locator('video.hover-video').waitFor({ state: 'detached' });
    });
  });
});

describe('synchronised <video> group (the take viewer plays takes side by side with it)', () => {
  let bundle: string;
  before(async () => {
    const out = await build({
      entryPoints: [path.join(REPO, 'webview-ui/common/videoSync.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      globalName: 'VideoSync',
      target: 'chrome120',
    });
    bundle = out.outputFiles[0]!.text;
  });

  async function page2(): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent(
      `<video id="a" muted playsinline preload="auto" src="${harness.origin}/media/two-s.mp4"></video>` +
        `<video id="b" muted playsinline preload="auto" src="${harness.origin}/media/one-s.mp4"></video>`,
    );
    await page.addScriptTag({ content: bundle });
    await page.waitForFunction(() => {
      const d = (
        globalThis as unknown as {
          document: { querySelectorAll(s: string): Iterable<{ readyState: number }> };
        }
      ).document;
      return [...d.querySelectorAll('video')].every((v) => v.readyState >= 2);
    });
    await page.evaluate(() => {
      const g = globalThis as unknown as {
        document: { getElementById(id: string): unknown };
        VideoSync: { VideoSyncGroup: new (v: unknown[]) => unknown };
        group: unknown;
      };
      g.group = new g.VideoSync.VideoSyncGroup([
        g.document.getElementById('a'),
        g.document.getElementById('b'),
      ]);
    });
    return page;
  }

  type Times = { a: number; b: number; aPaused: boolean; bPaused: boolean; bDuration: number };
  const times = (page: Page): Promise<Times> =>
    page.evaluate(() => {
      const d = (globalThis as unknown as { document: { getElementById(id: string): unknown } }).document;
      const a = d.getElementById('a') as { currentTime: number; paused: boolean };
      const b = d.getElementById('b') as { currentTime: number; paused: boolean; duration: number };
      return {
        a: a.currentTime,
        b: b.currentTime,
        aPaused: a.paused,
        bPaused: b.paused,
        bDuration: b.duration,
      };
    });
  const call = (page: Page, method: string, ...args: number[]) =>
    page.evaluate(
      ([m, a]) => {
        const g = (globalThis as unknown as { group: Record<string, (...x: number[]) => void> }).group;
        g[m as string]!(...(a as number[]));
      },
      [method, args] as const,
    );

  it('plays together, re-aligns a drifting take, holds a shorter take’s last frame, seeks and steps together', async () => {
    const page = await page2();
    try {
      await call(page, 'play');
      await page.waitForFunction(() => {
        const d = (globalThis as unknown as { document: { getElementById(id: string): unknown } }).document;
        return (d.getElementById('a') as { currentTime: number }).currentTime > 0.4;
      });
      let t = await times(page);
      assert.ok(!t.aPaused && !t.bPaused, 'both play');
      assert.ok(Math.abs(t.a - t.b) < 0.15, `in step (${t.a} vs ${t.b})`);
      // A follower knocked off the clock is put back on it.
      await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { getElementById(id: string): unknown } }).document;
        (d.getElementById('b') as { currentTime: number }).currentTime = 0;
      });
      await page.waitForFunction(() => {
        const d = (globalThis as unknown as { document: { getElementById(id: string): unknown } }).document;
        const a = (d.getElementById('a') as { currentTime: number }).currentTime;
        const b = (d.getElementById('b') as { currentTime: number }).currentTime;
        return a > 0.3 && Math.abs(a - Math.min(b, 1)) < 0.15;
      });
      // Past the 1 s take's end, it holds its last frame while the 2 s take plays on.
      await page.waitForFunction(() => {
        const d = (globalThis as unknown as { document: { getElementById(id: string): unknown } }).document;
        return (d.getElementById('a') as { currentTime: number }).currentTime > 1.3;
      });
      t = await times(page);
      assert.ok(t.b > t.bDuration - 0.1, `the short take holds its end (${t.b} of ${t.bDuration})`);
      assert.ok(!t.aPaused, 'the long take plays on');
      await call(page, 'pause');
      await call(page, 'seek', 0.5);
      await page.waitForFunction(() => {
        const d = (
          globalThis as unknown as {
            document: { querySelectorAll(s: string): Iterable<{ seeking: boolean }> };
          }
        ).document;
        return [...d.querySelectorAll('video')].every((v) => !v.seeking);
      });
      t = await times(page);
      assert.ok(t.aPaused && t.bPaused, 'paused together');
      assert.ok(Math.abs(t.a - 0.5) < 0.01 && Math.abs(t.b - 0.5) < 0.01, `seeked together (${t.a}, ${t.b})`);
      await call(page, 'step', 12, 24);
      t = await times(page);
      assert.ok(Math.abs(t.a - 1) < 0.01, `12 frames at 24 fps is half a second (${t.a})`);
      assert.ok(t.b >= t.bDuration - 0.01, 'the short take at its last frame');
    } finally {
      await page.context().close();
    }
  });
});
