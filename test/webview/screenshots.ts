// Renders both webviews in the dark theme with realistic data and saves screenshots to test-output/, for
// looking at the result:  node --import tsx test/webview/screenshots.ts
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { FakeHost } from './fakeHost';
import { FixtureBoard, metricsSnapshot, shotId } from './fixtures';
import { ensureWebviewsBuilt, launchBrowser, REPO, startHarness } from './harness';

const OUT = path.join(REPO, 'test-output');

async function main(): Promise<void> {
  ensureWebviewsBuilt();
  mkdirSync(OUT, { recursive: true });
  const harness = await startHarness();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const board = new FixtureBoard(10_000, harness);
    board.batch = {
      running: true,
      shotsDone: 12,
      shotsTotal: 48,
      jobsDone: 30,
      jobsTotal: 120,
      etaMs: 184_000,
    };
    const host = await FakeHost.attach(page, {
      ready: () => board.snapshot(),
      render: () => ({ started: true }),
      cancel: () => ({ canceled: 1 }),
      runCommand: () => ({ started: true }),
      openImage: () => ({ opened: true }),
      revealShot: () => ({ revealed: true }),
      revealInTree: () => ({ revealed: true }),
      copyPrompt: () => ({ copied: true }),
    });
    await page.goto(`${harness.origin}/storyboard.html`);
    await page.locator('.card[data-shot-id]').first().waitFor();
    board.update(shotId(1), {
      status: 'running',
      progress: { variation: 2, variations: 4, step: 12, steps: 30, state: 'running' },
    });
    board.update(shotId(2), {
      status: 'queued',
      progress: { variation: 1, variations: 1, state: 'queued', queuePosition: 3 },
    });
    board.update(shotId(4), {
      status: 'running',
      progress: { variation: 1, variations: 2, state: 'uploading' },
    });
    await host.emit('delta', board.delta([shotId(1), shotId(2), shotId(4)]));
    await page.locator('.card[data-shot-id]').nth(3).click();
    await page
      .locator('.card[data-shot-id]')
      .nth(5)
      .click({ modifiers: ['Control'] });
    await settle(page);
    await page.screenshot({ path: path.join(OUT, 'storyboard.png') });

    await page.locator('.card[data-shot-id]').nth(8).click({ button: 'right' });
    await settle(page);
    await page.screenshot({ path: path.join(OUT, 'storyboard-menu.png') });
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Smaller cards' }).click();
    await page.getByRole('button', { name: 'Smaller cards' }).click();
    await settle(page);
    await page.screenshot({ path: path.join(OUT, 'storyboard-compact.png') });

    await page.setViewportSize({ width: 760, height: 700 });
    await settle(page);
    await page.screenshot({ path: path.join(OUT, 'storyboard-narrow.png') });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.locator('.vgrid').evaluate((g: unknown) => {
      (g as { scrollTop: number }).scrollTop = 1_000_000;
    });
    await settle(page);
    await page.screenshot({ path: path.join(OUT, 'storyboard-bottom.png') });

    const metricsPage = await context.newPage();
    await FakeHost.attach(metricsPage, {
      ready: () => metricsSnapshot(Date.now()),
      export: () => ({ saved: true, path: '/tmp/metrics.json' }),
      reset: () => ({ reset: true }),
    });
    await metricsPage.goto(`${harness.origin}/metrics.html`);
    await metricsPage.locator('.series tbody tr').first().waitFor();
    await settle(metricsPage);
    await metricsPage.screenshot({ path: path.join(OUT, 'metrics.png'), fullPage: true });
    console.log(`screenshots written to ${OUT}`);
  } finally {
    await browser.close();
    await harness.close();
  }
}

/** Lets images decode and web components upgrade before the shot. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(250);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
