// The take viewer on a video shot, in headless Chromium with real H.264 proxies (made by the bundled
// ffmpeg, as the engine makes them) under the page's real CSP: each take plays its proxy in a muted
// inline <video>, one transport plays, pauses and seeks them all together, A/B compares two playing takes,
// and a still shot stays images.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import type { VersionEntry } from '../../src/core/review/versions';
import type { ShotView } from '../../src/core/state/productionState';
import { buildViewerShot } from '../../src/extension/webviews/viewerModel';
import type { PlaybackReport, TakeImage, ViewerShot } from '../../src/shared/viewerProtocol';
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

/** A real review proxy: H.264 yuv420p, no audio, +faststart, 24 fps (or `fps`), a moving test pattern. */
async function proxy(name: string, pattern: string, seconds: number, fps = 24): Promise<Buffer> {
  const file = path.join(scratch, name);
  await run(bundledFfmpeg(), [
    ...['-v', 'error', '-y', '-f', 'lavfi'],
    ...['-i', `${pattern}=size=320x134:rate=${fps}:duration=${seconds}`],
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
  // Two renders of a moving shot, as the engine keeps them: each version's proxy in the content store
  // (renders/ holds only the newest), and a 30 fps clip for stepping at a rate that is not 24.
  for (const [n, pattern, fps] of [
    [1, 'testsrc2', 24],
    [2, 'smptebars', 30],
  ] as const) {
    const bytes = await proxy(`version${n}.mp4`, pattern, 2, fps);
    const sha = createHash('sha256').update(bytes).digest('hex');
    versionProxies.push(sha);
    harness.serveMedia(`${sha}.mp4`, bytes);
    // The current render's proxy in renders/ (what Takes mode plays) is the newest version's bytes.
    if (n === 2) harness.serveMedia('s01-095_v1.proxy.mp4', bytes);
  }
  harness.serveMedia('s02-085_v1.proxy.mp4', await proxy('30.mp4', 'testsrc', 2, 30));
});

const versionProxies: string[] = [];
const HASH = (c: string) => c.repeat(64);

/** What the host hands the page: the real view model, its paths mapped to what the harness serves. */
function hostShot(shot: ShotView, versions: VersionEntry[], fps?: number): ViewerShot {
  const o = harness.origin;
  let still = 0;
  return buildViewerShot(
    {
      projectFile: '/work/night-train/project.json',
      title: 'Night Train',
      aspectRatio: '2.39:1',
      shots: () => [shot],
      sceneTitle: () => undefined,
      uri: (rel) =>
        rel.endsWith('.mp4')
          ? `${o}/media/${path.posix.basename(rel)}`
          : rel.endsWith('.webp')
            ? `${o}/p/renders/S0000${(still++ % 4) + 1}/thumb.webp`
            : `${o}/p/renders/S0000${(still % 4) + 1}/image.webp`,
      ...(fps ? { fps } : {}),
    },
    shot,
    versions,
  );
}

/** A video output as the engine records it (`image` is the poster). */
function clipOutput(id: string, sha: string, fps?: number) {
  return {
    variation: 1,
    image: `renders/${id}/${id}_v1.jpg`,
    thumb: `renders/${id}/${id}_v1.thumb.webp`,
    sha256: sha,
    video: `renders/${id}/${id}_v1.mp4`,
    proxy: `renders/${id}/${id}_v1.proxy.mp4`,
    seconds: 2,
    ...(fps ? { fps } : {}),
  };
}

function videoView(id: string, outputs: ShotView['outputs'], renderHash?: string): ShotView {
  return {
    id,
    index: 0,
    prompt: 'The train pulls out',
    model: 'draft/video',
    provider: 'draft',
    variations: 1,
    status: 'done',
    outputs,
    line: 0,
    ...(renderHash ? { renderHash } : {}),
  };
}

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
    playback: () => null,
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

  it('Versions mode plays two versions of a moving shot as video (each its own proxy from the store), in sync', async () => {
    const version = (n: 1 | 2, id: string): VersionEntry => ({
      v: 1,
      id,
      shotId: 's01-095',
      recordedAt: `2026-03-0${n}T09:00:00.000Z`,
      render: {
        status: 'done',
        inputHash: HASH(String(n)),
        provider: 'draft',
        model: 'draft/video',
        outputs: [clipOutput('s01-095', HASH(n === 1 ? 'a' : 'b'), n === 1 ? 24 : 30)],
        renderedAt: `2026-03-0${n}T09:00:00.000Z`,
      },
      thumbs: { '1': HASH(n === 1 ? 'c' : 'd') },
      proxies: { '1': versionProxies[n - 1]! },
      fields: { prompt: `prompt ${n}` },
    });
    const v2 = version(2, 'bbbbbbbbbbbb');
    const shot = hostShot(videoView('s01-095', v2.render.outputs, v2.render.inputHash), [
      version(1, 'aaaaaaaaaaaa'),
      v2,
    ]);
    await withViewer(shot, async ({ page }) => {
      await page.keyboard.press('v');
      await page.locator('.pane video.take').nth(1).waitFor();
      await settled(page);
      let seen = await videos(page);
      assert.deepEqual(
        seen.map((v) => path.posix.basename(new URL(v.src).pathname)),
        versionProxies.map((sha) => `${sha}.mp4`),
        'v1 and v2 each play their own proxy',
      );
      assert.equal(await page.locator('.pane img.take').count(), 0, 'no poster stands in for a version');
      await page.locator('.transport button.play').click();
      await page.waitForFunction(() => {
        const all = [...(globalThis as unknown as Doc).document.querySelectorAll('.pane video.take')];
        return all.length === 2 && all.every((v) => !v.paused && v.currentTime > 0.3);
      });
      seen = await videos(page);
      assert.ok(
        Math.abs(seen[0]!.time - seen[1]!.time) < 0.15,
        `both versions play together (${seen[0]!.time}, ${seen[1]!.time})`,
      );
      await page.keyboard.press(' ');
      await page.waitForFunction(() =>
        [...(globalThis as unknown as Doc).document.querySelectorAll('.pane video.take')].every(
          (v) => v.paused,
        ),
      );
    });
  });

  it('frame keys step at the clip’s own rate (a 30 fps clip), else at the production’s', async () => {
    const stepsAt = async (shot: ViewerShot, fps: number) =>
      withViewer(shot, async ({ page }) => {
        await settled(page);
        await page.locator('.transport input.scrub').fill('0.5');
        await page.waitForFunction(() =>
          [...(globalThis as unknown as Doc).document.querySelectorAll('.pane video.take')].every(
            (v) => !v.seeking && Math.abs(v.currentTime - 0.5) < 0.001,
          ),
        );
        for (const key of ['.', '.', '.', ',']) await page.keyboard.press(key);
        const want = 0.5 + 2 / fps;
        await page.waitForFunction(
          (t) =>
            [...(globalThis as unknown as Doc).document.querySelectorAll('.pane video.take')].every(
              (v) => !v.seeking && Math.abs(v.currentTime - t) < 0.002,
            ),
          want,
        );
        assert.equal(await page.locator('.transport').getAttribute('data-fps'), String(fps));
      });
    const thirty = (fps?: number) => videoView('s02-085', [{ ...clipOutput('s02-085', HASH('e'), fps) }]);
    // The rate recorded with the clip wins over the production's.
    await stepsAt(hostShot(thirty(30), [], 25), 30);
    // A clip recorded without its rate steps at the production's (the animatic's) rate.
    await stepsAt(hostShot(thirty(), [], 30), 30);
  });

  it('tells the host what it plays (for the Take Viewer Snapshot command): playing, each take’s time, then paused', async () => {
    await withViewer(videoShot(), async ({ page, host }) => {
      await settled(page);
      const report = (where: (r: PlaybackReport) => boolean) =>
        host
          .waitForRequest('playback', 30_000, (m) => where(m.params as PlaybackReport))
          .then((m) => m.params as PlaybackReport);
      const still = await report((r) => r.videos.length === 2 && r.videos.every((v) => v.ready >= 2));
      assert.equal(still.playing, false);
      assert.equal(still.shotId, 's02-010');
      assert.equal(still.fps, 24);
      assert.deepEqual(
        still.videos.map((v) => v.pane),
        ['t1', 't2'],
      );
      await page.locator('.transport button.play').click();
      const playing = await report((r) => r.playing && r.videos.every((v) => !v.paused && v.time > 0.3));
      assert.ok(
        Math.abs(playing.videos[0]!.time - playing.videos[1]!.time) < 0.15,
        JSON.stringify(playing.videos),
      );
      await page.locator('.transport button.play').click();
      await report((r) => !r.playing && r.videos.every((v) => v.paused));
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
