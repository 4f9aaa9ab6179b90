// How each shot state reads on a card, and the groups the status filter offers. The words are the shared
// vocabulary's (src/shared/shotState.ts), so a card, the tree, the status bar and the CLI agree.
import { SHOT_STATE, SHOT_STATES, type ShotState } from '../../src/shared/shotState';

export const STATUS_LABEL: Readonly<Record<ShotState, string>> = Object.fromEntries(
  SHOT_STATES.map((s) => [s, SHOT_STATE[s].label]),
) as Record<ShotState, string>;

/** States whose card shows the live progress strip. */
export const ACTIVE: ReadonlySet<ShotState> = new Set(SHOT_STATES.filter((s) => SHOT_STATE[s].live));

/** States whose reason is an error worth showing on the card, not only in the tooltip. */
export const PROBLEM: ReadonlySet<ShotState> = new Set(['failed', 'invalid']);

/** Needs a render ("Render Stale" picks it): the shared `todo` flag. */
export const NEEDS_RENDER: ReadonlySet<ShotState> = new Set(SHOT_STATES.filter((s) => SHOT_STATE[s].todo));

export interface StatusFilterOption {
  value: string;
  label: string;
  statuses: ReadonlySet<ShotState>;
}

export const STATUS_FILTERS: readonly StatusFilterOption[] = [
  {
    value: 'needs-render',
    label: 'Needs render',
    statuses: new Set([...NEEDS_RENDER, 'failed']),
  },
  { value: 'active', label: 'Queued or rendering', statuses: ACTIVE },
  { value: 'problems', label: 'Failed or invalid', statuses: PROBLEM },
  { value: 'rendered', label: 'Rendered', statuses: new Set(['done', 'cached']) },
  ...SHOT_STATES.map((s) => ({
    value: s,
    label: `Status: ${STATUS_LABEL[s]}`,
    statuses: new Set([s]),
  })),
];

/** Sort weight for "sort by status": what needs attention first. */
export const STATUS_ORDER: Readonly<Record<ShotState, number>> = {
  failed: 0,
  invalid: 1,
  running: 2,
  queued: 3,
  stale: 4,
  'not-rendered': 5,
  canceled: 6,
  cached: 7,
  done: 8,
};
