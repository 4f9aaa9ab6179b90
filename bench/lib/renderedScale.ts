// A rendered scale production kept on disk, for measuring the write-back flush on its own:
//   node --import tsx bench/lib/renderedScale.ts <dir> <shots>   → prints the project.json path
// The same production and render as the scale bench (built CLI, fal fake answering at once), so the
// file has the records a real render writes; flushProbe.ts can then run on it again and again.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { startFalFake } from '../../test/fakes/falFake';
import { FAL_KEY } from '../../test/helpers/cloud';
import { makeProduction, runCli } from '../scale';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

async function main(dir: string, n: number): Promise<void> {
  if (!existsSync(CLI)) execFileSync(process.execPath, ['esbuild.mjs', '--only=cli'], { cwd: ROOT });
  const fal = await startFalFake({ apiKey: FAL_KEY, stepMs: 0, steps: 1, queueMs: 0, ownOriginMedia: true });
  try {
    const file = await makeProduction(dir, n);
    await runCli(file, fal);
    process.stdout.write(`${file}\n`);
  } finally {
    await fal.close();
  }
}

const [dir, shots] = process.argv.slice(2);
main(path.resolve(dir!), Number(shots)).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
