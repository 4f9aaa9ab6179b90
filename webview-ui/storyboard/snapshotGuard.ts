// A cheap shape check on what the host sends, so a bad message is logged instead of blanking the view.
import type { StoryboardSnapshot } from '../../src/shared/protocol';
import { isRecord } from '../common/guards';

export function isStoryboardSnapshot(v: unknown): v is StoryboardSnapshot {
  return (
    isRecord(v) &&
    Array.isArray(v['shots']) &&
    Array.isArray(v['scenes']) &&
    typeof v['title'] === 'string' &&
    v['shots'].every((s) => isRecord(s) && typeof s['id'] === 'string' && typeof s['index'] === 'number')
  );
}
