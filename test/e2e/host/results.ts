// The shape of one in-host run, as the runner writes it and the orchestrators read it back. Shared by
// both sides so a field cannot drift between writer and reader.

export interface TestRecord {
  /** Suite titles and the test title, outermost first. */
  titlePath: string[];
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: { message: string; stack?: string };
}

export interface SuiteResults {
  host: string;
  vscodeVersion: string;
  startedAt: string;
  durationMs: number;
  passes: number;
  failures: number;
  pending: number;
  tests: TestRecord[];
}

export function isSuiteResults(v: unknown): v is SuiteResults {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r['passes'] === 'number' && typeof r['failures'] === 'number' && Array.isArray(r['tests']);
}

/** A spec-like plain-text report (mocha's own reporters print to the host's stdout, which nobody sees). */
export function formatReport(r: SuiteResults): string {
  const lines = [
    `Dailies in-host suite — ${r.host}, VS Code ${r.vscodeVersion} — ${r.passes} passing, ${r.failures} failing` +
      `${r.pending ? `, ${r.pending} pending` : ''} (${(r.durationMs / 1000).toFixed(1)} s)`,
    '',
  ];
  let previousSuite = '';
  const failed: TestRecord[] = [];
  for (const t of r.tests) {
    const suite = t.titlePath.slice(0, -1).join(' › ');
    if (suite !== previousSuite) {
      lines.push(`  ${suite}`);
      previousSuite = suite;
    }
    const title = t.titlePath[t.titlePath.length - 1] ?? '';
    if (t.state === 'passed') lines.push(`    ✓ ${title} (${t.durationMs} ms)`);
    else if (t.state === 'pending') lines.push(`    - ${title} (pending)`);
    else {
      failed.push(t);
      lines.push(`    ${failed.length}) ${title}`);
    }
  }
  for (const [i, t] of failed.entries()) {
    lines.push('', `  ${i + 1}) ${t.titlePath.join(' › ')}:`);
    lines.push(...(t.error?.stack ?? t.error?.message ?? 'failed').split('\n').map((l) => `     ${l}`));
  }
  return `${lines.join('\n')}\n`;
}
