// The runner extension's entry (code-server cannot take --extensionTestsPath): a palette command runs the
// suite in this extension host. It also re-exports `run` so the same bundle is test-electron's
// extensionTestsPath — one suite, two hosts.
import * as vscode from 'vscode';
import type { SuiteResults } from './results';
import { runSuite } from './runSuite';

export { run } from './runSuite';

let running: Promise<SuiteResults> | undefined;

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('dailiesE2E.runSuite', async () => {
      // A second palette invocation while one runs would interleave two mocha runs on one workspace.
      running ??= runSuite('code-server').finally(() => {
        running = undefined;
      });
      return running;
    }),
  );
}

export function deactivate(): void {}
