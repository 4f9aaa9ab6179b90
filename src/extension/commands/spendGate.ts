// The one confirmation before a cloud spend in VS Code. It is not called by commands: each production's
// engine is created with it (`EngineOptions.confirmSpend`, see productions/production.ts), and the engine
// asks it after planning and before its first upload or submit. So every surface that renders — palette,
// tree, storyboard, renderOnSave, the extension API — goes through it, and none can leave it out.
import * as vscode from 'vscode';
import type { SpendRequest } from '../../core/render/engine';
import { cloudSpend, mustAsk, spendDetail, spendHeadline, usd } from '../../core/render/spend';
import type { DailiesLog } from '../log';
import { readSettings } from '../settings';

/** Dialogs one at a time: two productions starting together must not stack two modals. */
let queue: Promise<unknown> = Promise.resolve();

export function spendGate(
  production: { uri: vscode.Uri; label: string },
  log: DailiesLog,
): (request: SpendRequest) => Promise<boolean> {
  return (request) => {
    const turn = queue.then(() => confirm(production, log, request));
    queue = turn.catch(() => undefined);
    return turn;
  };
}

async function confirm(
  production: { uri: vscode.Uri; label: string },
  log: DailiesLog,
  { estimate, force }: SpendRequest,
): Promise<boolean> {
  // The providers of an untrusted workspace are never built; this is the second lock on that door.
  if (!vscode.workspace.isTrusted) return false;
  const spend = cloudSpend(estimate);
  const threshold = readSettings(production.uri).confirmSpendAboveUsd;
  if (!mustAsk(spend, threshold)) {
    log.write(
      'info',
      'RENDER',
      `${production.label}: ${spendHeadline(spend, force).replace(/\?$/, '')} — started without asking (below dailies.confirmSpendAboveUsd ${usd(threshold)})`,
    );
    return true;
  }
  const yes = force ? 'Re-render' : 'Render';
  const detail = [
    `${production.label}`,
    ...spendDetail(estimate, spend, force),
    threshold > 0
      ? `You are asked above ${usd(threshold)} (dailies.confirmSpendAboveUsd).`
      : 'Set dailies.confirmSpendAboveUsd to stop asking for small batches.',
  ].join('\n');
  const answer = await vscode.window.showWarningMessage(
    `Dailies: ${spendHeadline(spend, force)}`,
    { modal: true, detail },
    yes,
  );
  log.write(
    'info',
    'RENDER',
    `${production.label}: ${spendHeadline(spend, force)} ${answer === yes ? 'confirmed' : 'not confirmed'}`,
  );
  return answer === yes;
}
