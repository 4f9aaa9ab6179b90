// 6. Extension: bundle sizes (from esbuild's metafiles of a production build) and the cost of evaluating
// the extension bundle. Activation in a real VS Code is measured by activation.ts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type BenchRow, ratio } from './lib/report';

const ROOT = path.join(__dirname, '..');

/** Evaluates a bundle in a fresh node with `vscode` resolved to an empty stub (load cost, not activate). */
function loadMs(file: string): number {
  const script = `
    const Module = require('module');
    const orig = Module._resolveFilename;
    Module._resolveFilename = function (req, ...rest) { return req === 'vscode' ? require.resolve('./package.json') : orig.call(this, req, ...rest); };
    const t = performance.now();
    require(${JSON.stringify(file)});
    process.stdout.write(String(performance.now() - t));`;
  const runs = Array.from({ length: 5 }, () =>
    Number(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' })),
  );
  return runs.sort((a, b) => a - b)[2]!;
}

export async function runExtensionBench(): Promise<BenchRow[]> {
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, stdio: 'ignore' });
  const rows: BenchRow[] = [];
  for (const name of ['extension', 'cli', 'worker', 'webviews']) {
    const meta = JSON.parse(readFileSync(path.join(ROOT, 'dist', `${name}.meta.json`), 'utf8')) as {
      outputs: Record<string, { bytes: number }>;
    };
    for (const [file, out] of Object.entries(meta.outputs)) {
      if (!file.endsWith('.map'))
        rows.push({
          bench: 'extension',
          metric: `bundle ${file.replace(/^dist\//, '')}`,
          value: out.bytes,
          unit: 'B',
        });
    }
  }
  const ext = loadMs(path.join(ROOT, 'dist', 'extension.js'));
  const empty = loadMs(path.join(ROOT, 'package.json'));
  rows.push({
    bench: 'extension',
    metric: 'evaluate dist/extension.js (node, vscode stubbed)',
    value: ext,
    unit: 'ms',
    baseline: { label: 'require of a JSON file', value: empty },
    ratio: ratio(ext, empty),
  });
  return rows;
}
