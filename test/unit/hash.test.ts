import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../../src/core/util/hash';

/** The first implementation, kept as the reference: recorded input hashes were made with it. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

describe('canonicalJson', () => {
  it('writes exactly what the first implementation wrote (recorded hashes stay valid)', () => {
    const values: unknown[] = [
      null,
      0,
      -1.5e-7,
      'a"b\\n\u2028',
      true,
      [],
      {},
      [1, undefined, null, { b: 2, a: [3, { d: undefined, c: 'x' }] }],
      { z: 1, Z: 2, é: 3, e: 4, '10': 5, '9': 6, '': 7, undef: undefined, nested: { y: [], x: {} } },
      {
        v: 1,
        provider: 'draft',
        params: { guidance_scale: 3.5, steps: 28 },
        refs: [{ role: 'cast', sha256: 'ab' }],
      },
      new Date(0),
    ];
    for (const v of values) assert.equal(canonicalJson(v), reference(v), JSON.stringify(v));
  });
});
