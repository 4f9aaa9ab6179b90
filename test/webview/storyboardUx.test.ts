// The storyboard behaving like a VS Code view (issue 11, items 17 and 18), in headless Chromium against
// a fake host: a click selects without opening anything, Enter / double-click open, focus stays in the
// grid, the toolbar and the context menu reach the host's commands, and the theme-dependent details
// (high contrast outline, disabled buttons, a dimmed stale thumbnail) hold.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { StoryboardSnapshot } from '../../src/shared/protocol';
import { shotId, statusOf, storyboardSnapshot } from './fixtures';
import { ensureWebviewsBuilt, type Harness, launchBrowser, startHarness } from './harness';
import { getScrollTop, openView, setScrollTop, type ViewSession } from './session';

const SHOTS = 600;

let harness: Harness;
let browser: Browser;
let snapshot: StoryboardSnapshot;

function handlers() {
  return {
    ready: () => snapshot,
    render: () => ({ started: true }),
    cancel: (p: unknown) => ({ canceled: (p as { shotIds: string[] }).shotIds.length }),
    openImage: () => ({ opened: true }),
    revealShot: () => ({ revealed: true }),
    revealInTree: () => ({ revealed: true }),
    copyPrompt: () => ({ copied: true }),
    runCommand: () => ({ started: true }),
  };
}

async function withStoryboard(body: (s: ViewSession) => Promise<void>): Promise<void> {
  const s = await openView(browser, harness, 'storyboard', handlers());
  try {
    await s.page.locator('.card[data-shot-id]').first().waitFor();
    await body(s);
    assert.deepEqual(s.pageErrors, []);
  } finally {
    await s.close();
  }
}

const card = (page: Page, id: string) => page.locator(`.card[data-shot-id="${id}"]`);
const summary = (page: Page) => page.locator('.summary');

/** What the page's document reports about focus and text selection. */
interface DocumentLike {
  activeElement: { className: string } | null;
  getSelection(): { toString(): string } | null;
}
function activeClass(page: Page): Promise<string | undefined> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { document: DocumentLike }).document.activeElement?.className ?? undefined,
  );
}

/** The grid element as seen from a function that runs in the page (test files have no DOM types). */
interface GridLike {
  scrollTop: number;
  getBoundingClientRect(): { top: number };
  querySelectorAll(selector: string): Iterable<{ getBoundingClientRect(): { top: number; height: number } }>;
}

/** The first shot index with a given status (the fixture spreads statuses over the shots). */
function firstWith(status: string): number {
  for (let i = 0; i < SHOTS; i++) if (statusOf(i) === status) return i;
  throw new Error(`no ${status} shot in the fixture`);
}

before(async () => {
  ensureWebviewsBuilt();
  harness = await startHarness();
  browser = await launchBrowser();
  snapshot = storyboardSnapshot(SHOTS, harness);
});

after(async () => {
  await browser?.close();
  await harness?.close();
});

describe('storyboard: selection, opening and focus (item 17)', () => {
  it('a click tells the host what is selected, also when it chooses the same card again', async () => {
    await withStoryboard(async ({ page, host }) => {
      await card(page, shotId(2)).click();
      await summary(page).filter({ hasText: '1 selected' }).waitFor();
      // Choosing it again makes it the latest selection anywhere (the tree may have been used in between).
      await card(page, shotId(2)).click();
      const deadline = Date.now() + 10_000;
      while (host.requests('select').length < 2 && Date.now() < deadline) await page.waitForTimeout(50);
      assert.deepEqual(
        host.requests('select').map((r) => r.params),
        [{ shotIds: [shotId(2)] }, { shotIds: [shotId(2)] }],
      );
    });
  });

  it('the first click into an unfocused board whose top row is cut off selects the card clicked', async () => {
    // In VS Code a click often lands on a board that does not have focus yet, scrolled anywhere (by the
    // wheel, or by the workbench showing a card). The press focuses the grid; the grid must not move under
    // the pointer before the release, or the click lands between cards and selects nothing.
    await withStoryboard(async ({ page, host }) => {
      const grid = page.locator('.vgrid');
      const rows = await grid.evaluate((g: unknown) => {
        const el = g as GridLike;
        const base = el.getBoundingClientRect().top - el.scrollTop;
        const tops = [...el.querySelectorAll('.card[data-shot-id]')].map((c) => {
          const r = c.getBoundingClientRect();
          return { top: r.top - base, height: r.height };
        });
        const first = Math.min(...tops.map((t) => t.top));
        return {
          top: first,
          height: tops.find((t) => t.top === first)?.height ?? 0,
          columns: tops.filter((t) => t.top === first).length,
        };
      });
      assert.ok(rows.height > 40 && rows.columns > 0, JSON.stringify(rows));
      // Only the last 8 px of the first row stay in view; the second row starts right below.
      const scrollTop = Math.round(rows.top + rows.height - 8);
      await setScrollTop(page, '.vgrid', scrollTop);
      assert.notEqual(await activeClass(page), 'vgrid', 'the grid has no focus yet');
      const target = shotId(rows.columns);
      await card(page, target).click();
      const select = await host.waitForRequest('select', 5000);
      assert.deepEqual(select.params, { shotIds: [target] });
      assert.equal(await card(page, target).getAttribute('aria-selected'), 'true');
      assert.equal(await grid.getAttribute('aria-activedescendant'), `shot-card-${rows.columns}`);
      assert.equal(await getScrollTop(page, '.vgrid'), scrollTop, 'the board did not move under the pointer');
      assert.equal(await activeClass(page), 'vgrid');
    });
  });

  it('a click selects and keeps focus in the grid; it opens nothing', async () => {
    await withStoryboard(async ({ page, host }) => {
      await card(page, shotId(1)).click();
      await summary(page).filter({ hasText: '1 selected' }).waitFor();
      assert.equal(await card(page, shotId(1)).getAttribute('aria-selected'), 'true');
      assert.equal(await activeClass(page), 'vgrid');
      // Arrow keys keep working after the click: focus did not leave for an editor.
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.locator('.vgrid').getAttribute('aria-activedescendant'), 'shot-card-2');
      // Selecting several opens nothing either.
      await card(page, shotId(4)).click({ modifiers: ['Control'] });
      await card(page, shotId(6)).click({ modifiers: ['Shift'] });
      await summary(page).filter({ hasText: '3 selected' }).waitFor();
      // Give a wrongly sent request time to arrive before judging.
      await page.waitForTimeout(300);
      assert.deepEqual(host.requests('openImage'), []);
      assert.deepEqual(host.requests('revealShot'), []);
    });
  });

  it('Enter and double-click open the image, and focus stays in the grid', async () => {
    await withStoryboard(async ({ page, host }) => {
      // Shots 1 and 2 of the fixture are rendered (an unrendered shot has no image to open).
      await card(page, shotId(1)).dblclick();
      const open = await host.waitForRequest('openImage');
      assert.deepEqual(open.params, { shotId: shotId(1) });
      assert.equal(host.requests('openImage').length, 1, 'a double-click opens once');
      assert.deepEqual(host.requests('revealShot'), []);
      assert.equal(await activeClass(page), 'vgrid');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      await host.waitForRequest(
        'openImage',
        5000,
        (r) => (r.params as { shotId: string }).shotId === shotId(2),
      );
      assert.equal(await activeClass(page), 'vgrid');
    });
  });
});

describe('storyboard: toolbar, menu and looks (item 18)', () => {
  it('Render All and Render Stale in the toolbar ask the host to run its commands', async () => {
    await withStoryboard(async ({ page, host }) => {
      const stale = page.getByRole('button', { name: 'Render stale' });
      const all = page.getByRole('button', { name: 'Render all' });
      await stale.click();
      const first = await host.waitForRequest('runCommand');
      assert.deepEqual(first.params, { command: 'dailies.renderStale' });
      await all.click();
      await host.waitForRequest('runCommand', 5000, (r) =>
        JSON.stringify(r.params).includes('dailies.renderAll'),
      );
      assert.deepEqual(host.requests('render'), [], 'no direct render request for a whole-project batch');
    });
  });

  it('the context menu copies the prompt and reveals the shot in the tree', async () => {
    await withStoryboard(async ({ page, host }) => {
      await card(page, shotId(5)).click({ button: 'right' });
      const menu = page.getByRole('menu');
      await menu.getByRole('menuitem', { name: 'Copy prompt' }).click();
      const copy = await host.waitForRequest('copyPrompt');
      assert.deepEqual(copy.params, { shotId: shotId(5) });
      await card(page, shotId(7)).click({ button: 'right' });
      await menu.getByRole('menuitem', { name: 'Reveal in tree' }).click();
      const reveal = await host.waitForRequest('revealInTree');
      assert.deepEqual(reveal.params, { shotId: shotId(7) });
    });
  });

  it('Ctrl+A selects cards, not the text of the page, wherever focus is (but inputs keep it)', async () => {
    await withStoryboard(async ({ page }) => {
      await page.evaluate(() => {
        const d = globalThis as unknown as { document: { activeElement: { blur?: () => void } | null } };
        d.document.activeElement?.blur?.();
      });
      await page.keyboard.press('Control+a');
      await summary(page)
        .filter({ hasText: `${SHOTS} selected` })
        .waitFor();
      const selectedText = await page.evaluate(
        () => (globalThis as unknown as { document: DocumentLike }).document.getSelection()?.toString() ?? '',
      );
      assert.equal(selectedText, '');
      // In the filter box Ctrl+A is the text field's own.
      await page.locator('vscode-textfield.filter-text input').fill('lantern');
      await page.locator('vscode-textfield.filter-text input').press('Control+a');
      await page.keyboard.press('Backspace');
      assert.equal(await page.locator('vscode-textfield.filter-text input').inputValue(), '');
    });
  });

  it('every dropdown carries an aria-label and is named in the accessibility tree', async () => {
    await withStoryboard(async ({ page }) => {
      const selects = page.locator('vscode-single-select');
      const labels = await selects.evaluateAll((els: unknown[]) =>
        els.map((e) => (e as { getAttribute(n: string): string | null }).getAttribute('aria-label')),
      );
      assert.equal(labels.length, 4);
      assert.ok(
        labels.every((l) => typeof l === 'string' && l.length > 0),
        `aria-labels: ${JSON.stringify(labels)}`,
      );
      for (const name of labels) assert.equal(await page.getByRole('combobox', { name: name! }).count(), 1);
    });
  });

  it('a disabled primary button looks disabled (not the primary colour)', async () => {
    await withStoryboard(async ({ page }) => {
      const look = (selector: string) =>
        page.locator(selector).evaluate((b: unknown) => {
          const el = b as { shadowRoot: { querySelector(s: string): unknown } | null };
          const w = globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> };
          const base = el.shadowRoot?.querySelector('.base');
          return {
            bg: w.getComputedStyle(base)['backgroundColor'],
            color: w.getComputedStyle(base)['color'],
          };
        });
      // "Render selected" is the primary button: disabled with nothing selected, enabled with a selection.
      const button = page.locator('vscode-button[data-action="render"]');
      assert.equal(await button.getAttribute('secondary'), null, 'the test needs a primary button');
      assert.equal(await button.getAttribute('disabled'), '');
      const disabled = await look('vscode-button[data-action="render"]');
      await card(page, shotId(1)).click();
      await page.waitForFunction(
        () =>
          (
            globalThis as unknown as {
              document: { querySelector(s: string): { hasAttribute(n: string): boolean } | null };
            }
          ).document
            .querySelector('vscode-button[data-action="render"]')
            ?.hasAttribute('disabled') === false,
      );
      const enabled = await look('vscode-button[data-action="render"]');
      assert.notEqual(disabled.bg, enabled.bg, 'a disabled primary button keeps the primary background');
      assert.notEqual(disabled.color, enabled.color, 'a disabled primary button keeps its text colour');
    });
  });

  it('in a high contrast theme a selected card has an outline', async () => {
    await withStoryboard(async ({ page }) => {
      await page.evaluate(() => {
        const d = (
          globalThis as unknown as {
            document: {
              body: {
                classList: { remove(c: string): void; add(c: string): void };
                dataset: Record<string, string>;
              };
              documentElement: { style: { setProperty(k: string, v: string): void } };
            };
          }
        ).document;
        d.body.classList.remove('vscode-dark');
        d.body.classList.add('vscode-high-contrast');
        d.body.dataset['vscodeThemeKind'] = 'vscode-high-contrast';
        const hc: Record<string, string> = {
          '--vscode-contrastBorder': '#6fc3df',
          '--vscode-contrastActiveBorder': '#f38518',
          '--vscode-focusBorder': '#f38518',
          '--vscode-list-focusOutline': '#f38518',
          '--vscode-editor-background': '#000000',
          '--vscode-editorWidget-background': '#0c141f',
          '--vscode-list-inactiveSelectionBackground': 'transparent',
          '--vscode-list-hoverBackground': 'transparent',
        };
        for (const [k, v] of Object.entries(hc)) d.documentElement.style.setProperty(k, v);
      });
      await card(page, shotId(2)).click();
      // Move focus away: the selection outline must not depend on the grid having focus.
      await page.locator('vscode-textfield.filter-text input').focus();
      const outline = (id: string) =>
        card(page, id).evaluate((c: unknown) => {
          const s = (
            globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }
          ).getComputedStyle(c);
          return `${s['outlineStyle']} ${s['outlineWidth']} ${s['outlineColor']}`;
        });
      const selected = await outline(shotId(2));
      const plain = await outline(shotId(3));
      assert.ok(!selected.startsWith('none'), `selected card outline: ${selected}`);
      assert.notEqual(selected, plain);
    });
  });

  it('a stale shot keeps its old thumbnail, dimmed', async () => {
    await withStoryboard(async ({ page }) => {
      const i = firstWith('stale');
      const stale = card(page, shotId(i));
      await stale.scrollIntoViewIfNeeded();
      assert.equal(await stale.getAttribute('data-status'), 'stale');
      assert.equal(await stale.getAttribute('data-empty'), null, 'a stale card shows its old image');
      await page.waitForFunction(
        (sel) =>
          (
            globalThis as unknown as {
              document: { querySelector(s: string): { getAttribute(n: string): string | null } | null };
            }
          ).document
            .querySelector(sel)
            ?.getAttribute('src') != null,
        `.card[data-shot-id="${shotId(i)}"] img`,
      );
      const opacity = (id: string) =>
        card(page, id)
          .locator('img')
          .evaluate((img: unknown) =>
            Number(
              (
                globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }
              ).getComputedStyle(img)['opacity'],
            ),
          );
      const fresh = firstWith('done');
      assert.ok((await opacity(shotId(i))) < 0.8, 'stale thumbnail is not dimmed');
      assert.equal(await opacity(shotId(fresh)), 1);
    });
  });
});
