// Review in project.json: the circled-take rule, warnings at their line for bad review data (never a
// blocked project, never a rewrite), and circling / approving / notes as one minimal, format-keeping,
// locked write for any number of shots — refusing, never resetting, what it cannot safely extend.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, detectFormat, indexShots, setPropertiesEdits } from '../../src/core/project/edit';
import { parseProjectText } from '../../src/core/project/load';
import type { RenderRecord } from '../../src/core/project/schema';
import { FileProjectIO, type ProjectIO, ProjectWriter } from '../../src/core/project/write';
import { applyReview, circledOutput, circledTake, readReview } from '../../src/core/review';
import { reopenAfterRender } from '../../src/core/review/reviewEdits';
import { tempDir } from '../helpers/tempProject';

const CTX = { who: 'Ana Reviewer', at: '2026-03-01T10:00:00.000Z' };

function record(id: string, variations: number): RenderRecord {
  return {
    status: 'done',
    inputHash: 'a'.repeat(64),
    provider: 'draft',
    model: 'draft/storyboard',
    outputs: Array.from({ length: variations }, (_, i) => ({
      variation: i + 1,
      image: `renders/${id}/${id}_v${i + 1}.png`,
      thumb: `renders/${id}/${id}_v${i + 1}.thumb.webp`,
      sha256: String(i + 1).repeat(64),
    })),
    renderedAt: '2026-02-01T00:00:00.000Z',
  };
}

/** A hand-written file: comments, a one-line shot, CRLF-free, odd spacing the writer must keep. */
function projectText(shots: string[]): string {
  return `{
  // the crew's project
  "dailies": 1,
  "shots": [
${shots.join(',\n')}
  ]
}
`;
}

function shotText(id: string, extra = ''): string {
  return `    {
      "id": "${id}",
      "prompt": "A wide shot of ${id}" // director: keep it wide
      , "render": ${JSON.stringify(record(id, 3))}${extra}
    }`;
}

async function tempProject(text: string): Promise<string> {
  const file = path.join(tempDir('dailies-review-'), 'project.json');
  await fs.writeFile(file, text);
  return file;
}

/** Counts the writes that reach the file. */
class CountingIO extends FileProjectIO {
  writes = 0;
  override async write(before: string, after: string) {
    this.writes++;
    return super.write(before, after);
  }
}

function writerFor(io: ProjectIO, file: string): ProjectWriter {
  return new ProjectWriter(io, { validate: (t) => parseProjectText(t, file) });
}

const parsed = (text: string) => {
  const r = parseProjectText(text, 'project.json');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r;
};

describe('circled take', () => {
  const outputs = record('a', 3).outputs;
  it('is the take when it names a rendered variation', () => {
    assert.equal(circledTake({ take: 2, render: { outputs } }), 2);
    assert.equal(circledOutput({ take: 3, render: { outputs } })?.variation, 3);
  });
  it('is variation 1 when none is circled or the take was not rendered', () => {
    assert.equal(circledTake({ render: { outputs } }), 1);
    assert.equal(circledTake({ take: 7, render: { outputs } }), 1);
    assert.equal(circledTake({ take: 2 }), 1);
    assert.equal(circledTake({ take: '2', render: { outputs } }), 1);
  });
  it('shows the first rendered output when variation 1 is missing (a partial render)', () => {
    assert.equal(circledOutput({ render: { outputs: outputs.slice(1) } })?.variation, 2);
    assert.equal(circledOutput({}), undefined);
  });
});

describe('review data in project.json', () => {
  it('reports a bad take, an unknown status and notes that are not text as warnings at their line', () => {
    const text = projectText([
      shotText('s1', ',\n      "take": 5'),
      shotText(
        's2',
        ',\n      "review": {\n        "status": "aproved",\n        "notes": [\n          "fine",\n          42,\n          { "text": 7 },\n          { "text": "ok", "author": false }\n        ]\n      }',
      ),
    ]);
    const r = parsed(text);
    const issues = r.issues.map((i) => ({ path: i.path, line: i.line, severity: i.severity, code: i.code }));
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    assert.deepEqual(issues, [
      { path: 'shots[0].take', line: lineOf('"take": 5'), severity: 'warning', code: 'take' },
      {
        path: 'shots[1].review.status',
        line: lineOf('"aproved"'),
        severity: 'warning',
        code: 'review-status',
      },
      {
        path: 'shots[1].review.notes[1]',
        line: lineOf('          42'),
        severity: 'warning',
        code: 'review-note',
      },
      {
        path: 'shots[1].review.notes[2].text',
        line: lineOf('"text": 7'),
        severity: 'warning',
        code: 'review-note',
      },
      {
        path: 'shots[1].review.notes[3].author',
        line: lineOf('"author": false'),
        severity: 'warning',
        code: 'review-note',
      },
    ]);
    assert.match(r.issues[0]!.message, /take 5 names no rendered variation \(rendered: 1, 2, 3\)/);
    assert.deepEqual(r.issues[1]!.suggestions?.[0], 'approved');
    // Read leniently, never reset: the shot counts as pending, its readable notes are kept.
    const review = readReview(r.project.shots[1]!.review);
    assert.equal(review.status, 'pending');
    assert.equal(review.unknownStatus, 'aproved');
    assert.deepEqual(
      review.notes.map((n) => n.text),
      ['fine', 'ok'],
    );
    assert.equal(circledTake(r.project.shots[0]!), 1);
  });

  it('a take of the wrong type is a schema error at its line, like any other number', () => {
    const text = projectText([shotText('s1', ',\n      "take": "two"')]);
    const r = parseProjectText(text, 'project.json');
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.issues[0]?.path, 'shots[0].take');
  });
});

describe('setPropertiesEdits', () => {
  const cases: [string, string][] = [
    [
      'multi-line with a trailing comment',
      '{\n  "shots": [\n    {\n      "id": "a",\n      "prompt": "p" // keep\n    }\n  ]\n}\n',
    ],
    ['one line', '{ "shots": [ { "id": "a", "prompt": "p" } ] }'],
    [
      'CRLF and tabs',
      '{\r\n\t"shots": [\r\n\t\t{\r\n\t\t\t"id": "a",\r\n\t\t\t"prompt": "p"\r\n\t\t}\r\n\t]\r\n}\r\n',
    ],
  ];
  for (const [name, text] of cases) {
    it(`inserts several new properties at once (${name})`, () => {
      const node = indexShots(text)!.shots.get('a')!;
      const edits = setPropertiesEdits(
        text,
        node,
        [
          ['take', 2],
          ['review', { status: 'approved' }],
        ],
        detectFormat(text),
      );
      const after = applyEdits(text, edits);
      const shot = parsed(after.replace(/}\s*$/, '}')).project.shots[0]!;
      assert.equal(shot.take, 2);
      assert.deepEqual(shot.review, { status: 'approved' });
      if (text.includes('// keep')) assert.ok(after.includes('"prompt": "p", // keep\n'), after);
      if (text.includes('\r\n')) assert.ok(!/[^\r]\n/.test(after), 'a bare LF crept into a CRLF file');
    });
  }
});

describe('circling and reviewing in project.json', () => {
  it('circles a take and approves with a note in one minimal edit; everything else byte for byte', async () => {
    const text = projectText([shotText('s1'), shotText('s2')]);
    const file = await tempProject(text);
    const io = new CountingIO(file);
    const w = writerFor(io, file);
    const circled = await applyReview(w, ['s1'], { kind: 'circle', take: 2 }, CTX);
    assert.deepEqual(circled, { written: ['s1'], missing: [], refused: [] });
    const approved = await applyReview(
      w,
      ['s1', 's2'],
      { kind: 'status', status: 'approved', note: '  Lovely light.  ' },
      CTX,
    );
    assert.deepEqual(approved.written, ['s1', 's2']);
    assert.equal(io.writes, 2);
    const after = await fs.readFile(file, 'utf8');
    const shot = parsed(after).project.shots[0]!;
    assert.equal(shot.take, 2);
    assert.deepEqual(shot.review, {
      status: 'approved',
      by: CTX.who,
      at: CTX.at,
      notes: [{ text: 'Lovely light.', author: CTX.who, at: CTX.at, status: 'approved' }],
    });
    // The user's text survives: only new properties were added after each shot's last one.
    const stripped = after
      .replace(/,\n {6}"take": 2/g, '')
      .replace(/,\n {6}"review": \{[\s\S]*?\n {6}\}/g, '');
    assert.equal(stripped, text);
  });

  it('batches 1,000 shots of a 10,000-shot project into one write', async () => {
    const n = 10_000;
    const shots = Array.from({ length: n }, (_, i) => shotText(`s${i}`));
    const file = await tempProject(projectText(shots));
    const io = new CountingIO(file);
    const w = writerFor(io, file);
    const ids = Array.from({ length: 1000 }, (_, i) => `s${i * 10}`);
    const result = await applyReview(w, ids, { kind: 'circle', take: 3 }, CTX);
    assert.equal(result.written.length, 1000);
    assert.equal(io.writes, 1);
    const project = parsed(await fs.readFile(file, 'utf8')).project;
    assert.equal(project.shots.filter((s) => s.take === 3).length, 1000);
    assert.equal(project.shots[10]!.take, 3);
    assert.equal(project.shots[11]!.take, undefined);
  });

  it('refuses a take that was never rendered, changing nothing', async () => {
    const text = projectText([shotText('s1'), shotText('s2')]);
    const file = await tempProject(text);
    const w = writerFor(new FileProjectIO(file), file);
    const circle = await applyReview(w, ['s1', 'ghost'], { kind: 'circle', take: 9 }, CTX);
    assert.deepEqual(circle.written, []);
    assert.deepEqual(circle.missing, ['ghost']);
    assert.match(circle.refused[0]?.reason ?? '', /no rendered take 9 \(rendered: 1, 2, 3\)/);
    assert.equal(await fs.readFile(file, 'utf8'), text);
  });

  it('never replaces a review it cannot extend: a hand-written "review": "looks good" stays', async () => {
    const text = projectText([shotText('s1', ',\n      "review": "looks good"')]);
    const file = await tempProject(text);
    const w = writerFor(new FileProjectIO(file), file);
    const status = await applyReview(w, ['s1'], { kind: 'status', status: 'approved' }, CTX);
    assert.deepEqual(status.written, []);
    assert.match(status.refused[0]?.reason ?? '', /"review" that is not an object/);
    assert.equal(await fs.readFile(file, 'utf8'), text);
  });

  it('rejects an empty note and a take out of range before touching anything', async () => {
    const file = await tempProject(projectText([shotText('s1')]));
    const w = writerFor(new FileProjectIO(file), file);
    await assert.rejects(applyReview(w, ['s1'], { kind: 'note', note: '   ' }, CTX), /cannot be empty/);
    await assert.rejects(applyReview(w, ['s1'], { kind: 'circle', take: 0 }, CTX), /from 1 to 16/);
    assert.equal(w.pendingCount, 0);
  });

  it('a review blocked by a file mid-edit is given up, never written later', async () => {
    const good = projectText([shotText('s1')]);
    const file = await tempProject(good.replace('"shots": [', '"shots": [[')); // the user is typing
    const w = writerFor(new FileProjectIO(file), file);
    const r = await applyReview(w, ['s1'], { kind: 'status', status: 'approved' }, CTX);
    assert.match(r.blocked ?? '', /not valid right now/);
    await fs.writeFile(file, good); // fixed; then the engine flushes an unrelated render record
    w.set('s1', record('s1', 3));
    await w.flush();
    assert.equal(parsed(await fs.readFile(file, 'utf8')).project.shots[0]!.review, undefined);
  });

  it('an update that would break the shot schema is refused, even from a text the writer trusts', async () => {
    // The writer may prove a flush by checking only the edited shots: that check must cover every key an
    // update writes (a restored value, a take), not only the render record.
    const text = projectText([shotText('s1'), shotText('s2')]);
    const file = await tempProject(text);
    for (const [key, bad] of [
      ['steps', -3],
      ['take', 'two'],
    ] as const) {
      const w = writerFor(new FileProjectIO(file), file);
      w.trust(text);
      w.update('s1', key, () => bad);
      const r = await w.flush();
      assert.deepEqual(r.written, [], key);
      assert.match(r.blocked ?? '', /refusing to write an invalid project\.json/, key);
      assert.equal(await fs.readFile(file, 'utf8'), text, `${key}: nothing written`);
    }
  });

  it('a new render sends a shot with changes requested back to pending, its notes kept', () => {
    const reopen = reopenAfterRender('2026-03-02T00:00:00.000Z');
    const notes = [{ text: 'Warmer, please', author: 'Ana', status: 'changes-requested' }];
    assert.deepEqual(
      reopen({ status: 'changes-requested', by: 'Ana', at: 'x', notes }, () => undefined),
      {
        status: 'pending',
        at: '2026-03-02T00:00:00.000Z',
        notes,
      },
    );
    const keep = reopen({ status: 'approved' }, () => undefined);
    assert.equal(typeof keep, 'symbol');
  });
});
