// The one vocabulary of review (dailies): a shot is pending, approved, or sent back with changes
// requested. The tree, the status bar, the storyboard, the take viewer and the CLI use these words and
// icons. Nothing here may import vscode or the DOM.

import { formatCount } from './count';

export const REVIEW_STATUSES = ['pending', 'approved', 'changes-requested'] as const;

export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export interface ReviewStatusInfo {
  /** The word every surface uses: "3 approved", "changes requested". */
  label: string;
  /** A codicon id. */
  icon: string;
  /** A theme color id for the icon, when the status deserves one. */
  color?: string;
}

export const REVIEW_STATUS: Readonly<Record<ReviewStatus, ReviewStatusInfo>> = {
  pending: { label: 'pending', icon: 'circle-outline' },
  approved: { label: 'approved', icon: 'pass', color: 'testing.iconPassed' },
  'changes-requested': {
    label: 'changes requested',
    icon: 'request-changes',
    color: 'list.warningForeground',
  },
};

export function isReviewStatus(v: unknown): v is ReviewStatus {
  return typeof v === 'string' && (REVIEW_STATUSES as readonly string[]).includes(v);
}

export type ReviewCounts = Record<ReviewStatus, number>;

export function emptyReviewCounts(): ReviewCounts {
  return { pending: 0, approved: 0, 'changes-requested': 0 };
}

/**
 * `["10 approved", "3 changes requested"]`: what a summary adds once anything was reviewed (pending is
 * the default state of every shot, so it is not counted out loud).
 */
export function reviewParts(counts: ReviewCounts): string[] {
  const parts: string[] = [];
  for (const s of ['approved', 'changes-requested'] as const)
    if (counts[s]) parts.push(`${formatCount(counts[s])} ${REVIEW_STATUS[s].label}`);
  return parts;
}

/** Review status as a small number in the storyboard's compact rows (index in REVIEW_STATUSES). */
export function reviewCode(status: ReviewStatus): number {
  return REVIEW_STATUSES.indexOf(status);
}

export function reviewFromCode(code: unknown): ReviewStatus {
  return (typeof code === 'number' && REVIEW_STATUSES[code]) || 'pending';
}
