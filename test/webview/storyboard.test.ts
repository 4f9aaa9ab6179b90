// The storyboard bundle in headless Chromium, fed protocol messages by a fake host (the host's own
// StoryboardSync encodes them): virtualisation at 10,000 shots, live progress as deltas, filters, mouse
// and keyboard, persisted state, revisions, CSP and request timeouts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { NEVER } from './fakeHost';
import {
  FixtureBoard,
  imagePath,
  rootOf,
  rowsOf,
  SCENE_TITLES,
  sceneOf,
  shaOf,
  shotId,
  shotViews,
  statusOf,
} from './fixtures';
import { ensureWebviewsBuilt, type Harness, launchBrowser, startHarness } from './harness';
import {
  countElements,
  type ElementLike,
  getScrollTop,
  isHarnessInlineConsoleError,
  isHarnessInlineProbe,
  openView,
  type PageGlobals,
  pageGlobal,
  setScrollTop,
  type ViewSession,
  violations,
} from './session';

const SHOTS = 10_000;
const MAX_GRID_ELEMENTS = 400;

let harness: Harness;
let browser: Browser;
/** The board of the page under test: a fresh one per page, so changes never leak between tests. */
let board: FixtureBoard;
const prompts = shotViews(SHOTS).map((v) => v.prompt);

function handlers(overrides: Record<string, (p: unknown) => unknown> = {}) {
  return {
    ready: () => board.snapshot(),
    render: () => ({ started: true }),
    cancel: (p: unknown) => ({ canceled: (p as { shotIds: string[] }).shotIds.length }),
    openImage: () => ({ opened: true }),
    revealShot: () => ({ revealed: true }),
    ...overrides,
  };
}

/** Opens the storyboard, runs `body`, checks the page stayed clean, and always closes the context. */
async function withStoryboard(
  body: (s: ViewSession) => Promise<void>,
  options: { overrides?: Record<string, (p: unknown) => unknown>; query?: string; clean?: boolean } = {},
): Promise<void> {
  board = new FixtureBoard(SHOTS, harness);
  const s = await openView(browser, harness, 'storyboard', handlers(options.overrides), {
    ...(options.query ? { query: options.query } : {}),
  });
  try {
    await s.page.locator('.card[data-shot-id]').first().waitFor();
    await body(s);
    if (options.clean !== false) await assertClean(s);
  } finally {
    await s.close();
  }
}

const card = (page: Page, id: string) => page.locator(`.card[data-shot-id="${id}"]`);
const summary = (page: Page) => page.locator('.summary');

/** No page errors, and no console error or CSP report other than the harness's deliberate probe. */
async function assertClean(s: ViewSession): Promise<void> {
  assert.deepEqual(s.pageErrors, []);
  assert.deepEqual(
    s.consoleErrors.filter((e) => !isHarnessInlineConsoleError(e)),
    [],
  );
  assert.deepEqual(
    (await violations(s.page)).filter((v) => !isHarnessInlineProbe(v)),
    [],
  );
}

async function typeFilter(page: Page, text: string): Promise<void> {
  await page.locator('vscode-textfield.filter-text input').fill(text);
}

async function choose(page: Page, selectClass: string, option: string): Promise<void> {
  await page.locator(`vscode-single-select.${selectClass}`).click();
  await page
    .locator(`vscode-single-select.${selectClass}`)
    .getByRole('option', { name: option, exact: true })
    .click();
}

describe('storyboard webview', () => {
  before(async () => {
    ensureWebviewsBuilt();
    harness = await startHarness();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('renders 10,000 shots with only a few hundred elements in the grid', async () => {
    await withStoryboard(async (s) => {
      const { page } = s;
      await page.waitForFunction(() => performance.getEntriesByName('dailies:first-paint').length > 0);
      await assert.doesNotReject(summary(page).filter({ hasText: '10,000 shots' }).waitFor());
      const elements = await countElements(page, '.vgrid');
      assert.ok(elements < MAX_GRID_ELEMENTS, `${elements} elements under the grid`);
      assert.equal(await card(page, shotId(0)).locator('.line').textContent(), `${shotId(0)}fal-ai/flux/dev`);
      assert.equal(await page.locator('.scene-title').first().textContent(), SCENE_TITLES[0]);
      const grid = page.locator('.vgrid');
      assert.equal(await grid.getAttribute('role'), 'grid');
      assert.ok(Number(await grid.getAttribute('aria-rowcount')) > 1000);
      assert.equal(await card(page, shotId(0)).getAttribute('role'), 'gridcell');
    });
  });

  it('shows the last shots after scrolling to the bottom, still with few elements', async () => {
    await withStoryboard(async (s) => {
      const { page } = s;
      await setScrollTop(page, '.vgrid', 10_000_000);
      await card(page, shotId(SHOTS - 1)).waitFor();
      assert.ok(await card(page, shotId(SHOTS - 1)).isVisible());
      assert.equal(await card(page, shotId(0)).count(), 0, 'the first card left the DOM');
      const elements = await countElements(page, '.vgrid');
      assert.ok(elements < MAX_GRID_ELEMENTS, `${elements} elements under the grid`);
      // A jump that long is a fling: images wait for the scroll to settle, then every card with an image
      // shows its own shot's thumbnail (recycled cards keep nothing of the shots that scrolled away).
      await page.waitForFunction(() =>
        [
          ...(globalThis as unknown as PageGlobals).document.querySelectorAll(
            '.card[data-shot-id]:not([data-empty])',
          ),
        ].every(
          (c) =>
            c
              .querySelector('img')
              ?.getAttribute('src')
              ?.includes(`/p/renders/${c.getAttribute('data-shot-id')}/`) === true,
        ),
      );
      // Rows that left the window stay in the DOM out of sight: hidden from assistive technology and
      // holding no shot, so no id or shot appears twice.
      const rows = await page.locator('.vgrid-row').evaluateAll((els: unknown[]) =>
        els.map((r) => {
          const row = r as ElementLike & { getAttribute(n: string): string | null };
          return {
            parked: row.getAttribute('aria-hidden') === 'true',
            shots: row.querySelectorAll('[data-shot-id]').length,
          };
        }),
      );
      assert.ok(
        rows.some((r) => r.parked),
        'the scroll parked no row: the check below proves nothing',
      );
      assert.deepEqual(
        rows.filter((r) => r.parked && r.shots > 0),
        [],
      );
      const domIds = await page
        .locator('.card[id]')
        .evaluateAll((els: unknown[]) => els.map((e) => (e as { id: string }).id));
      assert.equal(new Set(domIds).size, domIds.length, 'duplicate card ids');
      // Text left out during the fling is back once it settled.
      assert.equal(await page.locator('.vgrid.flinging').count(), 0);
      assert.ok(
        await card(page, shotId(SHOTS - 1))
          .locator('.prompt')
          .isVisible(),
      );
      const withImages = await page.locator('.vgrid img[src]').count();
      assert.ok(withImages > 0 && withImages <= (await page.locator('.card[data-shot-id]').count()));
    });
  });

  it('recycles cards through a wheel scroll without dropping image sources or showing another shot’s frame', async () => {
    await withStoryboard(async (s) => {
      const { page } = s;
      await page.waitForFunction(() => performance.getEntriesByName('dailies:first-paint').length > 0);
      await page.waitForLoadState('networkidle');
      // Frame by frame at wheel pace: no card in the window has its <img>'s src removed (that flips it into
      // alt-text fallback, a layout rebuild per recycled card; parked rows drop theirs once the grid is
      // quiet), and every visible image shows its own card's shot.
      const seen = (await page.evaluate(`(async () => {
        const grid = document.querySelector('.vgrid');
        let removed = 0;
        const observer = new MutationObserver((records) => {
          for (const r of records) if (r.oldValue !== null && !r.target.hasAttribute('src') && r.target.closest('.card[data-shot-id]:not([data-empty])')) removed++;
        });
        observer.observe(grid, { subtree: true, attributes: true, attributeFilter: ['src'], attributeOldValue: true });
        const wrong = [];
        let checked = 0;
        for (let i = 0; i < 90; i++) {
          await new Promise((resolve) => requestAnimationFrame(() => {
            for (const card of grid.querySelectorAll('.card[data-shot-id]:not([data-empty])')) {
              const img = card.querySelector('img');
              if (!img.getAttribute('src') || getComputedStyle(img).visibility !== 'visible') continue;
              checked++;
              if (!img.getAttribute('src').includes('/renders/' + card.dataset.shotId + '/')) wrong.push(card.dataset.shotId);
            }
            grid.scrollTop += 120;
            resolve();
          }));
          // Some frames land images between them, as they would while a user scrolls.
          if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 120));
        }
        observer.disconnect();
        return { removed, wrong, checked, top: grid.scrollTop };
      })()`)) as { removed: number; wrong: string[]; checked: number; top: number };
      assert.ok(seen.top > 5000, `the grid scrolled only to ${seen.top}`);
      assert.ok(seen.checked > 100, `only ${seen.checked} visible images checked: the check proves nothing`);
      assert.deepEqual(seen.wrong, [], 'cards showed another shot’s frame');
      assert.equal(seen.removed, 0, 'image sources were removed while scrolling');
    });
  });

  it('starts a wheel scroll’s images a few per frame, and every card in view shows its own once it stops', async () => {
    await withStoryboard(async (s) => {
      const { page } = s;
      await page.waitForFunction(() => performance.getEntriesByName('dailies:first-paint').length > 0);
      await page.waitForLoadState('networkidle');
      // Per frame, how many <img> got a src: a row's five at once made the long frames of a wheel scroll.
      // A frame that came a tenth of a second after the one before (a loaded machine) found the grid still,
      // when whatever waits may start at once: its count is left out.
      const seen = (await page.evaluate(`(async () => {
        const grid = document.querySelector('.vgrid');
        let frame = 0;
        let last = performance.now();
        const started = [];
        const stalled = [];
        const observer = new MutationObserver((records) => {
          for (const r of records) if (r.target.getAttribute('src')) started[frame] = (started[frame] ?? 0) + 1;
        });
        observer.observe(grid, { subtree: true, attributes: true, attributeFilter: ['src'] });
        for (let i = 0; i < 60; i++) {
          await new Promise((resolve) => requestAnimationFrame((t) => {
            if (t - last >= 100) stalled[frame] = true;
            last = t;
            frame++;
            grid.scrollTop += 120;
            resolve();
          }));
        }
        await new Promise((resolve) => requestAnimationFrame(resolve));
        observer.disconnect();
        const counted = started.filter((n, f) => n && !stalled[f]);
        return { most: Math.max(0, ...counted), frames: frame - stalled.filter(Boolean).length, top: grid.scrollTop };
      })()`)) as { most: number; frames: number; top: number };
      assert.ok(seen.top > 5000, `the grid scrolled only to ${seen.top}`);
      assert.ok(seen.frames > 30, `only ${seen.frames} frames came in time: the check proves nothing`);
      assert.ok(seen.most <= 3, `${seen.most} images started in one frame`);
      // Still: every card in view with an image shows its own shot's, loaded and visible.
      const wrong = (await page.evaluate(`(async () => {
        const grid = document.querySelector('.vgrid');
        const box = grid.getBoundingClientRect();
        const wrong = () => {
          const cards = [...grid.querySelectorAll('.card[data-shot-id]:not([data-empty])')].filter((c) => {
            const r = c.getBoundingClientRect();
            return r.bottom > box.top && r.top < box.bottom;
          });
          if (cards.length < 10) return ['only ' + cards.length + ' cards in view'];
          return cards.filter((c) => {
            const img = c.querySelector('img');
            return !(img.complete && img.naturalWidth > 0 && getComputedStyle(img).visibility === 'visible' &&
              (img.getAttribute('src') ?? '').includes('/renders/' + c.dataset.shotId + '/'));
          }).map((c) => c.dataset.shotId);
        };
        const deadline = Date.now() + 30000;
        while (wrong().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        return wrong();
      })()`)) as string[];
      assert.deepEqual(wrong, [], 'cards in view without their own image once the scroll stopped');
    });
  });

  it('lands a delta on the right card and no other', async () => {
    await withStoryboard(async (s) => {
      const { page, host } = s;
      board.update(shotId(2), {
        status: 'running',
        progress: { variation: 2, variations: 4, step: 12, steps: 30, state: 'running' },
      });
      board.update(shotId(4), {
        status: 'queued',
        progress: { variation: 1, variations: 1, state: 'queued', queuePosition: 3 },
      });
      board.update(shotId(9000), {
        status: 'running',
        progress: { variation: 1, variations: 2, state: 'downloading' },
      });
      board.batch = {
        running: true,
        shotsDone: 3,
        shotsTotal: 12,
        jobsDone: 5,
        jobsTotal: 20,
        etaMs: 95_000,
      };
      const delta = board.delta([shotId(2), shotId(4), shotId(9000)]);
      assert.equal(rowsOf(delta.rows).length, 3, 'only the three changed shots travel');
      await host.emit('delta', delta);
      const strip = card(page, shotId(2)).locator('.strip');
      await assert.doesNotReject(strip.filter({ hasText: 'Variation 2/4 · Step 12/30' }).waitFor());
      assert.equal(await page.locator('.strip', { hasText: 'Variation 2/4 · Step 12/30' }).count(), 1);
      assert.equal(await card(page, shotId(2)).locator('.badge').textContent(), 'rendering');
      assert.equal(
        await card(page, shotId(4)).locator('.strip').textContent(),
        'Variation 1/1 · queued (#3)',
      );
      assert.equal(await card(page, shotId(3)).locator('.strip').isVisible(), false);
      assert.match((await summary(page).textContent()) ?? '', /batch 3\/12 · ETA 1m 35s/);
      // A step of progress alone moves no row: only the live map travels.
      board.update(shotId(2), {
        progress: { variation: 2, variations: 4, step: 13, steps: 30, state: 'running' },
      });
      const step = board.delta([shotId(2)]);
      assert.equal(step.rows, undefined);
      await host.emit('delta', step);
      await strip.filter({ hasText: 'Variation 2/4 · Step 13/30' }).waitFor();
      // An update for a card outside the viewport still updates the model: it shows once scrolled to.
      await typeFilter(page, shotId(9000));
      await assert.doesNotReject(
        card(page, shotId(9000))
          .locator('.strip')
          .filter({ hasText: 'Variation 1/2 · downloading' })
          .waitFor(),
      );
    });
  });

  it('re-filters when a delta moves a shot out of the status filter', async () => {
    await withStoryboard(async ({ page, host }) => {
      const running = { variation: 1, variations: 1, step: 3, steps: 20, state: 'running' };
      for (const i of [0, 1, 9999]) board.update(shotId(i), { status: 'running', progress: running });
      await host.emit('delta', board.delta([shotId(0), shotId(1), shotId(9999)]));
      await choose(page, 'filter-status', 'Queued or rendering');
      await summary(page).filter({ hasText: '3 of 10,000 shots' }).waitFor();
      board.update(shotId(1), { status: 'done', progress: undefined });
      await host.emit('delta', board.delta([shotId(1)]));
      await summary(page).filter({ hasText: '2 of 10,000 shots' }).waitFor();
      assert.deepEqual(await page.locator('.card[data-shot-id]').evaluateAll(ids), [shotId(0), shotId(9999)]);
    });
  });

  it('narrows the cards with the text, scene and status filters', async () => {
    await withStoryboard(async (s) => {
      const { page } = s;
      await typeFilter(page, shotId(41));
      await summary(page).filter({ hasText: '1 of 10,000 shots' }).waitFor();
      assert.deepEqual(await page.locator('.card[data-shot-id]').evaluateAll(ids), [shotId(41)]);

      const ribbon = prompts.filter((x) => x.toLowerCase().includes('ribbon')).length;
      await typeFilter(page, 'RIBBON');
      await summary(page)
        .filter({ hasText: `${ribbon.toLocaleString('en-US')} of 10,000 shots` })
        .waitFor();
      await typeFilter(page, '');
      await summary(page)
        .filter({ hasText: /^10,000 shots/ })
        .waitFor();

      const cafe = Array.from({ length: SHOTS }, (_, i) => i).filter((i) => sceneOf(i, SHOTS) === 2);
      await choose(page, 'filter-scene', SCENE_TITLES[2]);
      await summary(page)
        .filter({ hasText: `${cafe.length} of 10,000 shots` })
        .waitFor();
      assert.deepEqual(await page.locator('.scene-title').allTextContents(), [SCENE_TITLES[2]]);
      assert.equal((await page.locator('.card[data-shot-id]').evaluateAll(ids))[0], shotId(cafe[0]!));

      await choose(page, 'filter-scene', 'All scenes');
      const failed = Array.from({ length: SHOTS }, (_, i) => statusOf(i)).filter(
        (x) => x === 'failed',
      ).length;
      await choose(page, 'filter-status', 'Status: failed');
      await summary(page)
        .filter({ hasText: `${failed} of 10,000 shots` })
        .waitFor();
      const statuses = await page
        .locator('.card[data-shot-id]')
        .evaluateAll((cards: unknown[]) =>
          cards.map((c) => (c as { dataset: Record<string, string> }).dataset['status']),
        );
      assert.ok(statuses.length > 0 && statuses.every((x) => x === 'failed'), statuses.join());
      assert.match(
        (await page.locator('.card[data-shot-id] .strip').first().textContent()) ?? '',
        /Provider error 422/,
      );
    });
  });

  it('falls back to the original image when the thumbnail is missing', async () => {
    await withStoryboard(async (s) => {
      const { page } = s;
      await typeFilter(page, shotId(37));
      const img = card(page, shotId(37)).locator('img');
      await page.waitForFunction(
        (sel) =>
          (globalThis as unknown as PageGlobals).document
            .querySelector(sel)
            ?.getAttribute('src')
            ?.includes('.png') === true,
        `.card[data-shot-id="${shotId(37)}"] img`,
      );
      assert.equal(
        await img.getAttribute('src'),
        `${rootOf(harness)}${imagePath(37)}?v=${shaOf(37).slice(0, 8)}`,
      );
      assert.equal(await card(page, shotId(7)).count(), 0);
    });
  });

  it('selects with click, Ctrl+click and Shift+click and renders or cancels the selection', async () => {
    await withStoryboard(async (s) => {
      const { page, host } = s;
      await card(page, shotId(1)).click();
      assert.equal(await card(page, shotId(1)).getAttribute('aria-selected'), 'true');
      await card(page, shotId(0)).click();
      await card(page, shotId(2)).click({ modifiers: ['Control'] });
      await card(page, shotId(5)).click({ modifiers: ['Control'] });
      await summary(page).filter({ hasText: '3 selected' }).waitFor();
      await page.locator('vscode-button[data-action="render"]').click();
      const render = await host.waitForRequest('render');
      assert.deepEqual(render.params, { shotIds: [shotId(0), shotId(2), shotId(5)], force: false });

      await card(page, shotId(6)).click({ modifiers: ['Shift'] });
      await summary(page).filter({ hasText: '2 selected' }).waitFor();
      await page.locator('vscode-button[data-action="cancel"]').click();
      const cancel = await host.waitForRequest('cancel');
      assert.deepEqual(cancel.params, { shotIds: [shotId(5), shotId(6)] });
      await page.locator('.toast-info', { hasText: 'Canceled 2 of 2 shots' }).waitFor();
      assert.deepEqual(host.requests('openImage'), [], 'clicks never open an image');
    });
  });

  it('offers render / force / cancel / open / reveal in a context menu', async () => {
    await withStoryboard(async (s) => {
      const { page, host } = s;
      await card(page, shotId(5)).click({ button: 'right' });
      const menu = page.getByRole('menu');
      await menu.waitFor();
      assert.deepEqual(await menu.getByRole('menuitem').allTextContents(), [
        'Circle the shown take',
        'Approve',
        'Request changes…',
        'Back to pending',
        'Open in take viewer',
        'Render',
        'Force re-render',
        'Cancel',
        'Open image',
        'Reveal in project.json',
        'Reveal in tree',
        'Copy prompt',
      ]);
      await menu.getByRole('menuitem', { name: 'Force re-render' }).click();
      const render = await host.waitForRequest('render');
      assert.deepEqual(render.params, { shotIds: [shotId(5)], force: true });
      assert.equal(await menu.count(), 0);

      await page.locator('.vgrid').focus();
      await page.keyboard.press('Shift+F10');
      await menu.waitFor();
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Enter');
      const reveal = await host.waitForRequest('revealShot');
      assert.deepEqual(reveal.params, { shotId: shotId(5) });
    });
  });

  it('moves focus with the arrow keys, opens with Enter, selects with Space and Ctrl+A', async () => {
    await withStoryboard(async (s) => {
      const { page, host } = s;
      const grid = page.locator('.vgrid');
      const columns = Number(await grid.getAttribute('aria-colcount'));
      assert.ok(columns >= 3, `${columns} columns`);
      await grid.focus();
      assert.equal(await grid.getAttribute('aria-activedescendant'), 'shot-card-0');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowDown');
      const target = 1 + columns;
      assert.equal(await grid.getAttribute('aria-activedescendant'), `shot-card-${target}`);
      assert.ok(
        await card(page, shotId(target)).evaluate((c: unknown) =>
          (c as { className: string }).className.includes('is-active'),
        ),
      );
      await page.keyboard.press('Enter');
      const open = await host.waitForRequest('openImage');
      assert.deepEqual(open.params, { shotId: shotId(target) });
      await page.keyboard.press('Space');
      assert.equal(await card(page, shotId(target)).getAttribute('aria-selected'), 'true');
      await page.keyboard.press('Shift+ArrowRight');
      await summary(page).filter({ hasText: '2 selected' }).waitFor();

      // Far moves scroll the virtual grid so the focused card is in the DOM.
      await page.keyboard.press('End');
      await card(page, shotId(SHOTS - 1)).waitFor();
      assert.equal(await grid.getAttribute('aria-activedescendant'), `shot-card-${SHOTS - 1}`);
      await page.keyboard.press('Control+a');
      await summary(page).filter({ hasText: '10,000 selected' }).waitFor();
      await page.keyboard.press('Escape');
      await summary(page)
        .filter({ hasText: /^10,000 shots · (?!.*selected)/ })
        .waitFor();
    });
  });

  it('restores filters, zoom, selection and scroll after a reload', async () => {
    await withStoryboard(async (s) => {
      const { page } = s;
      await typeFilter(page, 'lantern');
      const lantern = prompts.filter((x) => x.includes('lantern')).length;
      await summary(page)
        .filter({ hasText: `${lantern.toLocaleString('en-US')} of 10,000` })
        .waitFor();
      const columnsBefore = await page.locator('.vgrid').getAttribute('aria-colcount');
      await page.getByRole('button', { name: 'Larger cards' }).click();
      await page.waitForFunction(
        (c) =>
          (globalThis as unknown as PageGlobals).document
            .querySelector('.vgrid')
            ?.getAttribute('aria-colcount') !== c,
        columnsBefore,
      );
      const columns = await page.locator('.vgrid').getAttribute('aria-colcount');
      const first = await page.locator('.card[data-shot-id]').first().getAttribute('data-shot-id');
      await page.locator('.card[data-shot-id]').first().click();
      await page
        .locator('.card[data-shot-id]')
        .nth(1)
        .click({ modifiers: ['Control'] });
      await setScrollTop(page, '.vgrid', 2400);
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__state?.scrollTop === 2400);
      const saved = (await pageGlobal(page, '__state')) as Record<string, unknown>;
      assert.equal(saved['v'], 1);
      assert.equal(saved['text'], 'lantern');
      assert.equal((saved['selected'] as string[]).length, 2);

      await page.reload();
      await page.locator('.card[data-shot-id]').first().waitFor();
      await summary(page)
        .filter({ hasText: `${lantern.toLocaleString('en-US')} of 10,000 shots · ` })
        .waitFor();
      assert.match((await summary(page).textContent()) ?? '', /2 selected/);
      assert.equal(await page.locator('vscode-textfield.filter-text input').inputValue(), 'lantern');
      assert.equal(await page.locator('.vgrid').getAttribute('aria-colcount'), columns);
      assert.equal(await getScrollTop(page, '.vgrid'), 2400);
      await setScrollTop(page, '.vgrid', 0);
      assert.equal(await card(page, first ?? '').getAttribute('aria-selected'), 'true');

      // A state blob of another version is ignored rather than half-applied. (First let the pending save
      // of the scroll above land, or the page would flush it over the blob when it unloads.)
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__state?.scrollTop === 0);
      await page.evaluate(() =>
        (globalThis as unknown as PageGlobals).sessionStorage.setItem(
          'dailies-harness-state',
          JSON.stringify({ v: 99, text: 'zzz' }),
        ),
      );
      await page.reload();
      await page.locator('.card[data-shot-id]').first().waitFor();
      await summary(page)
        .filter({ hasText: /^10,000 shots/ })
        .waitFor();
    });
  });

  it('applies header, order and row changes from one delta, keeping the selection', async () => {
    await withStoryboard(async (s) => {
      const { page, host } = s;
      await card(page, shotId(3)).click();
      const views = board.views.slice(0, 30);
      views[3] = {
        ...views[3]!,
        status: 'failed',
        reason: 'Replicate: prediction failed (CUDA out of memory)',
      };
      board.replace(views);
      board.header = { ...board.header, problem: 'project.json: Unexpected token } at line 12, column 5' };
      const delta = board.delta();
      assert.equal(delta.order?.length, 30);
      assert.deepEqual(
        rowsOf(delta.rows).map((r) => r[0]),
        [shotId(3)],
        'only the changed row travels',
      );
      await host.emit('delta', delta);
      await summary(page)
        .filter({ hasText: /^30 shots/ })
        .waitFor();
      assert.equal(await page.locator('.banner').textContent(), board.header.problem);
      assert.ok(await page.locator('.banner').isVisible());
      const reason = 'Replicate: prediction failed (CUDA out of memory)';
      assert.equal(await card(page, shotId(3)).locator('.strip').textContent(), reason);
      // Tooltips are written when the pointer reaches the card.
      await card(page, shotId(3)).hover();
      assert.equal(await card(page, shotId(3)).locator('.badge').getAttribute('title'), `failed: ${reason}`);
      assert.equal(await card(page, shotId(3)).locator('.strip').getAttribute('title'), reason);
      assert.equal(
        await card(page, shotId(3)).getAttribute('aria-selected'),
        'true',
        'selection kept across deltas',
      );
    });
  });

  it('asks for a fresh snapshot when a delta was made for another revision', async () => {
    await withStoryboard(async (s) => {
      const { page, host } = s;
      assert.equal(host.requests('ready').length, 1);
      board.update(shotId(0), { status: 'failed', reason: 'lost in transit', outputs: [] });
      const delta = board.delta([shotId(0)]);
      // The page holds revision r; a delta from r+5 means messages were lost: apply nothing, resync.
      await host.emit('delta', { ...delta, from: delta.from + 5, rev: delta.rev + 5 });
      await host.waitForRequest('ready', 5000, (r) => r.id > 1);
      await card(page, shotId(0)).locator('.strip').filter({ hasText: 'lost in transit' }).waitFor();
      assert.equal(host.requests('ready').length, 2);
    });
  });

  it('enforces the CSP: the inline script without the nonce never ran', async () => {
    await withStoryboard(async (s) => {
      const { page } = s;
      assert.equal(await pageGlobal(page, '__inlineRan'), undefined);
      const reported = await violations(page);
      assert.equal(reported.filter(isHarnessInlineProbe).length, 1, 'the probe was blocked and reported');
      assert.deepEqual(
        reported.filter((v) => !isHarnessInlineProbe(v)),
        [],
      );
      const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert.match(csp ?? '', /default-src 'none'/);
      assert.match(csp ?? '', /script-src 'nonce-[A-Za-z0-9+/=]+'/);
    });
  });

  it('turns an unanswered request into an error instead of a stuck spinner', async () => {
    await withStoryboard(
      async (s) => {
        const { page, host } = s;
        await card(page, shotId(0)).click();
        const button = page.locator('vscode-button[data-action="render"]');
        await button.click();
        await host.waitForRequest('render');
        assert.equal(await button.getAttribute('aria-busy'), 'true');
        const toast = page.locator('.toast-error');
        await toast.waitFor({ timeout: 15_000 });
        assert.match((await toast.textContent()) ?? '', /Render failed: "render" got no answer within 3 s/);
        assert.equal(await toast.getAttribute('role'), 'alert');
        assert.equal(await button.getAttribute('aria-busy'), 'false');
      },
      {
        // The page waits only 3 s for any answer (long enough that a loaded machine still sees the button
        // busy first): the snapshot is made before the page asks for it.
        overrides: { render: () => NEVER, ready: readyOnce(new FixtureBoard(SHOTS, harness).snapshot()) },
        query: 'timeout=3000',
        clean: false,
      },
    );
  });

  it('offers a retry when the ready request times out', async () => {
    board = new FixtureBoard(SHOTS, harness);
    const s = await openView(browser, harness, 'storyboard', handlers({ ready: () => NEVER }), {
      query: 'timeout=3000',
    });
    try {
      const { page, host } = s;
      const pane = page.locator('.status-pane[data-kind="error"]');
      await pane.waitFor();
      assert.match((await pane.textContent()) ?? '', /"ready" got no answer/);
      host.setHandler('ready', () => board.snapshot());
      await pane.getByRole('button', { name: 'Retry' }).click();
      await page.locator('.card[data-shot-id]').first().waitFor();
      assert.equal(host.requests('ready').length, 2);
      await assertClean(s);
    } finally {
      await s.close();
    }
  });
});

function readyOnce(snapshot: unknown): () => unknown {
  return () => snapshot;
}

function ids(cards: unknown[]): string[] {
  return cards.map((c) => (c as { dataset: Record<string, string> }).dataset['shotId'] ?? '');
}
