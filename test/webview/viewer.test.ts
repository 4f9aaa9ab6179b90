// The take viewer bundle in headless Chromium, with the same page and CSP as in VS Code and a fake host:
// takes side by side (thumbnails first, full images after), 1–9 / C / A / R / ←→ from the keyboard, the
// note box, A/B as a wipe and a flip, one zoom for every pane, two versions and a restore, and a failed
// request shown rather than swallowed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ViewerShot } from '../../src/shared/viewerProtocol';
import { type ExtraFiles, ensureWebviewsBuilt, type Harness, launchBrowser, startHarness } from './harness';
import {
  isHarnessInlineConsoleError,
  isHarnessInlineProbe,
  openView,
  type ViewSession,
  violations,
} from './session';
import { makeViewerFiles, viewerShot } from './viewerFixtures';

let harness: Harness;
let browser: Browser;
const files: ExtraFiles = new Map();
/** Full-size images wait until this opens (thumbnails never wait). */
let release: () => void = () => undefined;
let held: Promise<void> = Promise.resolve();

/** The bits of DOM elements read in the page (this tsconfig has no DOM lib). */
interface Styled {
  style: { width: string; height: string; left: string; top: string; clipPath: string };
  naturalWidth: number;
  clientWidth: number;
  clientHeight: number;
  querySelector(s: string): Styled;
}

async function withViewer(
  body: (s: ViewSession, shot: ViewerShot) => Promise<void>,
  handlers: Record<string, (p: unknown) => unknown> = {},
): Promise<void> {
  const shot = viewerShot(harness.origin);
  const s = await openView(browser, harness, 'viewer', {
    ready: () => shot,
    go: (p) =>
      viewerShot(harness.origin, { shotId: `s01-0${20 + Number((p as { step: number }).step)}`, index: 1 }),
    circle: () => ({ ok: true }),
    review: () => ({ ok: true }),
    note: () => ({ ok: true }),
    restore: () => ({ ok: true, message: 'Restored version 1 of s01-010' }),
    ...handlers,
  });
  try {
    await s.page.locator('.pane').first().waitFor();
    await body(s, shot);
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

const srcs = (page: Page) =>
  page.locator('.pane img.take').evaluateAll((els) => els.map((e) => e.getAttribute('src') ?? ''));

interface ImgLike {
  complete: boolean;
  naturalWidth: number;
  dataset: Record<string, string | undefined>;
}
type PageDoc = { document: { querySelectorAll(s: string): Iterable<ImgLike> } };

/** Predicates are functions, never strings: the page's CSP forbids evaluating strings. */
async function allFull(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const imgs = [...(globalThis as unknown as PageDoc).document.querySelectorAll('.pane img.take')];
    return imgs.length > 0 && imgs.every((i) => i.dataset['loaded'] === 'full');
  });
}

describe('take viewer webview', () => {
  before(async () => {
    ensureWebviewsBuilt();
    await makeViewerFiles(files);
    for (const [key, file] of files) if (key.endsWith('.png')) file.gate = () => held;
    harness = await startHarness(files);
    browser = await launchBrowser();
  });
  after(async () => {
    release();
    await browser?.close();
    await harness?.close();
  });

  it('shows the four takes side by side: thumbnails at once, full images once they decode', async () => {
    held = new Promise((r) => {
      release = r;
    });
    await withViewer(async ({ page }) => {
      await page.waitForFunction(() => {
        const imgs = [...(globalThis as unknown as PageDoc).document.querySelectorAll('.pane img.take')];
        return imgs.length === 4 && imgs.every((i) => i.complete && i.naturalWidth > 0);
      });
      assert.ok(
        (await srcs(page)).every((s) => s.endsWith('.thumb.webp')),
        'thumbnails first',
      );
      assert.equal(await page.locator('.pane-label').first().textContent(), 'Take 1');
      release();
      await allFull(page);
      assert.ok(
        (await srcs(page)).every((s) => s.endsWith('.png')),
        'then the full images',
      );
      const natural = await page
        .locator('.pane img.take')
        .first()
        .evaluate((i: unknown) => (i as Styled).naturalWidth);
      assert.equal(natural, 2400, 'at full resolution');
      assert.equal(await page.evaluate(() => performance.getEntriesByName('dailies:viewer-full').length), 1);
    });
    held = Promise.resolve();
  });

  it('1–9 picks, C circles the picked take, A approves', async () => {
    await withViewer(async ({ page, host }, shot) => {
      await page.keyboard.press('3');
      await page.locator('.pane[data-take="3"][data-picked]').waitFor();
      await page.keyboard.press('c');
      const circle = await host.waitForRequest('circle');
      assert.deepEqual(circle.params, { shotId: 's01-010', take: 3 });
      await host.emit('shot', { ...shot, take: 3, circled: true });
      await page.locator('.pane[data-take="3"][data-circled]').waitFor();
      assert.equal(await page.locator('.pane[data-take="3"] .pane-label').textContent(), 'Take 3 · circled');
      await page.keyboard.press('a');
      const approve = await host.waitForRequest('review');
      assert.deepEqual(approve.params, { shotId: 's01-010', status: 'approved' });
      // A take the shot does not have is not picked.
      await page.keyboard.press('9');
      await page.locator('.toast', { hasText: 'has no take 9' }).waitFor();
    });
  });

  it('R opens the note box; typing never drives the viewer; Ctrl+Enter sends the request with the note', async () => {
    await withViewer(async ({ page, host }) => {
      await page.keyboard.press('r');
      const box = page.locator('.note-box:not([hidden]) textarea');
      await box.waitFor();
      // The box takes focus as it opens (a frame later on a busy machine): type once it has it.
      await page.waitForFunction(() => {
        const d = (globalThis as unknown as { document: { activeElement: { tagName: string } | null } })
          .document;
        return d.activeElement?.tagName === 'TEXTAREA';
      });
      await page.keyboard.type('Warmer lamps, and a 3 c a x.');
      assert.equal(host.requests('circle').length + host.requests('review').length, 0);
      await page.keyboard.press('Control+Enter');
      const r = await host.waitForRequest('review');
      assert.deepEqual(r.params, {
        shotId: 's01-010',
        status: 'changes-requested',
        note: 'Warmer lamps, and a 3 c a x.',
      });
      await page.locator('.note-box').waitFor({ state: 'hidden' });
      // Notes written before the current render are marked as history.
      assert.match(
        (await page.locator('.note.earlier .note-meta').textContent()) ?? '',
        /before the current render/,
      );
    });
  });

  it('← and → move to the previous and next shot', async () => {
    await withViewer(async ({ page, host }) => {
      await page.keyboard.press('ArrowRight');
      assert.deepEqual((await host.waitForRequest('go')).params, { step: 1 });
      await page.locator('.shot-title', { hasText: 's01-021' }).waitFor();
      assert.equal(await page.locator('.shot-position').textContent(), '2 / 3');
      await page.keyboard.press('ArrowLeft');
      await host.waitForRequest('go', 5000, (r) => (r.params as { step: number }).step === -1);
    });
  });

  it('A/B: a wipe you drag, a flip that swaps, on the circled and the picked take', async () => {
    await withViewer(async ({ page }) => {
      await page.keyboard.press('2');
      await page.keyboard.press('x');
      await page.keyboard.press('w');
      const wipe = page.locator('.pane-wipe');
      await wipe.waitFor();
      assert.equal(await wipe.locator('img.take').count(), 2);
      assert.match((await wipe.locator('.pane-label').textContent()) ?? '', /A · Take 1.*B · Take 2/);
      const frame = await wipe.locator('.frame').boundingBox();
      assert.ok(frame);
      await page.mouse.move(frame.x + frame.width / 2, frame.y + frame.height / 2);
      await page.mouse.down();
      await page.mouse.move(frame.x + frame.width * 0.25, frame.y + frame.height / 2, { steps: 4 });
      await page.mouse.up();
      const clip = await wipe
        .locator('img[data-slot="b"]')
        .evaluate((i: unknown) => (i as Styled).style.clipPath);
      assert.match(clip, /inset\(0(px)? 0(px)? 0(px)? 2\d(\.\d+)?%\)/);
      await page.keyboard.press('f');
      const flip = page.locator('.pane-flip');
      await flip.waitFor();
      assert.equal(await flip.getAttribute('data-flip-b'), null);
      await page.keyboard.press('f');
      await page.locator('.pane-flip[data-flip-b]').waitFor();
    });
  });

  it('one zoom and pan for every pane: the same image point stays at each frame centre', async () => {
    await withViewer(async ({ page }) => {
      await allFull(page);
      const box = await page.locator('.pane .frame').first().boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
      for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -200);
      await page.locator('.stage.zoomed').waitFor();
      await page.evaluate(
        () =>
          new Promise<void>((r) => {
            const raf = (globalThis as unknown as { requestAnimationFrame(f: () => void): void })
              .requestAnimationFrame;
            raf(() => raf(() => r()));
          }),
      );
      const placements = await page.locator('.pane').evaluateAll((panes: unknown[]) =>
        (panes as Styled[]).map((p) => {
          const frame = p.querySelector('.frame');
          const img = p.querySelector('img');
          const w = Number.parseFloat(img.style.width);
          const h = Number.parseFloat(img.style.height);
          // The image point (0..1) at the frame's centre, and the zoom over the fitted width.
          return {
            cx: (frame.clientWidth / 2 - Number.parseFloat(img.style.left)) / w,
            cy: (frame.clientHeight / 2 - Number.parseFloat(img.style.top)) / h,
            zoom: w / frame.clientWidth,
          };
        }),
      );
      assert.equal(placements.length, 4);
      assert.ok(placements[0]!.zoom > 1.5, `zoomed in (${placements[0]!.zoom})`);
      for (const p of placements.slice(1)) {
        assert.ok(
          Math.abs(p.cx - placements[0]!.cx) < 1e-3 && Math.abs(p.cy - placements[0]!.cy) < 1e-3,
          JSON.stringify(placements),
        );
        assert.ok(Math.abs(p.zoom - placements[0]!.zoom) < 1e-3);
      }
      assert.notEqual(placements[0]!.cx.toFixed(3), '0.500', 'zoomed at the pointer, not the centre');
      await page.keyboard.press('0');
      await page.locator('.stage:not(.zoomed)').waitFor();
    });
  });

  it('compares two versions and restores the older one', async () => {
    await withViewer(async ({ page, host }) => {
      await page.keyboard.press('v');
      await page.locator('.pane-label', { hasText: 'A · v1 · take 1' }).waitFor();
      await page.locator('.pane-label', { hasText: 'B · v2 (current) · take 1' }).waitFor();
      assert.ok((await srcs(page)).some((s) => s.includes('/v1/')));
      assert.equal(await page.locator('.version.current').getAttribute('data-version'), '2');
      await page.locator('.version[data-version="1"] .version-restore').click();
      assert.deepEqual((await host.waitForRequest('restore')).params, {
        shotId: 's01-010',
        versionId: 'aaaaaaaaaaaa',
      });
      await page.locator('.toast', { hasText: 'Restored version 1' }).waitFor();
    });
  });

  it('a request the host refuses is shown, not swallowed', async () => {
    await withViewer(
      async ({ page }) => {
        await page.keyboard.press('c');
        await page.locator('.toast-error', { hasText: 'project.json is not valid right now' }).waitFor();
      },
      { circle: () => ({ ok: false, message: 'Nothing was changed: project.json is not valid right now' }) },
    );
  });
});
