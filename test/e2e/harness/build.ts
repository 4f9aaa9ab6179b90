// The artefacts a run needs: the packaged extension (rebuilt only when a source is newer than the VSIX,
// so repeated runs skip the package step) and the runner extension (always rebuilt: about 2 s).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO, RUNNER_DIR, say, VSIX } from './env';
import { runCommand } from './processes';

/** Everything the VSIX is built from. */
const INPUTS = [
  'src',
  'webview-ui',
  'media',
  'schemas',
  'scripts',
  'package.json',
  'package-lock.json',
  'README.md',
  'LICENSE',
  'esbuild.mjs',
  '.vscodeignore',
];

function newestMtime(entry: string): number {
  const st = statSync(entry, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

export async function ensureVsix(): Promise<void> {
  if (process.env['DAILIES_E2E_VSIX']) {
    if (!existsSync(VSIX)) throw new Error(`DAILIES_E2E_VSIX=${VSIX} does not exist`);
    say(`testing the given VSIX ${VSIX}`);
    return;
  }
  const built = existsSync(VSIX) ? statSync(VSIX).mtimeMs : 0;
  const stale = INPUTS.map((i) => path.join(REPO, i)).filter((i) => newestMtime(i) > built);
  if (built && stale.length === 0) {
    say(`VSIX is up to date: ${path.relative(REPO, VSIX)}`);
    return;
  }
  say(
    built
      ? `VSIX is older than ${stale.map((s) => path.relative(REPO, s)).join(', ')}: npm run package`
      : 'no VSIX yet: npm run package',
  );
  await runCommand('npm', ['run', '--silent', 'package'], { cwd: REPO });
  if (!existsSync(VSIX)) throw new Error(`npm run package did not produce ${VSIX}`);
}

/** Bundles the runner extension and, given a path, packages it as a VSIX there. */
export async function buildRunner(vsix?: string): Promise<void> {
  await runCommand(process.execPath, [path.join(REPO, 'test', 'e2e', 'build.mjs')], { cwd: REPO });
  if (!vsix) return;
  const vsce = path.join(REPO, 'node_modules', '.bin', 'vsce');
  const flags = [
    '--no-dependencies',
    '--skip-license',
    '--allow-missing-repository',
    '--no-update-package-json',
  ];
  await runCommand(vsce, ['package', ...flags, '--out', vsix], {
    cwd: RUNNER_DIR,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
