// The write-back edits project.json as pieces of bytes (RopeText) and computes each shot's edits
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

/** Characters of every UTF-8 length: ASCII, 2-byte (é), 3-byte (— and ‘’), 4-byte (an emoji: two UTF-16 units). */
const ALPHABETS = { ascii: ['a', 'b', ' ', '"', '\n'], utf8: ['a', 'é', '—', '‘', '😀', '\n', '"'] };

/** Random non-overlapping edits of `text`, none cutting a 4-byte character (no JSON edit does). */
function randomEdits(rand: () => number, text: string, alphabet: readonly string[]): TextEdit[] {
  const edits: TextEdit[] = [];
  const length = text.length;
  const whole = (i: number) =>
    i < length && text.charCodeAt(i) >= 0xdc00 && text.charCodeAt(i) <= 0xdfff ? i + 1 : i;
  let at = 0;
  while (at < length && edits.length < 6) {
    const offset = whole(at + Math.floor(rand() * Math.min(40, length - at)));
    const len = whole(offset + Math.floor(rand() * Math.min(5, length - offset))) - offset;
    if (offset + len > length) break;
    const word = Array.from(
      { length: 1 + Math.floor(rand() * 6) },
      () => alphabet[Math.floor(rand() * alphabet.length)],
    ).join('');
    const content = rand() < 0.3 ? '' : `<${word}>`;
    edits.push({ offset, length: len, content });
    at = offset + len + 1;
  }
  return edits.sort(() => rand() - 0.5); // any order: the rope sorts them, as applyEdits does
}

describe('RopeText', () => {
  for (const [name, alphabet] of Object.entries(ALPHABETS))
    it(`after many rounds of edits, holds exactly the edited string (${name}): slices, length, bytes`, () => {
      const rand = seededRandom(11);
      let text = Array.from(
        { length: 40 },
        (_, i) => `line ${i}: {"id": "s${i}", "p": "${alphabet.join('')}"}\n`,
      ).join('');
      let rope = RopeText.of(Buffer.from(text, 'utf8'), text)!;
      for (let round = 0; round < 200; round++) {
        const edits = randomEdits(rand, text, alphabet);
        text = applyEdits(text, edits);
        rope = rope.edited(edits)!;
        assert.ok(rope, `round ${round}: an edit between characters is always taken`);
        assert.equal(rope.length, text.length);
        for (let k = 0; k < 5; k++) {
          const a = Math.floor(rand() * (text.length + 4)) - 2;
          const b = a + Math.floor(rand() * 80);
          // any cut, the middle of an emoji included: the same units String.prototype.slice gives
          assert.equal(rope.slice(a, b), text.slice(Math.max(0, a), b), `round ${round} slice ${a}..${b}`);
        }
        assert.deepEqual(Buffer.concat(rope.pieces), Buffer.from(text, 'utf8'));
        if (round % 50 === 49) assert.equal(rope.compact(Buffer.from(text, 'utf8')), true);
      }
      assert.equal(textOf(rope), text);
      assert.ok(sameText(rope, text) && !sameText(rope, `${text} `));
    });

  it('finds offsets far into a large UTF-8 file through its block table, not from the start', () => {
    const line = (i: number) => `{"id": "s${i}", "prompt": "café — ‘night’ 😀 ${i}"},\n`;
    const text = Array.from({ length: 20_000 }, (_, i) => line(i)).join('');
    const rope = RopeText.of(Buffer.from(text, 'utf8'), text)!;
    const at = text.indexOf('"s19990"');
    const edited = rope.edited([{ offset: at, length: 8, content: '"ß19990"' }])!;
    assert.equal(
      edited.slice(at - 30, at + 40),
      applyEdits(text, [{ offset: at, length: 8, content: '"ß19990"' }]).slice(at - 30, at + 40),
    );
    assert.equal(
      Buffer.concat(edited.pieces).toString('utf8'),
      text.slice(0, at) + '"ß19990"' + text.slice(at + 8),
    );
  });

  it('will not cut a 4-byte character in two, and takes no bytes that are not UTF-8', () => {
    const rope = RopeText.of(Buffer.from('{"a": "😀"}'))!;
    assert.equal(rope.edited([{ offset: 8, length: 1, content: 'x' }]), undefined, 'inside the emoji');
    assert.ok(rope.edited([{ offset: 7, length: 2, content: 'x' }]), 'the whole emoji');
    assert.equal(RopeText.of(Buffer.from([0x7b, 0xff, 0x7d])), undefined);
  });

  it('compacts only to the same bytes, and reads the same after', () => {
    const rope = RopeText.of(Buffer.from('{"a": 1}'))!.edited([{ offset: 6, length: 1, content: '22' }])!;
    assert.equal(rope.compact(Buffer.from('{"a": 2')), false, 'a wrong length is refused');
    assert.equal(rope.compact(Buffer.from('{"a": 22}')), true);
    assert.equal(rope.pieces.length, 1);
    assert.equal(rope.slice(0, 100), '{"a": 22}');
  });

  it('refuses overlapping edits and edits past the end', () => {
    const rope = RopeText.of(Buffer.from('0123456789'))!;
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
      const rope = RopeText.of(Buffer.from(text, 'latin1'))!;
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
