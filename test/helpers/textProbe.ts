// Draws two words through Dailies' sharp (src/core/media/sharpSetup) with the draft frames' font stack
// and prints their ink widths as JSON. Runs in its own process because fontconfig reads its
// configuration once per process. Used by test/unit/fonts.test.ts.
import { sharp } from '../../src/core/media/sharpSetup';

const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

async function inkWidth(text: string, weight = 'normal'): Promise<number> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="80"><rect width="900" height="80" fill="#000"/><text x="10" y="55" ${FONT} font-size="40" font-weight="${weight}" fill="#fff">${text}</text></svg>`;
  const { info } = await sharp(Buffer.from(svg)).trim({ background: '#000', threshold: 40 }).toBuffer({
    resolveWithObject: true,
  });
  return info.width;
}

async function main(): Promise<void> {
  const widths = {
    narrow: await inkWidth('iiiiiiii'),
    wide: await inkWidth('MMMMMMMM'),
    bold: await inkWidth('MMMMMMMM', 'bold'),
  };
  console.log(JSON.stringify({ widths, fontconfigFile: process.env['FONTCONFIG_FILE'] ?? null }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
