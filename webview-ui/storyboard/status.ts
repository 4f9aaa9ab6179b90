// How each shot status reads in the UI, and the groups the status filter offers.
import type { ShotStatus } from '../../src/shared/protocol';

export const STATUS_LABEL: Record<ShotStatus, string> = {
  fresh: 'up to date',
  stale: 'stale',
  never: 'not rendered',
  queued: 'queued',
  running: 'rendering',
  cached: 'cached',
  done: 'done',
  partial: 'partial',
  failed: 'failed',
  canceled: 'canceled',
  invalid: 'invalid',
};

/** Statuses whose card shows the live progress strip. */
export const ACTIVE: ReadonlySet<ShotStatus> = new Set(['queued', 'running']);

/** Statuses whose reason is an error worth showing on the card, not only in the tooltip. */
export const PROBLEM: ReadonlySet<ShotStatus> = new Set(['failed', 'partial', 'invalid']);

/** Needs a render: counted as "stale" in the summary. */
export const NEEDS_RENDER: ReadonlySet<ShotStatus> = new Set(['stale', 'never']);

export interface StatusFilterOption {
  value: string;
  label: string;
  statuses: ReadonlySet<ShotStatus>;
}

export const STATUS_FILTERS: readonly StatusFilterOption[] = [
  {
    value: 'needs-render',
    label: 'Needs render',
    statuses: new Set(['stale', 'never', 'failed', 'partial']),
  },
  { value: 'active', label: 'Queued or rendering', statuses: ACTIVE },
  { value: 'problems', label: 'Failed or invalid', statuses: PROBLEM },
  { value: 'rendered', label: 'Rendered', statuses: new Set(['fresh', 'done', 'cached']) },
  ...(Object.keys(STATUS_LABEL) as ShotStatus[]).map((s) => ({
    value: s,
    label: `Status: ${STATUS_LABEL[s]}`,
    statuses: new Set([s]),
  })),
];

/** Sort weight for "sort by status": what needs attention first. */
export const STATUS_ORDER: Record<ShotStatus, number> = {
  failed: 0,
  invalid: 1,
  partial: 2,
  running: 3,
  queued: 4,
  stale: 5,
  never: 6,
  canceled: 7,
  cached: 8,
  done: 9,
  fresh: 10,
};
