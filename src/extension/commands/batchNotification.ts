// A cancellable progress notification beside the status bar item, for a batch that is still running a
// moment after it started (a quick batch finishes before it would appear). Cancel stops the batch the
// same way "Dailies: Cancel Rendering" does; finished variations are kept.
import * as vscode from 'vscode';
import { formatDuration } from '../../shared/batchProgress';
import type { Production } from '../productions/production';

const SHOW_AFTER_MS = 1000;

export function showBatchProgress(production: Production): vscode.Disposable {
  let batchId: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let finish: (() => void) | undefined;
  let ended = false;
  let update: (() => void) | undefined;
  const sub = production.onEvent((e) => {
    if (e.type === 'batch-start' && !batchId) {
      batchId = e.batchId;
      if (e.jobs > 0) timer = setTimeout(open, SHOW_AFTER_MS);
    } else if (e.type === 'batch-end' && e.batchId === batchId) {
      end();
    } else if (e.type === 'job' && e.batchId === batchId) {
      update?.();
    }
  });

  function open(): void {
    if (ended) return;
    void vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Dailies: rendering ${production.label}`,
        cancellable: true,
      },
      (progress, token) =>
        new Promise<void>((resolve) => {
          finish = resolve;
          if (ended) return resolve();
          token.onCancellationRequested(() => production.cancelAll());
          let last = 0;
          let shown = '';
          update = () => {
            const b = production.state.batch();
            if (!b?.jobsTotal) return;
            const pct = (b.jobsDone / b.jobsTotal) * 100;
            const message = `${b.jobsDone}/${b.jobsTotal} variations${b.etaMs ? ` · ETA ${formatDuration(b.etaMs)}` : ''}`;
            if (message === shown) return;
            shown = message;
            progress.report({ message, increment: Math.max(0, pct - last) });
            last = Math.max(last, pct);
          };
          update();
        }),
    );
  }

  function end(): void {
    ended = true;
    clearTimeout(timer);
    finish?.();
  }

  return {
    dispose: () => {
      end();
      sub.dispose();
    },
  };
}
