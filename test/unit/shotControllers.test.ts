// One abort controller per (shot, batch), chained to the batch's signal. A finished shot must leave
// nothing on that signal: 20,000 shots each leaving a listener made every later add walk all of them
// (Node's EventTarget checks for duplicates), a cost per shot that grew with the batch, and kept every
// finished shot's controller alive until the batch ended.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { ShotControllers } from '../../src/core/render/shotControllers';

describe('ShotControllers', () => {
  it('a closed shot leaves no listener on the batch signal', () => {
    const shots = new ShotControllers();
    const batch = new AbortController();
    shots.expect('b1', ['a', 'b', 'c']);
    for (let round = 0; round < 50; round++) {
      for (const id of ['a', 'b', 'c']) shots.close(id, shots.open(id, 'b1', batch.signal));
    }
    assert.equal(getEventListeners(batch.signal, 'abort').length, 0);
  });

  it('an open shot is still aborted with its batch, and a shot canceled alone leaves the batch running', () => {
    const shots = new ShotControllers();
    const batch = new AbortController();
    shots.expect('b1', ['a', 'b']);
    const a = shots.open('a', 'b1', batch.signal);
    const b = shots.open('b', 'b1', batch.signal);
    assert.equal(shots.cancel('a'), true);
    assert.equal(a.signal.aborted, true);
    assert.equal(b.signal.aborted, false);
    assert.equal(batch.signal.aborted, false);
    shots.close('a', a);
    batch.abort();
    assert.equal(b.signal.aborted, true);
  });
});
