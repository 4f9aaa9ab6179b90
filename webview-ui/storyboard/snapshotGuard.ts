// A cheap shape check on what the host sends, so a bad message is logged instead of blanking the view.
import type { ShotRow, StoryboardDelta, StoryboardSnapshot } from '../../src/shared/protocol';
import { isRecord } from '../common/guards';

function isRow(r: unknown): r is ShotRow {
  return (
    Array.isArray(r) &&
    r.length >= 8 &&
    typeof r[0] === 'string' &&
    typeof r[1] === 'string' &&
    typeof r[2] === 'string' &&
    typeof r[3] === 'number' &&
    typeof r[4] === 'number' &&
    typeof r[5] === 'number' &&
    typeof r[6] === 'number' &&
    typeof r[7] === 'string'
  );
}

/** The rows of a snapshot or delta, or undefined when the text is not a list of rows. */
export function parseRows(text: string): ShotRow[] | undefined {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    return undefined;
  }
  return Array.isArray(rows) && rows.every(isRow) ? rows : undefined;
}

export function isStoryboardSnapshot(v: unknown): v is StoryboardSnapshot {
  return (
    isRecord(v) &&
    typeof v['rev'] === 'number' &&
    typeof v['root'] === 'string' &&
    typeof v['title'] === 'string' &&
    Array.isArray(v['scenes']) &&
    Array.isArray(v['strings']) &&
    isRecord(v['live']) &&
    typeof v['shots'] === 'string'
  );
}

export function isStoryboardDelta(v: unknown): v is StoryboardDelta {
  return (
    isRecord(v) &&
    typeof v['from'] === 'number' &&
    typeof v['rev'] === 'number' &&
    (v['rows'] === undefined || typeof v['rows'] === 'string') &&
    (v['order'] === undefined || Array.isArray(v['order'])) &&
    (v['strings'] === undefined || Array.isArray(v['strings'])) &&
    (v['live'] === undefined || isRecord(v['live']))
  );
}
