// The one entry both hosts call: the code-server runner extension (on its command) and
// @vscode/test-electron (as extensionTestsPath's `run`). Runs the bundled suite with mocha and, when
// DAILIES_E2E_RESULTS names a file, writes the results there as JSON plus a plain-text report beside it.
import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { formatReport, type SuiteResults, type TestRecord } from './results';

const SUITE_FILE = path.join(__dirname, 'suite.js');

export async function runSuite(host: string): Promise<SuiteResults> {
  const started = Date.now();
  const tests: TestRecord[] = [];
  // A second run in the same host must load the suite again, or mocha finds no tests.
  delete require.cache[require.resolve(SUITE_FILE)];
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: silentReporter(tests) });
  // One session runs one part of the suite (run.ts runs the Restricted Mode suite in an untrusted window).
  const grep = process.env['DAILIES_E2E_GREP'];
  if (grep) {
    mocha.grep(grep);
    if (process.env['DAILIES_E2E_GREP_INVERT'] === '1') mocha.invert();
  }
  mocha.addFile(SUITE_FILE);
  try {
    await new Promise<void>((resolve) => mocha.run(() => resolve()));
  } catch (err) {
    // The bundle failed to load (mocha requires it synchronously): still write results, or the
    // orchestrator only learns of it from its timeout.
    tests.push(record(undefined, 'failed', err));
  }
  mocha.dispose();
  const results: SuiteResults = {
    host,
    vscodeVersion: vscode.version,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    passes: tests.filter((t) => t.state === 'passed').length,
    failures: tests.filter((t) => t.state === 'failed').length,
    pending: tests.filter((t) => t.state === 'pending').length,
    tests,
  };
  const out = process.env['DAILIES_E2E_RESULTS'];
  if (out) {
    writeAtomically(out.replace(/\.json$/, '') + '.txt', formatReport(results));
    // Last, so a reader that sees the JSON also finds the report.
    writeAtomically(out, `${JSON.stringify(results, null, 2)}\n`);
  }
  return results;
}

/** test-electron's contract: resolve when green, reject when anything failed. */
export async function run(): Promise<void> {
  const results = await runSuite('VS Code (test-electron)');
  console.log(formatReport(results));
  if (results.failures > 0) throw new Error(`${results.failures} in-host test(s) failed`);
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Records every test and hook outcome; prints nothing (the report is written from the records). */
function silentReporter(into: TestRecord[]): typeof Mocha.reporters.Base {
  const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;
  return class extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      runner.on(EVENT_TEST_PASS, (t) => into.push(record(t, 'passed')));
      runner.on(EVENT_TEST_PENDING, (t) => into.push(record(t, 'pending')));
      // Hooks fail through this event too ("before all" hook …), so setup failures are not lost.
      runner.on(EVENT_TEST_FAIL, (t: Mocha.Runnable, err: unknown) => into.push(record(t, 'failed', err)));
    }
  };
}

function record(t: Mocha.Runnable | undefined, state: TestRecord['state'], err?: unknown): TestRecord {
  const error =
    err === undefined
      ? undefined
      : err instanceof Error
        ? { message: err.message, stack: err.stack }
        : { message: String(err) };
  const titlePath = t ? t.titlePath() : ['loading the suite bundle'];
  return { titlePath, state, durationMs: t?.duration ?? 0, ...(error ? { error } : {}) };
}
