// 6. Extension: bundle sizes (from esbuild's metafiles of a production build). What loading and
// activating them costs is measured in a real VS Code by activation.ts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BenchRow } from './lib/report';

const ROOT = path.join(__dirname, '..');

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
  return rows;
}
