// How review shows in the Shots tree: the circled take (its thumbnail is the row's icon), the review
// status, and note and version counts in the row's description and hover, in the shared review words.
import type * as vscode from 'vscode';
import { circled, reviewStatusOf, type ShotView } from '../../core/state/productionState';
import { REVIEW_STATUS } from '../../shared/review';

/** " · approved · take 2 · 2 notes · 3 versions" (empty when there is nothing to say). */
export function reviewSuffix(shot: ShotView): string {
  const parts: string[] = [];
  const status = reviewStatusOf(shot);
  if (status !== 'pending') parts.push(REVIEW_STATUS[status].label);
  const take = circled(shot);
  if (shot.take !== undefined && take?.variation === shot.take) parts.push(`take ${shot.take}`);
  const notes = shot.review?.notes.length ?? 0;
  if (notes) parts.push(`${notes} note${notes === 1 ? '' : 's'}`);
  if ((shot.versions ?? 0) > 1) parts.push(`${shot.versions} versions`);
  return parts.length ? ` · ${parts.join(' · ')}` : '';
}

/** A variation row: "circled" when it is the take the edit uses. */
export function isCircled(shot: ShotView | undefined, variation: number): boolean {
  return shot?.take === variation && circled(shot)?.variation === variation;
}

export function appendReviewTooltip(
  md: vscode.MarkdownString,
  shot: ShotView,
  escapeMarkdown: (s: string) => string,
): void {
  const review = shot.review;
  const status = reviewStatusOf(shot);
  const info = REVIEW_STATUS[status];
  const by = [review?.by, review?.at ? new Date(review.at).toLocaleString() : undefined]
    .filter(Boolean)
    .join(', ');
  md.appendMarkdown(
    `\n\n$(${info.icon}) ${escapeMarkdown(info.label)}${by ? ` — ${escapeMarkdown(by)}` : ''}`,
  );
  if (review?.unknownStatus)
    md.appendMarkdown(` (project.json says "${escapeMarkdown(review.unknownStatus)}")`);
  const take = circled(shot);
  if (take && shot.outputs.length > 1)
    md.appendMarkdown(` · take ${take.variation}${shot.take === take.variation ? ' circled' : ''}`);
  if ((shot.versions ?? 0) > 1) md.appendMarkdown(` · ${shot.versions} versions`);
  const last = review?.notes.at(-1);
  if (last) {
    md.appendMarkdown('\n\n$(comment) ');
    md.appendText(
      `${last.text.length > 300 ? `${last.text.slice(0, 300)}…` : last.text}${last.author ? ` — ${last.author}` : ''}`,
    );
    const more = (review?.notes.length ?? 0) - 1;
    if (more > 0) md.appendMarkdown(` (+${more} earlier)`);
  }
}
