// The two panels once the batch is over: every card in view up to date with its thumbnail loaded, the
// metrics counting every variation with their latencies charted; each cropped to its own screenshot.
import type { Frame } from 'playwright-core';
import { waitFor } from './wait';
import type { Workbench } from './workbench';

export type Check = (name: string, ok: boolean, detail?: unknown) => void;

/** The DOM bits read in the page (this tsconfig has no DOM lib). */
interface Attributed {
  getAttribute(name: string): string | null;
}
interface ImageLike {
  complete: boolean;
  naturalWidth: number;
}

export async function checkStoryboardAfter(wb: Workbench, frame: Frame, check: Check): Promise<void> {
  const cards = frame.locator('.card[data-shot-id]');
  const loaded = await waitFor(
    'storyboard cards to be up to date with their thumbnails loaded',
    async () => {
      const n = await cards.count();
      if (n === 0) return undefined;
      const statuses = await cards.evaluateAll((els: Attributed[]) =>
        els.map((e) => e.getAttribute('data-status')),
      );
      const empty = await frame.locator('.card[data-shot-id][data-empty]').count();
      const decoded = await frame
        .locator('.card[data-shot-id] img.thumb')
        .evaluateAll((els: ImageLike[]) => els.filter((i) => i.complete && i.naturalWidth > 0).length);
      return statuses.every((s) => s === 'done' || s === 'cached') && empty === 0 && decoded === n
        ? n
        : undefined;
    },
    { timeoutMs: 15_000 },
  );
  const srcs = await frame
    .locator('.card[data-shot-id] img.thumb')
    .evaluateAll((els: Attributed[]) => els.map((e) => e.getAttribute('src')));
  check(
    `storyboard: all ${loaded} cards in view are up to date, each showing its WebP thumbnail`,
    srcs.length === loaded && srcs.every((s) => s?.includes('.thumb.webp')),
    srcs.slice(0, 3),
  );
  // Alone in the editor area, the grid shows more than two columns of cards.
  await wb.page.locator('.tab[aria-label^="Storyboard"]').click();
  await wb.runCommand('View: Toggle Maximize Editor Group');
  await wb.settle(500);
  await wb.screenshotWebview(frame, '07-storyboard-after-render');
  await wb.runCommand('View: Toggle Maximize Editor Group');
}

export async function checkMetricsAfter(
  wb: Workbench,
  frame: Frame,
  variations: number,
  check: Check,
): Promise<void> {
  const requests = await waitFor(
    `metrics to count ${variations} requests`,
    async () => {
      const text = (await frame.locator('.tile-requests .tile-value').textContent())?.trim();
      return text === String(variations) ? text : undefined;
    },
    { timeoutMs: 15_000, seen: () => frame.locator('.tile-requests .tile-value').textContent() },
  );
  const dots = await frame.locator('svg.latency-chart .dot').count();
  check(`metrics panel counts ${requests} requests and charts their latencies`, dots > 0, dots);
  await wb.screenshotWebview(frame, '08-metrics-after-render');
}
