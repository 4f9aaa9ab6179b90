// A cheap shape check on what the host sends, so a bad message is logged instead of blanking the view.
import type { StoryboardDelta, StoryboardSnapshot } from '../../src/shared/protocol';
import { isRecord } from '../common/guards';

function isRow(r: unknown): boolean {
  return Array.isArray(r) && r.length >= 8 && typeof r[0] === 'string' && typeof r[2] === 'string';
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
    Array.isArray(v['shots']) &&
    v['shots'].every(isRow)
  );
}

export function isStoryboardDelta(v: unknown): v is StoryboardDelta {
  return (
    isRecord(v) &&
    typeof v['from'] === 'number' &&
    typeof v['rev'] === 'number' &&
    (v['rows'] === undefined || (Array.isArray(v['rows']) && v['rows'].every(isRow))) &&
    (v['order'] === undefined || Array.isArray(v['order'])) &&
    (v['strings'] === undefined || Array.isArray(v['strings'])) &&
    (v['live'] === undefined || isRecord(v['live']))
  );
}
