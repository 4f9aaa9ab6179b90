import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ShotOutcome } from '../../src/shared/events';
import {
  batchParts,
  emptyCounts,
  SHOT_STATE,
  SHOT_STATES,
  stateOfOutcome,
  summaryParts,
} from '../../src/shared/shotState';

describe('the shot state vocabulary', () => {
  it('has the nine states, each with one label and one icon', () => {
    assert.deepEqual(
      [...SHOT_STATES],
      ['not-rendered', 'stale', 'queued', 'running', 'done', 'cached', 'failed', 'canceled', 'invalid'],
    );
    const labels = SHOT_STATES.map((s) => SHOT_STATE[s].label);
    assert.equal(new Set(labels).size, labels.length, 'no two states read the same');
    for (const s of SHOT_STATES) assert.match(SHOT_STATE[s].icon, /^[a-z-]+(~spin)?$/);
  });

  it('summarises a fresh project as not rendered (never as stale), in shots', () => {
    const c = emptyCounts();
    c['not-rendered'] = 24;
    assert.deepEqual(summaryParts(c), ['24 shots', '24 not rendered']);
  });

  it('says "up to date" only when nothing needs a render or is invalid', () => {
    const c = emptyCounts();
    c.done = 14;
    c.cached = 1;
    assert.deepEqual(summaryParts(c), ['15 shots', 'up to date']);
    c.invalid = 10;
    assert.deepEqual(summaryParts(c), ['25 shots', '10 invalid']);
  });

  it('words a canceled batch as canceled, in the same words as the summary', () => {
    const shots = { total: 24, rendered: 3, cached: 0, skipped: 2, failed: 0, canceled: 19 };
    assert.deepEqual(batchParts(shots), ['3 done', '19 canceled', '2 up to date']);
    const c = emptyCounts();
    c.canceled = 19;
    c.done = 5;
    assert.deepEqual(summaryParts(c), ['24 shots', '19 canceled']);
  });

  it('maps every engine outcome to a state (a skipped shot keeps its own)', () => {
    const map: Record<ShotOutcome, string | undefined> = {
      rendered: 'done',
      cached: 'cached',
      partial: 'failed',
      failed: 'failed',
      canceled: 'canceled',
      skipped: undefined,
    };
    for (const [o, s] of Object.entries(map)) assert.equal(stateOfOutcome(o as ShotOutcome), s);
  });
});
