// The storyboard opens on its first screen: the page asks for the shots it can show, paints them, then
// asks for the rest (`more`). In headless Chromium against the host's own StoryboardSync: the first cards
// are painted before the rest is asked for, the header does not show counts of half a board, a change that
// arrives before the rest is kept, a persisted selection of shots not yet loaded survives, and once the
// rest is in, counts, filters and order are those of the whole board.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { StoryboardDelta } from '../../src/shared/protocol';
import { FixtureBoard, shotId, statusOf } from './fixtures';
import { ensureWebviewsBuilt, type Harness, launchBrowser, startHarness } from './harness';
import { isHarnessInlineConsoleError, openView, type PageGlobals, type ViewSession } from './session';

const SHOTS = 10_000;

let harness: Harness;
let browser: Browser;

const card = (page: Page, id: string) => page.locator(`.card[data-shot-id="${id}"]`);
const summary = (page: Page) => page.locator('.summary');

function marked(page: Page, name: string): Promise<boolean> {
  return page.evaluate((n) => performance.getEntriesByName(n).length > 0, name);
}

/** A page whose `more` is answered only when the test sends the rest. */
async function open(board: FixtureBoard): Promise<ViewSession> {
  return openView(browser, harness, 'storyboard', {
    ready: (p) => board.snapshotFor(p),
    more: () => ({}),
    select: () => ({}),
  });
}

function clean(s: ViewSession): void {
  assert.deepEqual(s.pageErrors, []);
  assert.deepEqual(
    s.consoleErrors.filter((e) => !isHarnessInlineConsoleError(e)),
    [],
  );
}

describe('storyboard first screen', () => {
  before(async () => {
    ensureWebviewsBuilt();
    harness = await startHarness();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('paints the first screen, then takes the rest with every change made meanwhile', async () => {
    const board = new FixtureBoard(SHOTS, harness);
    const s = await open(board);
    try {
      const { page, host } = s;
      // A persisted selection that includes a shot far beyond the first screen.
      await card(page, shotId(0)).waitFor();
      // (First let the page's own pending save land, or it would flush it over this one as it unloads.)
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__state !== undefined);
      await page.evaluate(
        ([a, b]) =>
          (globalThis as unknown as PageGlobals).sessionStorage.setItem(
            'dailies-harness-state',
            JSON.stringify({
              v: 1,
              scrollTop: 0,
              zoom: 2,
              scene: 'all',
              status: 'all',
              text: '',
              sort: 'order',
              selected: [a, b],
            }),
          ),
        [shotId(1), shotId(8999)],
      );
      const seen = host.posted.length;
      const fresh = (r: unknown) => host.posted.indexOf(r) >= seen;
      await page.reload();
      const ready = await host.waitForRequest('ready', 10_000, fresh);
      const first = (ready.params as { first?: number }).first;
      assert.ok(typeof first === 'number' && first > 0 && first < SHOTS, `asked for ${first} shots first`);
      await host.waitForRequest('more', 20_000, fresh);
      const [painted, asked] = await page.evaluate(() =>
        ['dailies:first-paint', 'dailies:more-sent'].map(
          (n) => performance.getEntriesByName(n)[0]?.startTime,
        ),
      );
      assert.ok(
        painted !== undefined && asked !== undefined && painted <= asked,
        'the rest waits for the first paint',
      );
      assert.equal(await marked(page, 'dailies:all-shots'), false);
      await card(page, shotId(0)).waitFor();
      assert.equal(await page.locator(`.card[data-shot-id="${shotId(first)}"]`).count(), 0);
      await summary(page)
        .filter({ hasText: `Loading shots… ${first.toLocaleString('en-US')} of 10,000` })
        .waitFor();

      // Changes before the rest: to a shot the page has (sent now) and to one it has not (sent with the rest).
      board.update(shotId(2), { status: 'failed', reason: 'early' });
      board.update(shotId(8999), { status: 'failed', reason: 'late' });
      await host.emit('delta', board.delta([shotId(2), shotId(8999)]));
      await card(page, shotId(2)).and(page.locator('[data-status="failed"]')).waitFor();

      const rest = board.rest() as StoryboardDelta;
      assert.equal(rest.complete, true);
      await host.emit('delta', rest);
      await page.waitForFunction(() => performance.getEntriesByName('dailies:all-shots').length > 0);
      const failed = Array.from({ length: SHOTS }, (_, i) => statusOf(i)).filter(
        (x) => x === 'failed',
      ).length;
      const text = (await summary(page).textContent()) ?? '';
      assert.match(text, /^10,000 shots · /);
      assert.match(text, new RegExp(`${failed + 2} failed`));
      assert.match(text, /2 selected/);

      // The far shot is in its place, with its late change, still selected.
      await page.locator('vscode-textfield.filter-text input').fill(shotId(8999));
      const far = card(page, shotId(8999));
      await far.and(page.locator('[data-status="failed"]')).waitFor();
      assert.equal(await far.getAttribute('aria-selected'), 'true');
      await page.locator('vscode-textfield.filter-text input').fill('');
      await summary(page)
        .filter({ hasText: /^10,000 shots · / })
        .waitFor();
      const ids = await page.evaluate(() =>
        Array.from(
          (globalThis as unknown as PageGlobals).document.querySelectorAll('.card[data-shot-id]'),
        ).map((e) => e.getAttribute('data-shot-id')),
      );
      assert.deepEqual(ids.slice(0, 3), [shotId(0), shotId(1), shotId(2)]);
      clean(s);
    } finally {
      await s.close();
    }
  });

  it('asks for the whole board at once when it opens filtered', async () => {
    const board = new FixtureBoard(SHOTS, harness);
    const s = await open(board);
    try {
      const { page, host } = s;
      await card(page, shotId(0)).waitFor();
      await page.locator('vscode-textfield.filter-text input').fill('lantern');
      await page.waitForFunction(
        () => (globalThis as unknown as { __state?: { text: string } }).__state?.text === 'lantern',
      );
      const seen = host.posted.length;
      await page.reload();
      const ready = await host.waitForRequest('ready', 10_000, (r) => host.posted.indexOf(r) >= seen);
      assert.equal((ready.params as { first?: number }).first, undefined);
      await page.waitForFunction(() => performance.getEntriesByName('dailies:all-shots').length > 0);
      assert.equal(host.requests('more').length, 1, 'only the first page load asked for more');
      clean(s);
    } finally {
      await s.close();
    }
  });
});
