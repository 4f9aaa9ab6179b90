// Launches the browser test/helpers/chromium.ts resolves, in its own process (the resolution is read
// from this process's environment), and prints what it found as one JSON line. Used by
// test/unit/chromium.test.ts; also handy by hand: `node --import tsx test/helpers/chromiumProbe.ts`.
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions, resolveChromium } from './chromium';

async function main(): Promise<void> {
  const found = await resolveChromium();
  const browser = await chromium.launch(await chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    await page.setContent('<p>Dailies</p>');
    // Real glyphs, not the same missing-glyph box for every letter: in any proportional sans-serif
    // face "iiii" is narrower than "MMMM". On a machine without fonts the npm browser's own (Open Sans)
    // must provide one.
    // (A string: this project's type check has no DOM library.)
    const widths = (await page.evaluate(`(() => {
      const c = document.createElement('canvas').getContext('2d');
      c.font = '40px sans-serif';
      return { narrow: c.measureText('iiii').width, wide: c.measureText('MMMM').width };
    })()`)) as { narrow: number; wide: number };
    console.log(
      JSON.stringify({ ...found, version: browser.version(), text: await page.textContent('p'), widths }),
    );
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
