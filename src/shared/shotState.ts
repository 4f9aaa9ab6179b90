// The one vocabulary of shot states. The tree, the status bar, the storyboard, the CLI and the toasts all
// say a shot is in one of these states, with these words and icons, and they count shots (never
// variations, which are a detail of a shot). Nothing here may import vscode or the DOM.

import { formatCount } from './count';
import type { BatchSummary, ShotOutcome } from './events';

export const SHOT_STATES = [
  'not-rendered',
  'stale',
  'queued',
  'running',
  'done',
  'cached',
  'failed',
  'canceled',
  'invalid',
] as const;

export type ShotState = (typeof SHOT_STATES)[number];

export interface ShotStateInfo {
  /** The word every surface uses: "3 stale", "stale", "Shot s01-010, stale". */
  label: string;
  /** A codicon id (the webviews ship the codicon font, the tree uses ThemeIcon). */
  icon: string;
  /** A theme color id for the icon, when the state deserves one. */
  color?: string;
  /** Needs a render: "Render Stale" picks it, the summary does not say "up to date" while one is. */
  todo: boolean;
  /** Part of a running batch. */
  live: boolean;
  /** Something the user has to act on (shown as a warning in summaries). */
  problem: boolean;
}

export const SHOT_STATE: Readonly<Record<ShotState, ShotStateInfo>> = {
  'not-rendered': {
    label: 'not rendered',
    icon: 'circle-large-outline',
    todo: true,
    live: false,
    problem: false,
  },
  stale: {
    label: 'stale',
    icon: 'circle-large-outline',
    color: 'list.warningForeground',
    todo: true,
    live: false,
    problem: false,
  },
  queued: { label: 'queued', icon: 'clock', todo: false, live: true, problem: false },
  running: {
    label: 'rendering',
    icon: 'sync~spin',
    color: 'progressBar.background',
    todo: false,
    live: true,
    problem: false,
  },
  done: {
    label: 'done',
    icon: 'pass-filled',
    color: 'testing.iconPassed',
    todo: false,
    live: false,
    problem: false,
  },
  cached: {
    label: 'cached',
    icon: 'database',
    color: 'testing.iconPassed',
    todo: false,
    live: false,
    problem: false,
  },
  failed: {
    label: 'failed',
    icon: 'error',
    color: 'list.errorForeground',
    todo: true,
    live: false,
    problem: true,
  },
  canceled: { label: 'canceled', icon: 'circle-slash', todo: true, live: false, problem: false },
  invalid: {
    label: 'invalid',
    icon: 'warning',
    color: 'list.errorForeground',
    todo: false,
    live: false,
    problem: true,
  },
};

/** The order of a summary: what is happening, then what needs the user, then what needs a render. */
const SUMMARY_ORDER: readonly ShotState[] = [
  'running',
  'queued',
  'failed',
  'invalid',
  'canceled',
  'stale',
  'not-rendered',
];

export type ShotCounts = Record<ShotState, number>;

export function emptyCounts(): ShotCounts {
  const out = {} as ShotCounts;
  for (const s of SHOT_STATES) out[s] = 0;
  return out;
}

export function totalOf(counts: ShotCounts): number {
  let n = 0;
  for (const s of SHOT_STATES) n += counts[s];
  return n;
}

/** "24 shots", "1 shot". */
export function shotsText(n: number): string {
  return `${formatCount(n)} shot${n === 1 ? '' : 's'}`;
}

/** `["24 shots", "2 failed", "3 stale"]`, or `["24 shots", "up to date"]` when every shot is done. */
export function summaryParts(counts: ShotCounts): string[] {
  const parts = [shotsText(totalOf(counts))];
  for (const s of SUMMARY_ORDER)
    if (counts[s]) parts.push(`${formatCount(counts[s])} ${SHOT_STATE[s].label}`);
  if (parts.length === 1 && totalOf(counts) > 0) parts.push('up to date');
  return parts;
}

export function hasProblems(counts: ShotCounts): boolean {
  return SHOT_STATES.some((s) => SHOT_STATE[s].problem && counts[s] > 0);
}

/** The state a finished shot is in; undefined for a shot the batch skipped (it keeps its state). */
export function stateOfOutcome(outcome: ShotOutcome): ShotState | undefined {
  switch (outcome) {
    case 'rendered':
      return 'done';
    case 'cached':
      return 'cached';
    case 'partial':
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    case 'skipped':
      return undefined;
  }
}

/** A finished batch in the same words: `["3 done", "1 cached", "19 canceled", "2 up to date"]`. */
export function batchParts(shots: BatchSummary['shots']): string[] {
  const parts: string[] = [];
  const add = (n: number, label: string) => {
    if (n) parts.push(`${formatCount(n)} ${label}`);
  };
  add(shots.rendered, SHOT_STATE.done.label);
  add(shots.cached, SHOT_STATE.cached.label);
  add(shots.failed, SHOT_STATE.failed.label);
  add(shots.canceled, SHOT_STATE.canceled.label);
  add(shots.skipped, 'up to date');
  return parts.length ? parts : [`0 ${SHOT_STATE.done.label}`];
}
