// The write-back's shot index must find exactly what a full parse tree finds (indexShots), in valid,
// commented, odd and half-typed files, and must follow our own edits without a re-parse.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyEdits,
  detectFormat,
  indexShots,
  setPropertyEdits,
  type TextEdit,
} from '../../src/core/project/edit';
import { ShotIndex } from '../../src/core/project/shotIndex';
import { seededRandom } from '../../src/core/util/random';

function fromTree(text: string): Map<string, [number, number]> | undefined {
  const index = indexShots(text);
  if (!index) return undefined;
  return new Map([...index.shots].map(([id, n]) => [id, [n.offset, n.length]]));
}

function fromIndex(text: string): Map<string, [number, number]> | undefined {
  const index = ShotIndex.build(text);
  if (!index) return undefined;
  const out = new Map<string, [number, number]>();
  for (const id of fromTree(text)?.keys() ?? []) {
    const s = index.get(id);
    if (s) out.set(id, [s.offset, s.length]);
  }
  assert.equal(index.size, out.size, 'the index has no shot the tree lacks');
  return out;
}

const SAMPLES = [
  '{"shots":[{"id":"a","prompt":"x"},{"id":"b","prompt":"y"}]}',
  '{\n  // c\n  "shots": [\n    /* b */ { "id": "a", "prompt": "x", }, // t\n    {"prompt": "no id"},\n    {"id": 3},\n    {"id": {"x": 1}},\n    [1, 2],\n    "str",\n    {"id": "a", "prompt": "dup"},\n    {"notid": "q", "id": "c", "id": "d"}\n  ],\n}\n',
  '{"title": "t", "cast": [{"id": "a"}], "scenes": [{"id": "a"}], "shots": [{"id": "s", "render": {"id": "r"}, "params": [{"id": "p"}]}]}',
  '{"shots": {"id": "x"}, "other": [{"id": "y"}]}',
  '{"shots": [{"id": "a"}], "shots": [{"id": "b"}]}',
  '{"nested": {"shots": [{"id": "a"}]}}',
  '[{"shots": [{"id": "a"}]}]',
  '{"shots": [{"\\u0069d": "esc", "prompt": "key written with an escape"}]}',
  '{"shots": [{"id": "a\\"b", "prompt": "quote in id"}]}',
  '',
  '   ',
  '{"shots": [{"id": "a", "prompt": "x"}, {"id": "b", ',
  '{"shots": [{"id": "a", "prompt": "x"}]} {"shots": [{"id": "z"}]}',
];

describe('ShotIndex', () => {
  it('finds the same shots, at the same offsets, as a full parse tree', () => {
    for (const text of SAMPLES) assert.deepEqual(fromIndex(text), fromTree(text), text);
  });

  it('agrees with the parse tree on every prefix of a commented file (half-typed saves)', () => {
    const text = SAMPLES[1]!;
    for (let cut = 0; cut <= text.length; cut++) {
      const t = text.slice(0, cut);
      assert.deepEqual(fromIndex(t), fromTree(t), JSON.stringify(t));
    }
  });

  it('refuses text nested too deep to parse', () => {
    assert.equal(
      ShotIndex.build(`{"shots":[{"id":"a","p":${'['.repeat(5000)}${']'.repeat(5000)}}]}`),
      undefined,
    );
  });

  it('follows our edits: the shifted index equals a fresh one, for any mix of inserts and removals', () => {
    const rand = seededRandom(7);
    const shots = Array.from({ length: 60 }, (_, i) => ({
      id: `s${i}`,
      prompt: `prompt ${i} ü`,
      ...(i % 3 === 0 ? { render: { status: 'done', outputs: [] } } : {}),
    }));
    let text = `{\n  // keep\n  "shots": ${JSON.stringify(shots, null, 2).replace(/\n/g, '\n  ')}\n}\n`;
    let index = ShotIndex.build(text)!;
    const fmt = detectFormat(text);
    for (let round = 0; round < 20; round++) {
      const edits: { id: string; list: TextEdit[] }[] = [];
      for (let k = 0; k < 5; k++) {
        const id = `s${Math.floor(rand() * 60)}`;
        if (edits.some((e) => e.id === id)) continue;
        const node = index.node(text, index.get(id)!)!;
        const value = rand() < 0.3 ? undefined : { status: 'done', round, outputs: [{ variation: 1 }] };
        edits.push({ id, list: setPropertyEdits(text, node, 'render', value, fmt) });
      }
      const flat = edits.flatMap((e) => e.list);
      text = applyEdits(text, flat);
      index = index.shifted(flat);
      assert.deepEqual(fromIndex(text), fromTree(text));
      const fresh = ShotIndex.build(text)!;
      for (let i = 0; i < 60; i++)
        assert.deepEqual(index.get(`s${i}`), fresh.get(`s${i}`), `round ${round} s${i}`);
    }
    assert.ok(text.includes('// keep'));
  });
});
