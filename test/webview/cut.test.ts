// The Cut webview in headless Chromium with a real animatic (built by the bundled ffmpeg) served like
// asWebviewUri serves it: the page's CSP lets the video in (media-src) and nothing else; the strip sizes
// shots by duration, follows playback, seeks on click, asks the host to reveal on double-click, and shows
// the builder's live state.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildAnimatic } from '../../src/core/cut/build';
import { animaticOptions } from '../../src/core/cut/options';
import { loadProject } from '../../src/core/project/load';
import type { CutSnapshot } from '../../src/shared/cut';
import { bundledFfmpeg, cutProject } from '../helpers/media';
import type { TempProject } from '../helpers/tempProject';
import { ensureWebviewsBuilt, type Harness, launchBrowser, REPO, startHarness } from './harness';
import {
  isHarnessInlineConsoleError,
  isHarnessInlineProbe,
  openView,
  type ViewSession,
  violations,
} from './session';

let harness: Harness;
let browser: Browser;
let project: TempProject;
let snapshot: CutSnapshot;

const FPS = 12;

before(async () => {
  ensureWebviewsBuilt();
  project = await cutProject([
    { id: 's01-010', duration: 2, color: '#aa3322' },
    { id: 's01-020', duration: 1, color: '#22aa33' },
    { id: 's02-030', duration: 3, color: false },
    { id: 's02-040', duration: 2, color: '#2233aa' },
  ]);
  const doc = await loadProject(project.file);
  const result = await buildAnimatic({
    paths: doc.paths,
    project: doc.project,
    options: animaticOptions({ width: 320, fps: FPS, burnIn: true }),
    ffmpeg: bundledFfmpeg(),
  });
  harness = await startHarness();
  browser = await launchBrowser();
  const videoUrl = harness.serveMedia('animatic.mp4', await fs.readFile(result.file));
  snapshot = {
    projectFile: project.file,
    title: 'Night Train',
    aspectRatio: '16:9',
    videoUrl: `${videoUrl}?v=1`,
    width: result.width,
    height: result.height,
    fps: result.fps,
    durationS: result.seconds,
    builtAt: 1,
    clips: result.clips.map((c, i) => ({
      shotId: c.shotId,
      index: c.index,
      sceneId: c.sceneId,
      startS: c.startFrame / FPS,
      durationS: c.frames / FPS,
      take: c.take,
      thumbUrl: c.take ? harness.thumbUrl(i) : undefined,
    })),
    build: { building: false },
  };
});

after(async () => {
  await browser?.close();
  await harness?.close();
  await project?.cleanup();
});

function handlers(overrides: Record<string, (p: unknown) => unknown> = {}) {
  return {
    ready: () => snapshot,
    build: () => ({ started: true }),
    cancel: () => ({ canceled: true }),
    revealShot: () => ({ revealed: true }),
    ...overrides,
  };
}

async function withCut(
  body: (s: ViewSession) => Promise<void>,
  overrides: Record<string, (p: unknown) => unknown> = {},
) {
  const s = await openView(browser, harness, 'cut', handlers(overrides), {
    viewport: { width: 1100, height: 700 },
  });
  try {
    await body(s);
    assert.deepEqual(s.pageErrors, []);
    assert.deepEqual(
      s.consoleErrors.filter((e) => !isHarnessInlineConsoleError(e)),
      [],
    );
    assert.deepEqual(
      (await violations(s.page)).filter((v) => !isHarnessInlineProbe(v)),
      [],
    );
  } finally {
    await s.close();
  }
}

interface VideoLike {
  readyState: number;
  duration: number;
  currentTime: number;
  paused: boolean;
  muted: boolean;
  src: string;
  videoWidth: number;
  play(): Promise<void>;
  pause(): void;
}

const video = (page: Page) => page.locator('video.player');
const videoState = (page: Page) =>
  video(page).evaluate((v: unknown) => {
    const el = v as VideoLike;
    return {
      ready: el.readyState,
      duration: el.duration,
      time: el.currentTime,
      paused: el.paused,
      src: el.src,
      width: el.videoWidth,
    };
  });
const current = (page: Page) => page.locator('.clip[aria-current="true"]').getAttribute('data-shot-id');

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await fn().catch((err: unknown) => {
      last = err;
      return undefined;
    });
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Cut webview', () => {
  it('plays the animatic through media-src, and sizes each shot by its duration', async () => {
    await withCut(async ({ page }) => {
      const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert.match(csp ?? '', new RegExp(`media-src ${harness.origin}(;|$)`));
      assert.match(csp ?? '', /default-src 'none'/);
      const state = await until('the video metadata (H.264 decodable here)', async () => {
        const s = await videoState(page);
        return s.ready >= 1 && s.width > 0 ? s : undefined;
      });
      assert.ok(Math.abs(state.duration - 8) < 1 / FPS, `duration ${state.duration}`);
      assert.equal(state.width, 320);
      const tiles = page.locator('.clip');
      assert.equal(await tiles.count(), 4);
      const widths = await tiles.evaluateAll((els: unknown[]) =>
        els.map((e) => (e as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width),
      );
      // 2 s : 1 s : 3 s : 2 s.
      const unit = widths[1]!;
      for (const [i, seconds] of [2, 1, 3, 2].entries()) {
        assert.ok(Math.abs(widths[i]! / unit - seconds) < 0.1, `tile ${i}: ${widths.join(', ')}`);
      }
      assert.equal(await page.locator('.clip[data-slate]').getAttribute('data-shot-id'), 's02-030');
      assert.match(
        (await page.locator('.cut-info').textContent()) ?? '',
        /0:08 · 4 shots · 320×180 · 12 fps/,
      );
      await fs.mkdir(path.join(REPO, 'test-output'), { recursive: true });
      await page.screenshot({ path: path.join(REPO, 'test-output', 'cut-webview.png') });
    });
  });

  it('clicking a shot seeks to its first frame and highlights it; arrow keys step shots', async () => {
    await withCut(async ({ page }) => {
      await until('metadata', async () => (await videoState(page)).ready >= 1);
      await page.locator('.clip[data-shot-id="s02-040"]').click();
      const t = await until('the seek', async () => {
        const s = await videoState(page);
        return s.time > 0 ? s.time : undefined;
      });
      assert.ok(t >= 6 && t < 6 + 1 / FPS, `seeked to ${t}`);
      assert.equal(await current(page), 's02-040');
      await page.keyboard.press('ArrowLeft');
      await until('s02-030 current', async () => (await current(page)) === 's02-030');
      const back = (await videoState(page)).time;
      assert.ok(back >= 3 && back < 3 + 1 / FPS, `stepped back to ${back}`);
    });
  });

  it('highlights the shot that is playing, moving on as playback crosses a cut', async () => {
    await withCut(async ({ page }) => {
      await until('metadata', async () => (await videoState(page)).ready >= 1);
      await page.locator('.clip[data-shot-id="s01-020"]').click();
      await until('seeked', async () => (await videoState(page)).time >= 2);
      assert.equal(await current(page), 's01-020');
      await video(page).evaluate((v: unknown) => {
        const el = v as VideoLike;
        el.muted = true;
        return el.play();
      });
      // s01-020 lasts 1 s: playback reaches the slate s02-030 and the strip follows.
      await until(
        'the highlight to follow playback to s02-030',
        async () => (await current(page)) === 's02-030',
      );
      await video(page).evaluate((v: unknown) => (v as VideoLike).pause());
    });
  });

  it('double-click asks the host to reveal the shot in project.json', async () => {
    await withCut(async ({ page, host }) => {
      await page.locator('.clip').first().waitFor();
      await page.locator('.clip[data-shot-id="s01-020"]').dblclick();
      const request = await host.waitForRequest('revealShot');
      assert.deepEqual(request.params, { shotId: 's01-020' });
    });
  });

  it('shows the live build state, cancels, and reloads the video when a new build lands', async () => {
    await withCut(async ({ page, host }) => {
      await page.locator('.clip').first().waitFor();
      const status = page.locator('.build-status');
      assert.equal(await status.isHidden(), true);
      await host.emit('build', { building: true, phase: 'encoding', shotId: 's02-030', fraction: 0.4 });
      await until('the rebuilding label', async () =>
        (await status.textContent())?.includes('Rebuilding s02-030…'),
      );
      assert.equal(await status.getAttribute('data-state'), 'building');
      await page.locator('vscode-button', { hasText: 'Cancel' }).click();
      await host.waitForRequest('cancel');
      await host.emit('build', { building: false, error: 's02-030: ffmpeg failed: boom' });
      await until('the error', async () => (await status.getAttribute('data-state')) === 'error');
      assert.match((await status.textContent()) ?? '', /Not rebuilt: s02-030: ffmpeg failed: boom/);
      await host.emit('snapshot', {
        ...snapshot,
        videoUrl: snapshot.videoUrl!.replace('?v=1', '?v=2'),
        builtAt: 2,
      });
      await until('the new file', async () => (await videoState(page)).src.endsWith('?v=2'));
    });
  });

  it('a long cut of short and long shots fits the strip without scrolling when it can', async () => {
    await withCut(async ({ page, host }) => {
      await page.locator('.clip').first().waitFor();
      const durations = Array.from({ length: 24 }, (_, i) => [2, 3, 4, 5, 6, 7][i % 6]!);
      let at = 0;
      const clips = durations.map((d, i) => {
        const c = {
          shotId: `s-${i}`,
          index: i,
          startS: at,
          durationS: d,
          take: 1,
          thumbUrl: harness.thumbUrl(i),
        };
        at += d;
        return c;
      });
      await host.emit('snapshot', { ...snapshot, clips, durationS: at });
      await until('24 tiles', async () => (await page.locator('.clip').count()) === 24);
      const fit = await page.locator('.strip').evaluate((el: unknown) => {
        const e = el as { scrollWidth: number; clientWidth: number };
        return { scroll: e.scrollWidth, client: e.clientWidth };
      });
      assert.ok(fit.scroll <= fit.client + 1, `strip overflows: ${JSON.stringify(fit)}`);
    });
  });

  it('without an animatic, offers to build one', async () => {
    const empty: CutSnapshot = {
      ...snapshot,
      videoUrl: undefined,
      clips: [],
      durationS: 0,
      builtAt: undefined,
    };
    await withCut(
      async ({ page, host }) => {
        const pane = page.locator('.status-pane[data-kind="empty"]');
        await pane.waitFor();
        assert.match((await pane.textContent()) ?? '', /No animatic yet/);
        await pane.locator('vscode-button').click();
        await host.waitForRequest('build');
      },
      { ready: () => empty },
    );
  });
});
