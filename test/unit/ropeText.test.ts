// The write-back edits an ASCII project.json as pieces of bytes (RopeText) and computes each shot's edits
// on the lines the shot sits on (lineWindow). Both must be exactly what editing the whole string gives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyEdits,
  detectFormat,
  indexShots,
  setPropertiesEdits,
  type TextEdit,
} from '../../src/core/project/edit';
import { lineWindow, RopeText, sameText, textOf } from '../../src/core/project/ropeText';
import { ShotIndex } from '../../src/core/project/shotIndex';
import { seededRandom } from '../../src/core/util/random';

/** Random non-overlapping ASCII edits of a text of `length` characters. */
function randomEdits(rand: () => number, length: number): TextEdit[] {
  const edits: TextEdit[] = [];
  let at = 0;
  while (at < length && edits.length < 6) {
    const offset = at + Math.floor(rand() * Math.min(40, length - at));
    const len = Math.floor(rand() * Math.min(5, length - offset));
    const content = rand() < 0.3 ? '' : `<${Math.floor(rand() * 1000)}>`.repeat(1 + Math.floor(rand() * 3));
    edits.push({ offset, length: len, content });
    at = offset + len + 1;
  }
  return edits.sort(() => rand() - 0.5); // any order: the rope sorts them, as applyEdits does
}

describe('RopeText', () => {
  it('after many rounds of edits, holds exactly the edited string: slices, length, bytes', () => {
    const rand = seededRandom(11);
    let text = Array.from({ length: 40 }, (_, i) => `line ${i}: {"id": "s${i}"}\n`).join('');
    let rope = RopeText.of(Buffer.from(text, 'latin1'), text);
    for (let round = 0; round < 200; round++) {
      const edits = randomEdits(rand, text.length);
      text = applyEdits(text, edits);
      rope = rope.edited(edits);
      assert.equal(rope.length, text.length);
      for (let k = 0; k < 5; k++) {
        const a = Math.floor(rand() * (text.length + 4)) - 2;
        const b = a + Math.floor(rand() * 80);
        assert.equal(rope.slice(a, b), text.slice(Math.max(0, a), b), `round ${round} slice ${a}..${b}`);
      }
      assert.deepEqual(Buffer.concat(rope.pieces), Buffer.from(text, 'latin1'));
    }
    assert.ok(rope.pieces.length > 100, 'the test did pile up pieces');
    assert.equal(textOf(rope), text);
    assert.ok(sameText(rope, text) && !sameText(rope, `${text} `));
  });

  it('compacts only to the same bytes, and reads the same after', () => {
    const rope = RopeText.of(Buffer.from('{"a": 1}')).edited([{ offset: 6, length: 1, content: '22' }]);
    assert.equal(rope.compact(Buffer.from('{"a": 2')), false, 'a wrong length is refused');
    assert.equal(rope.compact(Buffer.from('{"a": 22}')), true);
    assert.equal(rope.pieces.length, 1);
    assert.equal(rope.slice(0, 100), '{"a": 22}');
  });

  it('refuses overlapping edits and edits past the end', () => {
    const rope = RopeText.of(Buffer.from('0123456789'));
    assert.throws(() => rope.edited([{ offset: 8, length: 5, content: '' }]));
    assert.throws(() =>
      rope.edited([
        { offset: 2, length: 3, content: 'x' },
        { offset: 4, length: 1, content: 'y' },
      ]),
    );
  });
});

const LAYOUTS = [
  // pretty-printed, as Dailies and most editors write it
  (shots: object[]) => `{\n  "shots": ${JSON.stringify(shots, null, 2).replace(/\n/g, '\n  ')}\n}\n`,
  // one line for the whole file
  (shots: object[]) => JSON.stringify({ shots }),
  // one line per shot, several shots on a line, comments after the last property, CRLF
  (shots: object[]) =>
    `{\r\n\t"shots": [\r\n${shots
      .map((s, i) =>
        i % 3 === 0
          ? `\t\t${JSON.stringify(s)}, ${JSON.stringify({ id: `x${i}` })},`
          : i % 3 === 1
            ? // the last property on the line of the brace: its indent is the line's, before the shot
              `\t\t{ "id": ${JSON.stringify((s as { id: string }).id)}\r\n\t\t},`
            : `\t\t{\r\n\t\t\t"id": ${JSON.stringify((s as { id: string }).id)},\r\n\t\t\t"prompt": "p" // note\r\n\t\t},`,
      )
      .join('\r\n')}\r\n\t]\r\n}`,
];

describe('lineWindow', () => {
  it('edits computed on a shot’s own lines are the edits computed on the whole text', () => {
    const shots = Array.from({ length: 12 }, (_, i) => ({
      id: `s${i}`,
      prompt: `shot ${i}`,
      ...(i % 4 === 0 ? { render: { status: 'done' } } : {}),
    }));
    for (const layout of LAYOUTS) {
      const text = layout(shots);
      const fmt = detectFormat(text);
      const tree = indexShots(text)!;
      const index = ShotIndex.build(text)!;
      const rope = RopeText.of(Buffer.from(text, 'latin1'));
      for (const [id, whole] of tree.shots) {
        const span = index.get(id)!;
        const changes: [string, unknown][] = [
          ['render', { status: 'done', outputs: [{ variation: 1 }] }],
          ['take', 1],
        ];
        const expected = setPropertiesEdits(text, whole, changes, fmt);
        for (const source of [text, rope]) {
          const w = lineWindow(source, span.offset, span.length);
          const node = index.node(w.text, { ...span, offset: span.offset - w.start })!;
          const got = setPropertiesEdits(w.text, node, changes, fmt).map((e) => ({
            ...e,
            offset: e.offset + w.start,
          }));
          assert.deepEqual(got, expected, `${id} in ${JSON.stringify(text.slice(0, 30))}`);
          if (!text.slice(span.offset, span.offset + span.length).includes('\n'))
            assert.equal(w.text.length, span.length, 'a one-line shot needs nothing around it');
        }
      }
    }
  });
});
