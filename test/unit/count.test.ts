// formatCount writes whole numbers exactly as Intl's en-US format does (the storyboard prints counts
// with it before its first paint, without paying for ICU).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatCount } from '../../src/shared/count';

it('writes whole numbers as en-US does', () => {
  const values = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10_000, 12_345, 100_000, 999_999, 1_000_000];
  for (let v = 1; v < Number.MAX_SAFE_INTEGER / 7; v = v * 7 + 3) values.push(v, -v);
  values.push(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1.5, -0.25, 1e21, Number.NaN);
  for (const v of values) assert.equal(formatCount(v), v.toLocaleString('en-US'), String(v));
});
