import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { linesOf, scanProject } from '../../src/core/project/scan';

describe('scanProject', () => {
  it('finds each shot object where a JSON parser does, past comments, strings and look-alike keys', () => {
    const text = `{
  // "shots": [ { "not": "this" } ]
  "title": "shots: [ {",
  "scenes": [ { "id": "s", "shots": [ { "id": "nested" } ] } ],
  /* "shots": [] */
  "shots" : [
    { "id": "a", "prompt": "{ [ \\" ] }" },
    {"id":"b","prompt":"x","render":{"outputs":[{"variation":1}]}}
  ],
  "cast": [ { "id": "c" } ]
}`;
    const tree = parseTree(text)!;
    const expected = (findNodeAtLocation(tree, ['shots'])?.children ?? []).map((n) => n.offset);
    const scan = scanProject(text);
    assert.equal(scan.tooDeepAt, -1);
    assert.deepEqual(scan.shotStarts, expected);
    assert.deepEqual(linesOf(text, scan.shotStarts), [6, 7]);
  });

  it('stops at the first bracket past the nesting limit', () => {
    const deep = `{"shots":${'['.repeat(100)}${']'.repeat(100)}}`;
    assert.equal(scanProject(deep, 64).tooDeepAt, 9 + 63);
  });
});

describe('scanProject on escapes', () => {
  it('ends a string only at an unescaped quote', () => {
    const text = '{"title": "a \\\\", "shots": [{"id": "x\\\\\\"{"}, {"id": "y"}]}';
    const tree = parseTree(text)!;
    const expected = (findNodeAtLocation(tree, ['shots'])?.children ?? []).map((n) => n.offset);
    assert.equal(expected.length, 2);
    assert.deepEqual(scanProject(text).shotStarts, expected);
  });
});
