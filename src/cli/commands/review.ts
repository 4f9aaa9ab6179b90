// `dailies take <project.json> <shot[,shot…]> <n>` and `dailies review <project.json> <shot[,shot…]>
// --status … [--note …]`: the same minimal, locked, atomic edit as the extension's, for scripts and for
// crews that review outside the editor. No engine, no keys: it only writes project.json.
import { parseProjectText } from '../../core/project/load';
import { ProjectPaths } from '../../core/project/paths';
import { FileProjectIO, ProjectWriter } from '../../core/project/write';
import { applyReview, type ReviewAction, type ReviewResult } from '../../core/review/reviewEdits';
import { reviewerName } from '../../core/review/who';
import { isReviewStatus, REVIEW_STATUSES } from '../../shared/review';
import { type CliArgs, UsageError } from '../args';
import type { CliIO } from '../main';

export async function reviewCommand(args: CliArgs, io: CliIO): Promise<number> {
  const [shots, takeText, ...extra] = args.operands;
  const shotIds = (shots ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (shotIds.length === 0) throw new UsageError(`missing <shot> for "${args.command}"`);
  let action: ReviewAction;
  if (args.command === 'take') {
    if (takeText === undefined) throw new UsageError('missing <n>: which take to circle');
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const take = Number(takeText);
    if (!/^[0-9]+$/.test(takeText) || take < 1 || take > 16)
      throw new UsageError(`a take is a variation number from 1 to 16, not "${takeText}"`);
    action = { kind: 'circle', take };
  } else {
    if (takeText !== undefined) throw new UsageError(`unexpected argument "${takeText}"`);
    if (args.status !== undefined && !isReviewStatus(args.status))
      throw new UsageError(`--status is one of ${REVIEW_STATUSES.join(', ')}, not "${args.status}"`);
    if (args.status === undefined && args.note === undefined)
      throw new UsageError('review needs --status and/or --note');
    action = isReviewStatus(args.status)
      ? { kind: 'status', status: args.status, ...(args.note !== undefined ? { note: args.note } : {}) }
      : { kind: 'note', note: args.note ?? '' };
  }
  const paths = new ProjectPaths(args.projectFile);
  const writer = new ProjectWriter(new FileProjectIO(paths.projectFile), {
    validate: (text) => parseProjectText(text, paths.projectFile),
  });
  const who = await reviewerName(paths.root);
  const result = await applyReview(writer, shotIds, action, { who, at: new Date().toISOString() });
  await writer.settled();
  return report(args, io, result);
}

function report(args: CliArgs, io: CliIO, r: ReviewResult): number {
  if (args.json) io.stdout.write(`${JSON.stringify(r)}\n`);
  else {
    if (r.written.length && !args.quiet) io.stdout.write(`${args.command}: ${r.written.join(', ')}\n`);
    if (!r.written.length && !r.refused.length && !r.missing.length && !r.blocked && !args.quiet)
      io.stdout.write(`${args.command}: nothing to change\n`);
  }
  for (const x of r.refused) io.stderr.write(`dailies: ${x.shotId} ${x.reason}\n`);
  for (const id of r.missing) io.stderr.write(`dailies: no shot "${id}" in ${args.projectFile}\n`);
  if (r.blocked) {
    io.stderr.write(`dailies: nothing was changed: ${r.blocked}\n`);
    return 2;
  }
  return r.refused.length || r.missing.length ? 1 : 0;
}
