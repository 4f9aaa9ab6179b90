import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyEdits,
  detectFormat,
  indexShots,
  setPropertyEdits,
  shotIdOffset,
  shotLines,
} from '../../src/core/project/edit';

const record = {
  status: 'done',
  inputHash: 'f'.repeat(64),
  outputs: [{ variation: 1, image: 'renders/a/a_v1.png' }],
};

function setRender(text: string, shotId: string, value: unknown): string {
  const index = indexShots(text)!;
  const node = index.shots.get(shotId)!;
  return applyEdits(text, setPropertyEdits(text, node, 'render', value, detectFormat(text)));
}

/** Everything outside the shot's `render` must be byte-identical. */
function withoutRender(text: string): string {
  return text.replace(/,?\s*"render": \{[\s\S]*?"outputs"[\s\S]*?\]\s*\}/g, '');
}

describe('format-preserving edits', () => {
  it('inserts a render block in the file’s own indentation and keeps comments where they were', () => {
    const text = [
      '{',
      '  // production notes stay',
      '  "shots": [',
      '    {',
      '      "id": "a",',
      '      "prompt": "rain on glass" // keep me on this line',
      '    },',
      '    /* block */ { "id": "b", "prompt": "compact stays compact" }',
      '  ]',
      '}',
      '',
    ].join('\n');
    const out = setRender(setRender(text, 'a', record), 'b', record);
    assert.match(
      out,
      /"prompt": "rain on glass", \/\/ keep me on this line\n {6}"render": \{\n {8}"status": "done",/,
    );
    assert.match(out, /\{ "id": "b", "prompt": "compact stays compact", "render": \{"status":"done",/);
    assert.ok(out.includes('  // production notes stay'));
    assert.ok(out.includes('/* block */'));
    assert.equal(
      JSON.parse(out.replace(/\/\/.*$/gm, '').replace(/\/\*.*?\*\//g, '')).shots[0].render.status,
      'done',
    );
  });

  it('replaces an existing render value and touches nothing else', () => {
    const text =
      '{\n\t"shots": [\n\t\t{\n\t\t\t"id": "a",\n\t\t\t"render": { "status": "failed" },\n\t\t\t"prompt": "x"\n\t\t}\n\t]\n}\n';
    const out = setRender(text, 'a', record);
    assert.ok(out.includes('\t\t\t"render": {\n\t\t\t\t"status": "done",'), out);
    assert.ok(out.endsWith('\t\t\t"prompt": "x"\n\t\t}\n\t]\n}\n'));
  });

  it('keeps CRLF line endings, escapes and number spellings', () => {
    const text =
      '{\r\n  "title": "Ep\\u00e9",\r\n  "ratio": 24.0,\r\n  "big": 1e3,\r\n  "shots": [\r\n    {\r\n      "id": "a",\r\n      "prompt": "x"\r\n    }\r\n  ]\r\n}\r\n';
    const out = setRender(text, 'a', record);
    assert.ok(!/[^\r]\n/.test(out), 'only CRLF line endings');
    assert.ok(out.includes('"Ep\\u00e9"') && out.includes('24.0') && out.includes('1e3'));
    assert.equal(withoutRender(out), text);
  });

  it('detects 4-space and tab indentation', () => {
    assert.equal(detectFormat('{\n    "a": {\n        "b": 1\n    }\n}').indentUnit, '    ');
    assert.equal(detectFormat('{\n\t"a": 1\n}').indentUnit, '\t');
    assert.equal(detectFormat('{"a":1}').indentUnit, '  ');
  });

  it('removes a render block cleanly, first, middle or last', () => {
    const base = '{\n  "shots": [\n    {\n      "id": "a",\n      "prompt": "x"\n    }\n  ]\n}\n';
    const rendered = setRender(base, 'a', record);
    assert.equal(setRender(rendered, 'a', undefined), base);
    const middle = '{ "shots": [ { "id": "a", "render": {"status":"done"}, "prompt": "x" } ] }';
    assert.equal(setRender(middle, 'a', undefined), '{ "shots": [ { "id": "a", "prompt": "x" } ] }');
  });

  it('finds shots by id, not position, and applies many edits in one pass', () => {
    const shots = Array.from({ length: 3000 }, (_, i) => ({ id: `s${i}`, prompt: `p${i}` }));
    const text = JSON.stringify({ shots }, null, 2);
    const index = indexShots(text)!;
    const fmt = detectFormat(text);
    const edits = [...index.shots.entries()]
      .reverse()
      .flatMap(([, node]) => setPropertyEdits(text, node, 'render', record, fmt));
    const out = JSON.parse(applyEdits(text, edits)) as { shots: { id: string; render: unknown }[] };
    assert.equal(out.shots.length, 3000);
    assert.ok(out.shots.every((s) => (s.render as { status: string }).status === 'done'));
  });
});

describe('carrying a lost save forward', () => {
  it('diffRegion finds the one changed region; mapThrough moves it past other edits, refusing overlaps', async () => {
    const { diffRegion, mapThrough } = await import('../../src/core/project/write');
    const a = '{"notes": "", "render": {}, "x": 1}';
    const b = '{"notes": "[edit 3]", "render": {}, "x": 1}';
    const user = diffRegion(a, b)!;
    assert.deepEqual(user, { offset: 11, length: 0, content: '[edit 3]' });
    assert.equal(diffRegion(a, a), undefined);
    // Ours replaced the render value after the user's region: the user's change keeps its offset.
    const ours = { offset: a.indexOf('{}'), length: 2, content: '{"status":"done"}' };
    assert.deepEqual(mapThrough(user, [ours]), user);
    const mine = applyEdits(a, [ours]);
    assert.equal(
      applyEdits(mine, [mapThrough(user, [ours])!]),
      '{"notes": "[edit 3]", "render": {"status":"done"}, "x": 1}',
    );
    // An edit before the region shifts it; one that overlaps it cannot be carried.
    assert.equal(mapThrough(user, [{ offset: 1, length: 7, content: '"n"' }])!.offset, 7);
    assert.equal(mapThrough(user, [{ offset: 5, length: 10, content: '' }]), undefined);
  });
});

describe('locating shots in the text', () => {
  const text = `{
  "scenes": [{ "id": "s1", "title": "Platform" }],
  "shots": [
    { "id": "a", "prompt": "x" },
    {
      "id": "s1",
      "prompt": "a shot named like a scene"
    }
  ]
}
`;

  it('finds a shot by its id, never a scene or cast member with the same id', () => {
    const offset = shotIdOffset(text, 's1')!;
    assert.equal(text.slice(offset, offset + 10), '"id": "s1"');
    assert.equal(shotLines(text).get('s1'), 4, 'the shot object starts on line 5 (0-based 4)');
    assert.equal(shotLines(text).get('a'), 3);
    assert.equal(shotIdOffset(text, 'nope'), undefined);
  });

  it('refuses text nested too deep to parse instead of overflowing the stack', () => {
    const deep = `{"shots":[{"id":"a","params":${'['.repeat(20_000)}${']'.repeat(20_000)}}]}`;
    assert.equal(indexShots(deep), undefined);
    assert.equal(shotLines(deep).size, 0);
    assert.equal(shotIdOffset(deep, 'a'), undefined);
  });
});
