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
  const card = frame.locator('.card[data-video]').first();
  await card.scrollIntoViewIfNeeded();
  const id = await card.getAttribute('data-shot-id');
  check(`storyboard: video shot ${id} shows the video badge`, id !== null);
  await card.locator('img.thumb').hover();
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
