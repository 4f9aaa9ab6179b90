// The bundled CLI (dist/cli.js), for tests that need a real process to kill or to race: built fresh once
// per test file so it never runs stale code. DAILIES_REBUILD=0 reuses an existing bundle.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
export const BUILT_CLI = path.join(ROOT, 'dist', 'cli.js');

export function buildCli(): void {
  if (existsSync(BUILT_CLI) && process.env.DAILIES_REBUILD === '0') return;
  execFileSync(process.execPath, ['esbuild.mjs', '--only=cli'], { cwd: ROOT, stdio: 'ignore' });
}
