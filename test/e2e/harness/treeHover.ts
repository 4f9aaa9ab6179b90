// A Shots row's hover shows the shot's thumbnail (issue 11 item 18), checked in the real workbench: the
// markdown tooltip's image must load (a file URI from a remote extension host has to be rewritten by the
// workbench to reach the browser).
import type { Check } from './panelChecks';
import { waitFor } from './wait';
import type { Workbench } from './workbench';

interface HoverImage {
  getAttribute(name: string): string | null;
  complete: boolean;
  naturalWidth: number;
}

export async function checkTreeHover(wb: Workbench, check: Check): Promise<void> {
  const row = wb.page.locator('.part.sidebar .monaco-list-row[aria-label^="Shot "]').first();
  const label = (await row.locator('.label-name').textContent())?.trim() ?? '';
  // Tree tooltips open after the hover delay and close when the pointer moves: hover once, then wait.
  await wb.page.mouse.move(5, 5);
  await row.locator('.label-name').hover();
  const hovers = wb.page.locator('.workbench-hover, .monaco-hover');
  const image = await waitFor(
    `the hover of ${label} to show its thumbnail`,
    async () => {
      const imgs = await hovers
        .locator('img')
        .evaluateAll((els: HoverImage[]) =>
          els.map((e) => ({ src: e.getAttribute('src') ?? '', loaded: e.complete && e.naturalWidth > 0 })),
        );
      return imgs.find((i) => i.src.includes('.thumb.webp') && i.loaded);
    },
    {
      timeoutMs: 15_000,
      everyMs: 500,
      seen: async () =>
        (await hovers.evaluateAll((els: { outerHTML: string }[]) => els.map((e) => e.outerHTML)))
          .join('\n')
          .slice(0, 2000),
    },
  );
  await wb.screenshot('06b-tree-hover-thumbnail');
  check(`hovering ${label} in the Shots tree shows its thumbnail`, image.src.includes(label), image.src);
  await wb.page.mouse.move(800, 500);
}
