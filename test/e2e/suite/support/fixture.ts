// The example's project.json as it was before anything rendered: both orchestrators keep a copy outside
// the workspace and name it in DAILIES_E2E_PRISTINE (the workspace copy is rewritten by the renders).
import { readFileSync } from 'node:fs';

export function pristineText(): string {
  const file = process.env['DAILIES_E2E_PRISTINE'];
  if (!file) throw new Error('DAILIES_E2E_PRISTINE is not set (run through test/e2e/run.ts or electron.ts)');
  return readFileSync(file, 'utf8');
}

/** "line 12: expected … got …" for the first line where two texts part, instead of two 12 kB strings. */
export function firstDifference(actual: string, expected: string): string | undefined {
  if (actual === expected) return undefined;
  const a = actual.split('\n');
  const e = expected.split('\n');
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    if (a[i] !== e[i]) return `line ${i + 1}: expected ${JSON.stringify(e[i])}, got ${JSON.stringify(a[i])}`;
  }
  return 'the texts differ only in line endings';
}
