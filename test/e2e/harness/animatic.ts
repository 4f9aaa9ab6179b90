// "Dailies: Build Animatic" from the palette, like a user: the Cut panel opens at once and shows the live
// "Rebuilding …" state, then the player with the whole cut (its length is the sum of the shots'
// durations) and a strip of every shot; clicking a shot seeks the player there. Screenshot of the panel.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { EXAMPLE_DIR, say } from './env';
import type { Check } from './panelChecks';
import { waitFor } from './wait';
import type { Workbench } from './workbench';

/** What the page's <video> exposes that the checks read (this tsconfig has no DOM lib). */
interface VideoLike {
  readyState: number;
  duration: number;
  currentTime: number;
  videoWidth: number;
}

function expectedSeconds(): { shots: number; seconds: number } {
  const project = JSON.parse(readFileSync(path.join(EXAMPLE_DIR, 'project.json'), 'utf8')) as {
    defaults?: { duration?: number };
    shots: { duration?: number }[];
  };
  const seconds = project.shots.reduce((n, s) => n + (s.duration ?? project.defaults?.duration ?? 3), 0);
  return { shots: project.shots.length, seconds };
}

const video = (frame: Frame) =>
  frame.locator('video.player').evaluate((v: unknown) => {
    const el = v as VideoLike;
    return { ready: el.readyState, duration: el.duration, time: el.currentTime, width: el.videoWidth };
  });

export async function buildAnimaticThroughTheUi(wb: Workbench, check: Check): Promise<void> {
  const { shots, seconds } = expectedSeconds();
  await wb.runCommand('Dailies: Build Animatic');
  const frame = await wb.webview('cut', 60_000);
  check('Build Animatic opens the Cut panel at once', true);
  const seen = new Set<string>();
  await waitFor(
    `the Cut panel to show ${shots} shots with the animatic loaded`,
    async () => {
      const status = (
        await frame
          .locator('.build-status:not([hidden]) .build-text')
          .textContent()
          .catch(() => '')
      )?.trim();
      if (status) seen.add(status);
      const clips = await frame.locator('.clip').count();
      if (clips !== shots) return undefined;
      const v = await video(frame);
      return v.ready >= 1 && v.width > 0 ? v : undefined;
    },
    { timeoutMs: 300_000, everyMs: 200, seen: () => [...seen].slice(-3) },
  );
  const live = [...seen].find((s) => /^Rebuilding s\d\d-\d{3}…$/.test(s));
  check('the Cut panel showed the live state while cutting ("Rebuilding s…-…")', live !== undefined, [
    ...seen,
  ]);
  say(`  live states seen: ${[...seen].slice(0, 4).join(' | ')}`);
  const v = await video(frame);
  check(
    `the player holds the whole cut: ${v.duration.toFixed(2)} s for ${shots} shots of ${seconds} s in all`,
    Math.abs(v.duration - seconds) < 0.05,
    v,
  );
  const slates = await frame.locator('.clip[data-slate]').count();
  check('every shot of the rendered example shows its circled take (no slates)', slates === 0, slates);

  const target = frame.locator('.clip').nth(5);
  const shotId = await target.getAttribute('data-shot-id');
  await target.click();
  const at = await waitFor(
    `the player to seek to ${shotId}`,
    async () =>
      (await frame.locator('.clip[aria-current="true"]').getAttribute('data-shot-id')) === shotId
        ? video(frame)
        : undefined,
    { timeoutMs: 10_000 },
  );
  check(
    `clicking ${shotId} in the strip seeks the player there (${at.time.toFixed(2)} s) and highlights it`,
    at.time > 0,
    at,
  );

  await wb.runCommand('Notifications: Clear All Notifications');
  await wb.page.locator('.tab[aria-label^="Cut"]').click();
  // Activating the tab focuses the webview a moment later, which closes a palette opened meanwhile.
  await wb.settle(1000);
  await wb.runCommand('View: Toggle Maximize Editor Group').catch(async () => {
    await wb.page.keyboard.press('Escape');
    await wb.settle(1000);
    await wb.runCommand('View: Toggle Maximize Editor Group');
  });
  // Away from the tab, so its hover tooltip is not in the picture.
  await wb.page.mouse.move(800, 500);
  await wb.settle(800);
  await wb.screenshotWebview(frame, '10-cut-after-build-animatic');
  await wb.runCommand('View: Toggle Maximize Editor Group');
}
