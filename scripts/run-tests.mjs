// Runs every node:test suite (unit, CLI, integration against the fakes, webviews in Chromium,
// reliability: kills, concurrent edits, hostile input) in one
// `node --test` invocation, so CI reads a single summary. Node 20's --test does not expand globs itself.
//   node scripts/run-tests.mjs [suite ...] [-- extra node --test args]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const SUITES = ['unit', 'cli', 'integration', 'webview', 'reliability'];
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const picked = (dash >= 0 ? argv.slice(0, dash) : argv).filter((a) => SUITES.includes(a));
const extra = dash >= 0 ? argv.slice(dash + 1) : [];
const suites = picked.length ? picked : SUITES;

const files = suites.flatMap((suite) => {
  const dir = path.join('test', suite);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join(dir, f));
});
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...extra, ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
