// Review on the storyboard, in headless Chromium against rows encoded by the host's own StoryboardSync:
// the card shows the circled take, its take chips, review badge and note / version counts; a click on a
// take shows it, C circles it (a double-click too); A and R review the selection; V opens the viewer;
// the review filter narrows the board.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ShotView } from '../../src/core/state/productionState';
import { FixtureBoard, shotId, shotViews } from './fixtures';
import { ensureWebviewsBuilt, type Harness, launchBrowser, startHarness } from './harness';
import {
  isHarnessInlineConsoleError,
  isHarnessInlineProbe,
  openView,
  type ViewSession,
  violations,
} from './session';

let harness: Harness;
let browser: Browser;
let board: FixtureBoard;
const SHOTS = 300;

function takes(i: number, n: number): ShotView['outputs'] {
  const id = shotId(i);
  return Array.from({ length: n }, (_, k) => ({
    variation: k + 1,
    image: `renders/${id}/${id}_v${k + 1}.png`,
    thumb: `renders/${id}/${id}_v${k + 1}.thumb.webp`,
    sha256: String(k + 1).repeat(64),
  }));
}

function views(): ShotView[] {
  const all = shotViews(SHOTS);
  Object.assign(all[0]!, {
    status: 'done',
    outputs: takes(0, 3),
    take: 2,
    versions: 3,
    review: {
      status: 'approved',
      by: 'Ana',
      notes: [{ text: 'Lovely.' }, { text: 'Keep the steam.' }],
    },
  });
  Object.assign(all[1]!, {
    status: 'done',
    outputs: takes(1, 4),
    review: { status: 'changes-requested', notes: [{ text: 'Warmer lamps.' }] },
  });
  Object.assign(all[2]!, { status: 'done', outputs: takes(2, 2) });
  return all;
}

const card = (page: Page, id: string) => page.locator(`.card[data-shot-id="${id}"]`);

async function withBoard(body: (s: ViewSession) => Promise<void>): Promise<void> {
  board = new FixtureBoard(views(), harness);
  const s = await openView(browser, harness, 'storyboard', {
    ready: () => board.snapshot(),
    takes: (p) => {
      const id = (p as { shotId: string }).shotId;
      return {
        takes: board.byId
          .get(id)!
          .outputs.map((o) => ({ variation: o.variation, thumb: o.thumb, image: o.image })),
      };
    },
    circle: () => ({ ok: true }),
    review: () => ({ ok: true }),
    openViewer: () => ({ opened: true }),
  });
  try {
    await card(s.page, shotId(0)).waitFor();
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

describe('storyboard review', () => {
  before(async () => {
    ensureWebviewsBuilt();
    harness = await startHarness();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('a card shows the circled take, its take chips, its review and its notes and versions', async () => {
    await withBoard(async ({ page }) => {
      const c = card(page, shotId(0));
      assert.match((await c.locator('img.thumb').getAttribute('src')) ?? '', /_v2\.thumb\.webp/);
      assert.deepEqual(await c.locator('.take-chip').allTextContents(), ['1', '2', '3']);
      assert.equal(await c.locator('.take-chip[data-circled]').textContent(), '2');
      assert.equal(await c.locator('.review-badge').getAttribute('data-review'), 'approved');
      assert.equal((await c.locator('.count-notes').textContent())?.trim(), '2');
      assert.equal((await c.locator('.count-versions').textContent())?.trim(), '3');
      assert.match((await c.getAttribute('aria-label')) ?? '', /approved, take 2 circled, 2 notes/);
      // One take, nothing reviewed: no chips, no badge.
      assert.equal(await card(page, shotId(5)).locator('.take-chip').count(), 0);
      assert.ok(await card(page, shotId(5)).locator('.review-badge').isHidden());
      assert.match((await page.locator('.summary').textContent()) ?? '', /1 approved · 1 changes requested/);
    });
  });

  it('a click on a take shows it on the card; C circles it; the host’s delta rings it', async () => {
    await withBoard(async ({ page, host }) => {
      const c = card(page, shotId(0));
      await c.locator('.take-chip[data-take="3"]').click();
      await host.waitForRequest('takes');
      await c.locator('.take-chip[data-take="3"][data-shown]').waitFor();
      await page.waitForFunction(
        (id) =>
          (
            globalThis as unknown as {
              document: { querySelector(s: string): { getAttribute(n: string): string | null } | null };
            }
          ).document
            .querySelector(`.card[data-shot-id="${id}"] img.thumb`)
            ?.getAttribute('src')
            ?.includes('_v3.thumb.webp') === true,
        shotId(0),
      );
      await page.keyboard.press('c');
      const circle = await host.waitForRequest('circle');
      assert.deepEqual(circle.params, { takes: [{ shotId: shotId(0), take: 3 }] });
      board.update(shotId(0), { take: 3 });
      await host.emit('delta', board.delta([shotId(0)]));
      await c.locator('.take-chip[data-take="3"][data-circled]').waitFor();
      // C again: that take is already circled, nothing is sent.
      await page.keyboard.press('c');
      await page.locator('.toast', { hasText: 'already circled' }).waitFor();
      assert.equal(host.requests('circle').length, 1);
    });
  });

  it('1–9 pick on the active card, a double-click on a take circles it, V opens the take viewer', async () => {
    await withBoard(async ({ page, host }) => {
      await card(page, shotId(1)).click();
      await page.keyboard.press('4');
      await card(page, shotId(1)).locator('.take-chip[data-take="4"][data-shown]').waitFor();
      await page.keyboard.press('v');
      assert.deepEqual((await host.waitForRequest('openViewer')).params, { shotId: shotId(1) });
      await card(page, shotId(2)).locator('.take-chip[data-take="2"]').dblclick();
      const circle = await host.waitForRequest('circle');
      assert.deepEqual(circle.params, { takes: [{ shotId: shotId(2), take: 2 }] });
    });
  });

  it('A approves and R requests changes on the selection', async () => {
    await withBoard(async ({ page, host }) => {
      await card(page, shotId(3)).click();
      await card(page, shotId(4)).click({ modifiers: ['Shift'] });
      await page.keyboard.press('a');
      assert.deepEqual((await host.waitForRequest('review')).params, {
        shotIds: [shotId(3), shotId(4)],
        status: 'approved',
      });
      await page.keyboard.press('r');
      const changes = await host.waitForRequest(
        'review',
        5000,
        (r) => (r.params as { status: string }).status !== 'approved',
      );
      assert.deepEqual(changes.params, { shotIds: [shotId(3), shotId(4)], status: 'changes-requested' });
    });
  });

  it('filters by review', async () => {
    await withBoard(async ({ page }) => {
      const choose = async (option: string) => {
        await page.locator('vscode-single-select.filter-review').click();
        await page
          .locator('vscode-single-select.filter-review')
          .getByRole('option', { name: option, exact: true })
          .click();
      };
      await choose('Review: changes requested');
      await page.locator('.summary', { hasText: `1 of ${SHOTS} shots` }).waitFor();
      assert.deepEqual(
        await page
          .locator('.card[data-shot-id]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-shot-id'))),
        [shotId(1)],
      );
      await choose('Has notes');
      await page.locator('.summary', { hasText: `2 of ${SHOTS} shots` }).waitFor();
      await choose('Several takes, none circled');
      await page.locator('.summary', { hasText: `2 of ${SHOTS} shots` }).waitFor();
    });
  });
});
