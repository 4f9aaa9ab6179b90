// What a user does and sees, checked in the real UI: the Shots view before a render (status icons),
// Render All Shots from the palette, the status bar counting shots with an ETA, the storyboard and
// metrics panels opened mid-render with live per-card progress, then thumbnails everywhere once the
// status bar says "up to date". Every check that passes is listed; the first that fails stops the run.

import { buildAnimaticThroughTheUi } from './animatic';
import { say } from './env';
import { checkMetricsAfter, checkStoryboardAfter } from './panelChecks';
import { checkTreeHover } from './treeHover';
import { checkVideoHover } from './videoHover';
import { waitFor } from './wait';
import type { Workbench } from './workbench';

export interface Expected {
  shots: number;
  variations: number;
}

export interface UiReport {
  checks: string[];
  /** Distinct status bar texts seen from Render All to "up to date". */
  statusSeen: string[];
  /** Card progress lines seen in the storyboard during the render. */
  progressSeen: string[];
}

const PROGRESS = /^Variation \d+\/\d+ · (Step \d+\/\d+|queued.*|running|downloading|uploading)$/;

export async function renderThroughTheUi(wb: Workbench, expected: Expected): Promise<UiReport> {
  const report: UiReport = { checks: [], statusSeen: [], progressSeen: [] };
  const check = (name: string, ok: boolean, detail?: unknown) => {
    if (!ok)
      throw new Error(
        `UI check failed: ${name}${detail === undefined ? '' : ` — ${JSON.stringify(detail)}`}`,
      );
    report.checks.push(name);
    say(`✓ ${name}`);
  };
  const { shots, variations } = expected;
  const idle = `${shots} shots · ${shots} not rendered`;
  const upToDate = `${shots} shots · up to date`;

  await waitFor(`status bar "${idle}"`, async () => (await wb.statusText()) === idle, {
    seen: () => wb.statusText(),
  });
  check(`status bar reads "${idle}" before rendering`, true);

  await wb.showDailiesView();
  const before = await wb.shotRows();
  check(`Shots tree lists ${shots} shots`, before.length === shots, before.length);
  check(
    'every shot shows a status icon (circle-large-outline), no thumbnail, before rendering',
    before.every((r) => r.codicon === 'circle-large-outline' && !r.image),
    before.filter((r) => r.codicon !== 'circle-large-outline' || r.image),
  );
  await wb.screenshot('01-tree-before-render');

  // Watches the status bar for the whole render: its texts are the evidence of n/N and the ETA.
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const text = await wb.statusText().catch(() => '');
      if (text && report.statusSeen.at(-1) !== text) report.statusSeen.push(text);
      await wb.settle(100);
    }
  })();
  const counting = new RegExp(`^\\d+/${shots} shots\\b`);
  const rendering = () => report.statusSeen.some((t) => counting.test(t));
  const stillRendering = () => counting.test(report.statusSeen.at(-1) ?? '');
  try {
    await wb.runCommand('Dailies: Render All Shots');
    await waitFor(`status bar counting n/${shots} shots`, rendering, {
      timeoutMs: 30_000,
      seen: () => report.statusSeen,
    });
    check(`status bar counts shots as n/${shots} shots once Render All Shots runs`, true);
    await wb.screenshot('02-rendering-tree-and-status-bar');

    await wb.runCommand('Dailies: Open Storyboard');
    const storyboard = await wb.webview('storyboard');
    const progress = await waitFor(
      'a storyboard card showing live progress',
      async () => {
        const lines = await storyboard.locator('.card[data-shot-id] .strip:not([hidden])').allTextContents();
        const live = lines.map((l) => l.trim()).filter((l) => PROGRESS.test(l));
        report.progressSeen.push(...live.filter((l) => !report.progressSeen.includes(l)));
        return live.length ? live : undefined;
      },
      { timeoutMs: 60_000, everyMs: 100, seen: () => report.statusSeen.at(-1) },
    );
    check('storyboard opened mid-render shows cards with live progress', true);
    say(`  progress: ${progress.slice(0, 3).join(' | ')}`);
    const live = (await wb.shotRows()).map((r) => r.codicon);
    check(
      'Shots tree shows running (sync~spin) and queued (clock) icons mid-render',
      live.includes('sync') && live.includes('clock'),
      live,
    );
    await wb.screenshot('03-storyboard-while-rendering');

    await wb.runCommand('Dailies: Open Metrics');
    const metrics = await wb.webview('metrics');
    say(`  metrics panel up; status ${report.statusSeen.at(-1)}`);
    // Variations land in waves; the panel must count them as they land, not only at the end.
    const partial = await waitFor(
      'the metrics panel to count some, not all, requests while rendering',
      async () => {
        const n = Number((await metrics.locator('.tile-requests .tile-value').textContent())?.trim());
        return n > 0 && n < variations && stillRendering() ? n : undefined;
      },
      { timeoutMs: 60_000, everyMs: 100, seen: () => report.statusSeen.at(-1) },
    );
    await wb.screenshot('04-metrics-while-rendering');
    check(`metrics panel opened mid-render counts requests live (${partial} of ${variations} so far)`, true);

    await waitFor(`status bar "${upToDate}"`, async () => (await wb.statusText()) === upToDate, {
      timeoutMs: 180_000,
      everyMs: 250,
      seen: () => report.statusSeen.slice(-3),
    });
  } finally {
    watching = false;
    await watcher;
  }
  check(`status bar reads "${upToDate}" after the render`, true);
  check(
    'status bar showed an ETA while rendering',
    report.statusSeen.some((t) => /^\d+\/\d+ shots · ETA \S+/.test(t)),
    report.statusSeen,
  );
  await wb.screenshot('05-workbench-after-render');
  // The completion toast ("24 rendered in 12s") is in 05; the close-ups below should not be covered by it.
  await wb.runCommand('Notifications: Clear All Notifications');

  const after = await waitFor(
    'every shot row to show its thumbnail',
    async () => {
      const rows = await wb.shotRows();
      return rows.length === shots && rows.every((r) => r.image?.includes('.thumb.webp')) ? rows : undefined;
    },
    {
      timeoutMs: 10_000,
      seen: async () => (await wb.shotRows()).filter((r) => !r.image).map((r) => r.label),
    },
  );
  check(`every shot row's icon is its WebP thumbnail after rendering (${after.length} rows)`, true);
  await wb.screenshotSidebar('06-tree-after-render');
  await checkTreeHover(wb, check);

  await checkStoryboardAfter(wb, await wb.webview('storyboard'), check);
  await checkVideoHover(wb, await wb.webview('storyboard'), check);
  await checkMetricsAfter(wb, await wb.webview('metrics'), variations, check);
  await buildAnimaticThroughTheUi(wb, check);
  return report;
}
