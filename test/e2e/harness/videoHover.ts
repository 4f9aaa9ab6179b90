// A video shot's card in the real storyboard webview: hovering its poster plays the take's H.264 proxy,
// muted, through asWebviewUri under the panel's CSP (media-src) — what Chromium-only tests cannot prove.
import type { Frame } from 'playwright-core';
import type { Check } from './panelChecks';
import { waitFor } from './wait';
import type { Workbench } from './workbench';

interface VideoLike {
  muted: boolean;
  paused: boolean;
  currentTime: number;
  currentSrc: string;
}

export async function checkVideoHover(wb: Workbench, frame: Frame, check: Check): Promise<void> {
  const id = await frame.locator('.card[data-video]').first().getAttribute('data-shot-id');
  check(`storyboard: video shot ${id} shows the video badge`, id !== null);
  // The grid is virtual: a card can be recycled (detached) between finding it and scrolling to it while
  // late updates repaint the board. Find it again by its shot and try once more.
  for (let attempt = 1; ; attempt++) {
    const card = frame.locator(`.card[data-shot-id="${id}"]`).first();
    try {
      await card.scrollIntoViewIfNeeded({ timeout: 5000 });
      await card.locator('img.thumb').hover({ timeout: 5000 });
      break;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  const state = await waitFor(
    `the proxy of ${id} to play under the pointer`,
    async () => {
      const video = frame.locator('.card[data-video] video.hover-video');
      if ((await video.count()) === 0) return undefined;
      const v = await video.evaluate((el: VideoLike) => ({
        muted: el.muted,
        paused: el.paused,
        t: el.currentTime,
        src: el.currentSrc,
      }));
      return !v.paused && v.t > 0.1 ? v : undefined;
    },
    { timeoutMs: 15_000 },
  );
  check(
    `storyboard: hovering ${id} plays its proxy muted (${state.src.split('/').pop()?.split('?')[0]})`,
    state.muted && /\.proxy\.mp4/.test(state.src),
    state,
  );
  await wb.screenshotWebview(frame, '07b-storyboard-video-hover');
  await wb.page.mouse.move(0, 0);
}
