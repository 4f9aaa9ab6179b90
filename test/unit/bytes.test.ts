import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesLabel } from '../../src/core/util/bytes';

describe('byte limits in messages', () => {
  it('says a small limit in KiB or bytes, never "0 MiB"', () => {
    assert.equal(bytesLabel(16 * 2 ** 20), '16 MiB');
    assert.equal(bytesLabel(1.5 * 2 ** 20), '1.5 MiB');
    assert.equal(bytesLabel(300 * 1024), '300 KiB');
    assert.equal(bytesLabel(200), '200 bytes');
  });
});
