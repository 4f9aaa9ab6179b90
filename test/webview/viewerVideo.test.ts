// The take viewer on a video shot, in headless Chromium with real H.264 proxies (made by the bundled
// ffmpeg, as the engine makes them) under the page's real CSP: each take plays its proxy in a muted
// inline <video>, one transport plays, pauses and seeks them all together, A/B compares two playing takes,
// and a still shot stays images.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import type { TakeImage, ViewerShot } from '../../src/shared/viewerProtocol';
import { bundledFfmpeg } from '../helpers/media';
import { ensureWebviewsBuilt, type Harness, launchBrowser, startHarness } from './harness';
import {
  isHarnessInlineConsoleError,
  isHarnessInlineProbe,
  openView,
  type ViewSession,
  violations,
} from './session';
import { viewerShot } from './viewerFixtures';

const run = promisify(execFile);
const FRAME = 1 / 24;
let harness: Harness;
let browser: Browser;
let scratch: string;

/** A real review proxy: H.264 yuv420p, no audio, +faststart, 24 fps, a moving test pattern. */
async function proxy(name: string, pattern: string, seconds: number): Promise<Buffer> {
  const file = path.join(scratch, name);
  await run(bundledFfmpeg(), [
    ...['-v', 'error', '-y', '-f', 'lavfi'],
    ...['-i', `${pattern}=size=320x134:rate=24:duration=${seconds}`],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '6', '-an', '-movflags', '+faststart', file],
  ]);
  return fs.readFile(file);
}

/** Two video takes of one shot: posters and thumbnails from the harness's frames, proxies as served. */
function videoShot(): ViewerShot {
  const o = harness.origin;
  const take = (n: number): TakeImage => ({
    variation: n,
    image: `${o}/p/renders/S0000${n}/image.webp`,
    thumb: `${o}/p/renders/S0000${n}/thumb.webp`,
    video: `${o}/p/renders/S0000${n}/s02-010_v${n}.proxy.mp4`,
    seconds: 2,
  });
  return viewerShot(o, { shotId: 's02-010', takes: [take(1), take(2)], versions: [] });
}

before(async () => {
  ensureWebviewsBuilt();
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dailies-viewer-video-'));
  harness = await startHarness();
  browser = await launchBrowser();
  harness.serveMedia('s02-010_v1.proxy.mp4', await proxy('1.mp4', 'testsrc2', 2));
  harness.serveMedia('s02-010_v2.proxy.mp4', await proxy('2.mp4', 'testsrc', 2));
});

after(async () => {
  await browser?.close();
  await harness?.close();
  if (scratch) await fs.rm(scratch, { recursive: true, force: true });
});

async function withViewer(shot: ViewerShot, body: (s: ViewSession) => Promise<void>): Promise<void> {
  const s = await openView(browser, harness, 'viewer', {
    ready: () => shot,
    go: () => shot,
    circle: () => ({ ok: true }),
    review: () => ({ ok: true }),
    note: () => ({ ok: true }),
    restore: () => ({ ok: true }),
  });
  try {
    await s.page.locator('.pane').first().waitFor();
    await body(s);
    assert.deepEqual(s.pageErrors, []);
    assert.deepEqual(
      s.consoleErrors.filter((e) => !isHarnessInlineConsoleError(e)),
      [],
    );
    assert.deepEqual(
      (await violations(s.page)).filter((v) => !isHarnessInlineProbe(v)),
      [],
      'the proxies play under the webview CSP (media-src), nothing is blocked',
    );
  } finally {
    await s.close();
  }
}

interface VideoLike {
  currentSrc: string;
  currentTime: number;
  paused: boolean;
  muted: boolean;
  seeking: boolean;
  readyState: number;
  playsInline: boolean;
  dataset: Record<string, string | undefined>;
}
type Doc = { document: { querySelectorAll(s: string): Iterable<VideoLike> } };

interface Seen {
  src: string;
  time: number;
  paused: boolean;
  muted: boolean;
  inline: boolean;
  slot?: string;
}

const videos = (page: Page): Promise<Seen[]> =>
  page.evaluate(() =>
    [...(globalThis as unknown as Doc).document.querySelectorAll('.pane video.take')].map((v) => ({
      src: v.currentSrc,
      time: v.currentTime,
      paused: v.paused,
      muted: v.muted,
      inline: v.playsInline,
      slot: v.dataset['slot'],
    })),
  );

/** Every video of the stage has a frame to show and none is seeking. */
const settled = (page: Page) =>
  page.waitForFunction(() => {
    const all = [...(globalThis as unknown as Doc).document.querySelectorAll('.pane video.take')];
    return all.length > 0 && all.every((v) => v.readyState >= 2 && !v.seeking);
  });

describe('take viewer: video takes play side by side, in sync', () => {
  it('shows each take’s proxy in a muted inline <video>; play advances both; a seek puts both on one frame', async () => {
    const shot = videoShot();
    await withViewer(shot, async ({ page }) => {
      await settled(page);
      let seen = await videos(page);
      assert.deepEqual(
        seen.map((v) => v.src),
        shot.takes.map((t) => t.video),
        'one <video> per take, each playing its own proxy',
      );
      assert.ok(
        seen.every((v) => v.muted && v.inline && v.paused),
        'muted, inline, waiting for play',
      );
      assert.equal(await page.locator('.pane img.take').count(), 0, 'no still stands in for a video take');

      await page.locator('.transport button.play').click();
      await page.waitForFunction(() => {
        const all = [...(globalThis as unknown as Doc).document.querySelectorAll('.pane video.take')];
        return all.length === 2 && all.every((v) => !v.paused && v.currentTime > 0.3);
      });
      seen = await videos(page);
      assert.ok(
        Math.abs(seen[0]!.time - seen[1]!.time) < 0.15,
        `playing together (${seen[0]!.time}, ${seen[1]!.time})`,
      );

      // Pause from the keyboard, then seek with the transport's scrubber: both land on the same frame.
      await page.keyboard.press(' ');
      await page.waitForFunction(() =>
        [...(globalThis as unknown as Doc).document.querySelectorAll('.pane video.take')].every(
          (v) => v.paused,
        ),
      );
      await page.locator('.transport input.scrub').fill('1.25');
      await page.waitForFunction(() => {
        const all = [...(globalThis as unknown as Doc).document.querySelectorAll('.pane video.take')];
        return all.every((v) => !v.seeking && Math.abs(v.currentTime - 1.25) < 1 / 24);
      });
      await settled(page);
      seen = await videos(page);
      assert.ok(
        seen.every((v) => v.paused),
        'a seek while paused stays paused',
      );
      assert.ok(
        Math.abs(seen[0]!.time - seen[1]!.time) < FRAME,
        `one frame for both (${seen[0]!.time}, ${seen[1]!.time})`,
      );
      // A frame step moves both.
      await page.keyboard.press('.');
      await page.waitForFunction(() => {
        const all = [...(globalThis as unknown as Doc).document.querySelectorAll('.pane video.take')];
        return all.every((v) => !v.seeking && Math.abs(v.currentTime - (1.25 + 1 / 24)) < 0.01);
      });
    });
  });

  it('A/B wipes and flips between two playing takes on the same clock', async () => {
    await withViewer(videoShot(), async ({ page }) => {
      await settled(page);
      await page.keyboard.press('w');
      await page.locator('.pane-wipe video.take[data-slot="b"]').waitFor();
      await settled(page);
      let seen = await videos(page);
      assert.deepEqual(
        seen.map((v) => v.slot),
        ['a', 'b'],
      );
      await page.locator('.transport button.play').click();
      await page.waitForFunction(() =>
        [...(globalThis as unknown as Doc).document.querySelectorAll('.pane video.take')].every(
          (v) => !v.paused && v.currentTime > 0.3,
        ),
      );
      seen = await videos(page);
      assert.ok(
        Math.abs(seen[0]!.time - seen[1]!.time) < 0.15,
        `A and B together (${seen[0]!.time}, ${seen[1]!.time})`,
      );
      // The wipe cuts the B video, as it cuts a B still.
      const clip = await page
        .locator('.pane-wipe video.take[data-slot="b"]')
        .evaluate((v) => (v as unknown as { style: { clipPath: string } }).style.clipPath);
      assert.match(clip, /^inset\(/);
      await page.keyboard.press('f');
      await page.locator('.pane-flip video.take[data-slot="b"]').waitFor({ state: 'attached' });
      await page.keyboard.press(' ');
      await page.locator('.transport input.scrub').fill('0.5');
      await page.waitForFunction(() =>
        [...(globalThis as unknown as Doc).document.querySelectorAll('.pane video.take')].every(
          (v) => v.paused && !v.seeking && Math.abs(v.currentTime - 0.5) < 1 / 24,
        ),
      );
    });
  });

  it('a still shot stays images, with no transport', async () => {
    const o = harness.origin;
    const still = (n: number): TakeImage => ({
      variation: n,
      image: `${o}/p/renders/S0000${n}/image.webp`,
      thumb: `${o}/p/renders/S0000${n}/thumb.webp`,
    });
    await withViewer(viewerShot(o, { takes: [still(1), still(2)], versions: [] }), async ({ page }) => {
      await page.locator('.pane img.take').first().waitFor();
      assert.equal(await page.locator('.pane video').count(), 0);
      assert.equal(await page.locator('.transport').isVisible(), false);
    });
  });
});
