// The CLI's side of the spend confirmation: the same estimate and wording as VS Code's dialog, printed
// before the first cloud call. On a terminal it asks (unless --yes); a script's own invocation is its
// confirmation, bounded by --max-cost when given. Draft-only batches never get here (nothing to spend).
import type { SpendRequest } from '../core/render/engine';
import { cloudSpend, spendDetail, spendHeadline, usd } from '../core/render/spend';
import type { CliArgs } from './args';
import type { CliIO } from './main';

export function cliSpendGate(args: CliArgs, io: CliIO): (request: SpendRequest) => Promise<boolean> {
  return async ({ estimate, force }) => {
    const spend = cloudSpend(estimate);
    if (!args.quiet) {
      io.stderr.write(`${spendHeadline(spend, force)}\n`);
      for (const line of spendDetail(estimate, spend, force)) io.stderr.write(`  ${line}\n`);
    }
    if (args.maxCostUsd !== undefined && (spend.unpriced.length || spend.costUsd > args.maxCostUsd)) {
      io.stderr.write(
        `dailies: not rendering: the estimate (${usd(spend.costUsd)}${spend.unpriced.length ? ' + unpriced models' : ''}) is over --max-cost ${usd(args.maxCostUsd)}\n`,
      );
      return false;
    }
    if (args.yes || !io.ask) return true;
    const answer = await io.ask('Proceed? [y/N] ');
    return /^\s*y(es)?\s*$/i.test(answer);
  };
}
