// The metrics bundle in headless Chromium: totals, the series table, the SVG chart and histogram from a
// snapshot with several series, live updates, sorting and selection, export/reset, empty state, CSP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { MetricsViewSnapshot } from '../../src/shared/protocol';
import { emptyMetricsSnapshot, metricsSnapshot, SERIES } from './fixtures';
import { ensureWebviewsBuilt, type Harness, launchBrowser, startHarness } from './harness';
import {
  isHarnessInlineConsoleError,
  isHarnessInlineProbe,
  openView,
  pageGlobal,
  type ViewSession,
  violations,
} from './session';

const NOW = Date.UTC(2026, 10, 23, 10, 0, 0);

let harness: Harness;
let browser: Browser;

async function withMetrics(
  snapshot: MetricsViewSnapshot,
  body: (s: ViewSession) => Promise<void>,
  ready = '.series tbody tr',
): Promise<void> {
  const s = await openView(browser, harness, 'metrics', {
    ready: () => snapshot,
    export: () => ({ saved: true, path: '/work/productions/night-train/metrics.json' }),
    reset: () => ({ reset: true }),
  });
  try {
    await s.page.locator(ready).first().waitFor();
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

const tile = (page: Page, key: string) => page.locator(`.tile-${key} .tile-value`);
const rows = (page: Page) => page.locator('.series tbody tr');

function rowKeys(page: Page): Promise<string[]> {
  return rows(page).evaluateAll((trs: unknown[]) =>
    trs.map((tr) => (tr as { dataset: Record<string, string> }).dataset['key'] ?? ''),
  );
}

describe('metrics webview', () => {
  before(async () => {
    ensureWebviewsBuilt();
    harness = await startHarness();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('renders totals, one row per series, the latency chart and the histogram', async () => {
    const snap = metricsSnapshot(NOW);
    const t = snap.metrics.totals;
    await withMetrics(snap, async ({ page }) => {
      assert.equal(await tile(page, 'requests').textContent(), t.requests.toLocaleString('en-US'));
      assert.equal(await tile(page, 'error').textContent(), String(t.error));
      assert.equal(await tile(page, 'spend').textContent(), `$${t.costUsd.toFixed(2)}`);
      assert.equal(await tile(page, 'uploads').textContent(), `${t.uploadsNew} / ${t.uploadsCached}`);
      assert.equal(await rows(page).count(), SERIES.length);
      assert.equal(await page.locator('.series thead th').count(), 17);

      // Default selection: the busiest render series.
      const busiest = snap.metrics.series
        .filter((x) => x.feature === 'render')
        .sort((a, b) => b.count - a.count)[0]!;
      assert.equal(
        await page.locator('.series tr[aria-selected="true"]').getAttribute('data-key'),
        busiest.key,
      );
      assert.match((await page.locator('.charts-title').textContent()) ?? '', new RegExp(busiest.model));

      const points = await page.locator('svg.latency-chart polyline.line').getAttribute('points');
      assert.equal(points?.trim().split(' ').length, busiest.recent.length);
      assert.equal(
        await page.locator('svg.latency-chart .fail').count(),
        busiest.recent.filter((p) => !p.ok).length,
      );
      assert.equal(await page.locator('svg.latency-chart line.ref').count(), 2);
      assert.ok((await page.locator('svg.histogram-chart rect.bar').count()) > 3);
      const binned = await page.locator('svg.histogram-chart .bin title').allTextContents();
      const counted = binned.reduce((sum, text) => {
        const [, ok = '0', failed = '0'] = /: (\d+) ok(?:, (\d+) failed)?/.exec(text) ?? [];
        return sum + Number(ok) + Number(failed);
      }, 0);
      assert.equal(counted, busiest.recent.length, 'every recent sample lands in one bin');
      assert.match((await page.locator('.qr-queue .qr-text').textContent()) ?? '', /^p50 .+ · p95 .+/);
      assert.equal(await page.locator('svg.latency-chart').getAttribute('role'), 'img');
    });
  });

  it('updates live from a new snapshot', async () => {
    await withMetrics(metricsSnapshot(NOW), async ({ page, host }) => {
      const next = metricsSnapshot(NOW + 60_000, 2, SERIES.slice(0, 4));
      await host.emit('snapshot', next);
      const total = next.metrics.totals.requests.toLocaleString('en-US');
      await tile(page, 'requests')
        .filter({ hasText: new RegExp(`^${total}$`) })
        .waitFor();
      assert.equal(await rows(page).count(), 4);
      await host.emit('snapshot', metricsSnapshot(NOW + 120_000, 1, SERIES.slice(0, 2)));
      await page.waitForFunction(
        () =>
          (
            globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
          ).document.querySelectorAll('.series tbody tr').length === 2,
      );
    });
  });

  it('sorts by a column, selects a row by click and by keyboard, and filters by feature', async () => {
    const snap = metricsSnapshot(NOW);
    await withMetrics(snap, async ({ page }) => {
      await page.locator('.series th', { hasText: 'p95' }).getByRole('button').click();
      const byP95 = [...snap.metrics.series].sort((a, b) => b.latency.p95 - a.latency.p95).map((x) => x.key);
      assert.deepEqual(await rowKeys(page), byP95);
      assert.equal(
        await page.locator('.series th', { hasText: 'p95' }).getAttribute('aria-sort'),
        'descending',
      );
      await page.locator('.series th', { hasText: 'p95' }).getByRole('button').click();
      assert.deepEqual(await rowKeys(page), [...byP95].reverse());

      const upload = snap.metrics.series.find((x) => x.feature === 'upload')!;
      await rows(page).filter({ hasText: 'storage' }).click();
      assert.equal(
        await page.locator('.series tr[aria-selected="true"]').getAttribute('data-key'),
        upload.key,
      );
      assert.match((await page.locator('.charts-title').textContent()) ?? '', /^storage/);
      await page.keyboard.press('ArrowDown');
      const keys = await rowKeys(page);
      const next = keys[keys.indexOf(upload.key) + 1];
      assert.equal(await page.locator('.series tr[aria-selected="true"]').getAttribute('data-key'), next);

      await page.locator('vscode-single-select.feature-select').click();
      await page
        .locator('vscode-single-select.feature-select')
        .getByRole('option', { name: 'upload', exact: true })
        .click();
      assert.deepEqual(await rowKeys(page), [upload.key]);
      const state = (await pageGlobal(page, '__state')) as Record<string, unknown>;
      assert.deepEqual(state, { v: 1, feature: 'upload', sortBy: 'p95:asc', series: next });
    });
  });

  it('posts export and reset from the buttons and reports the answers', async () => {
    await withMetrics(metricsSnapshot(NOW), async ({ page, host }) => {
      await page.getByRole('button', { name: 'Export JSON' }).click();
      assert.deepEqual((await host.waitForRequest('export')).params, {});
      await page
        .locator('.toast-info', { hasText: 'Metrics saved to /work/productions/night-train/metrics.json' })
        .waitFor();
      await page.getByRole('button', { name: 'Reset' }).click();
      assert.deepEqual((await host.waitForRequest('reset')).params, {});
      await page.locator('.toast-info', { hasText: 'Metrics reset.' }).waitFor();
    });
  });

  it('shows an empty state when nothing was measured yet', async () => {
    await withMetrics(
      emptyMetricsSnapshot(NOW),
      async ({ page, host }) => {
        assert.match((await page.locator('.status-pane').textContent()) ?? '', /No metrics yet/);
        assert.equal(await page.locator('main.content').isVisible(), false);
        await host.emit('snapshot', metricsSnapshot(NOW));
        await rows(page).first().waitFor();
        assert.equal(await page.locator('.status-pane').isVisible(), false);
      },
      '.status-pane[data-kind="empty"]',
    );
  });

  it('keeps the CSP: no inline script ran and nothing else was blocked', async () => {
    await withMetrics(metricsSnapshot(NOW), async ({ page }) => {
      assert.equal(await pageGlobal(page, '__inlineRan'), undefined);
      assert.equal((await violations(page)).filter(isHarnessInlineProbe).length, 1);
    });
  });
});
