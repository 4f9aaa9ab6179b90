// Where the extension host's errors end up: its own log (remoteexthost.log under code-server, exthost.log
// on the desktop) and, for errors an extension lets escape (a throwing event listener, a timer callback,
// an unhandled rejection), the workbench's side: under code-server its console, which test/e2e/run.ts
// writes to a file; on the desktop the window's renderer.log. Tests read what was appended between two
// points; a marker error raised through a vscode.EventEmitter (whose listener errors VS Code reports like
// any other) tells when the files have caught up.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { until } from './dailies';

function hostLogs(): string[] {
  const found: string[] = [];
  const userData = process.env['DAILIES_E2E_USER_DATA'];
  const logs = userData ? path.join(userData, 'logs') : undefined;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/(exthost|renderer)\.log$/i.test(e.name)) found.push(full);
    }
  };
  if (logs && existsSync(logs)) walk(logs);
  const console = process.env['DAILIES_E2E_CONSOLE_LOG'];
  if (console) found.push(console);
  if (!found.length) {
    throw new Error(
      'neither DAILIES_E2E_USER_DATA nor DAILIES_E2E_CONSOLE_LOG names a log (run through test/e2e/run.ts)',
    );
  }
  return found;
}

const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

export type HostLogMark = Map<string, number>;

export function markHostLog(): HostLogMark {
  return new Map(hostLogs().map((f) => [f, size(f)]));
}

/** Everything logged since `mark`, once a fresh marker error has shown up in one of the logs. */
export async function hostLogSince(mark: HostLogMark): Promise<string> {
  const marker = `dailies-e2e-log-marker-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const emitter = new vscode.EventEmitter<void>();
  emitter.event(() => {
    throw new Error(marker);
  });
  emitter.fire();
  emitter.dispose();
  return until(
    'the marker error in a host log',
    () => {
      const texts = hostLogs().map((f) =>
        existsSync(f) ? readFileSync(f, 'utf8').slice(mark.get(f) ?? 0) : '',
      );
      return texts.some((t) => t.includes(marker)) ? texts.join('\n') : undefined;
    },
    { timeoutMs: 20_000, everyMs: 250 },
  );
}
