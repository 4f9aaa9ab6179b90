// The animatic's pure parts: options, frame sizes, frame counts and timecodes, the circled take, the
// ffmpeg escaping, and the timing warnings that reach the editor as diagnostics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatLine } from '../../src/core/cut/assemble';
import { timeLines, timingWarnings } from '../../src/core/cut/dialogue';
import { filterArgs, optionValue } from '../../src/core/cut/filters';
import { animaticOptions, frameSize } from '../../src/core/cut/options';
import { type SegmentSpec, segmentKey } from '../../src/core/cut/segments';
import { circledTake } from '../../src/core/cut/takes';
import { buildTimeline, voiceCues } from '../../src/core/cut/timeline';
import { framesFor, speakingSeconds, timecode } from '../../src/core/cut/timing';
import { parseProjectText } from '../../src/core/project/load';
import { ProjectPaths } from '../../src/core/project/paths';
import type { Project, Shot } from '../../src/core/project/schema';

// `take` is typed by the schema; tests also pass what a hand-edited file may hold (a string).
const shot = (extra: Omit<Partial<Shot>, 'take'> & Record<string, unknown> = {}): Shot =>
  ({ id: 's1', prompt: 'p', ...extra }) as Shot;
const rendered = (variations: number[]) => ({
  status: 'done' as const,
  inputHash: 'a'.repeat(64),
  provider: 'draft',
  model: 'draft/storyboard',
  renderedAt: '2026-01-01T00:00:00Z',
  outputs: variations.map((v) => ({ variation: v, image: `renders/s1_v${v}.png` })),
});

describe('animatic options and geometry', () => {
  it('defaults to 1280 px, 24 fps, cut/animatic.mp4; refuses nonsense with the value in the message', () => {
    assert.deepEqual(animaticOptions(), {
      width: 1280,
      fps: 24,
      burnIn: false,
      kenBurns: false,
      out: 'cut/animatic.mp4',
    });
    assert.throws(() => animaticOptions({ width: 10 }), /width must be .* \(got 10\)/);
    assert.throws(() => animaticOptions({ fps: 23.976 }), /fps must be a whole number/);
    assert.throws(() => animaticOptions({ fps: 0 }), /fps must be/);
    assert.throws(() => animaticOptions({ out: 'cut/animatic.mov' }), /must end in \.mp4/);
    assert.equal(animaticOptions({ width: 1281 }).width, 1280, 'odd widths are made even');
  });

  it('frame sizes follow the aspect ratio and are even', () => {
    assert.deepEqual(frameSize('2.39:1', 1280), { width: 1280, height: 536 });
    assert.deepEqual(frameSize('16:9', 1280), { width: 1280, height: 720 });
    assert.deepEqual(frameSize('1.37:1', 160), { width: 160, height: 116 });
    assert.deepEqual(frameSize('9:16', 360), { width: 360, height: 640 });
    assert.deepEqual(frameSize('nonsense', 320), { width: 320, height: 180 });
  });

  it('cuts on whole frames and prints non-drop timecode', () => {
    assert.equal(framesFor(1.25, 24), 30);
    assert.equal(framesFor(0.01, 24), 1, 'at least one frame');
    assert.equal(framesFor(2.52, 24), 60);
    assert.equal(timecode(0, 24), '00:00:00:00');
    assert.equal(timecode(24 * 3661 + 5, 24), '01:01:01:05');
  });
});

describe('circledTake', () => {
  it('takes the circled variation when it was rendered, else variation 1, else the lowest', () => {
    assert.equal(circledTake(shot()), undefined);
    assert.equal(circledTake(shot({ render: rendered([1, 2, 3]) }))?.take, 1);
    assert.equal(circledTake(shot({ take: 2, render: rendered([1, 2, 3]) }))?.take, 2);
    assert.equal(circledTake(shot({ take: 9, render: rendered([1, 2]) }))?.take, 1);
    assert.equal(circledTake(shot({ take: '2', render: rendered([1, 2]) }))?.take, 1, 'not a number');
    assert.equal(circledTake(shot({ take: 1.5, render: rendered([1, 2]) }))?.take, 1);
    assert.equal(circledTake(shot({ render: rendered([3, 2]) }))?.take, 2);
    assert.equal(circledTake(shot({ take: 2, render: rendered([2]) }))?.output.image, 'renders/s1_v2.png');
  });
});

describe('ffmpeg escaping', () => {
  it('escapes option values, then the filtergraph, as ffmpeg-filters documents', () => {
    // The documented example: this is a 'string': may contain one, or more, special characters
    assert.equal(
      optionValue("this is a 'string': may contain one, or more, special characters"),
      "this is a \\'string\\'\\: may contain one, or more, special characters",
    );
    assert.equal(
      filterArgs({ text: "this is a 'string': may contain one, or more, special characters" }),
      "text=this is a \\\\\\'string\\\\\\'\\\\: may contain one\\, or more\\, special characters",
    );
    assert.equal(filterArgs({ a: 'x:y', b: '1,2' }), 'a=x\\\\:y:b=1\\,2');
  });

  it('quotes concat-list paths, single quotes included', () => {
    assert.equal(concatLine('/tmp/a b/x.mp4'), "file '/tmp/a b/x.mp4'");
    assert.equal(concatLine("/tmp/it's/x.mp4"), "file '/tmp/it'\\''s/x.mp4'");
  });
});

describe('segment keys', () => {
  const base: SegmentSpec = {
    shotId: 'a',
    width: 160,
    height: 90,
    fps: 12,
    frames: 12,
    kenBurns: false,
    source: { kind: 'image', file: '/p/renders/a.png', sha256: 'f'.repeat(64) },
    subtitles: [],
  };
  it('change with what the segment shows, not with where the image lives or what the shot is called', () => {
    const k = segmentKey(base);
    assert.equal(
      segmentKey({
        ...base,
        shotId: 'renamed',
        source: { ...base.source, file: '/elsewhere.png' } as SegmentSpec['source'],
      }),
      k,
    );
    for (const changed of [
      { ...base, frames: 13 },
      { ...base, fps: 24 },
      { ...base, width: 320, height: 180 },
      { ...base, kenBurns: true },
      {
        ...base,
        source: {
          kind: 'image' as const,
          file: base.source.kind === 'image' ? base.source.file : '',
          sha256: 'e'.repeat(64),
        },
      },
      { ...base, burnIn: { label: 'a · take 1', timecode: '00:00:00:00' } },
      { ...base, subtitles: [{ speaker: 'Mara', text: 'Hi', startS: 0, endS: 1 }] },
    ]) {
      assert.notEqual(segmentKey(changed), k, JSON.stringify(changed));
    }
  });
});

describe('scratch-voice timing', () => {
  it('estimates 2.5 words a second', () => {
    assert.equal(speakingSeconds('one two three four five'), 2);
    assert.equal(speakingSeconds('  '), 0);
  });

  it('times lines one after another, squeezed into the shot when too long', () => {
    const project = {
      cast: [{ id: 'mara', name: 'Mara Vell' }],
      shots: [
        shot({
          dialogue: [
            { speaker: 'mara', text: 'one two three four five' },
            { speaker: 'x', text: 'a b' },
          ],
        }),
      ],
    } as Project;
    const fits = timeLines(project, 0, 10);
    assert.deepEqual(
      fits.map((l) => [l.name, l.startS, l.endS]),
      [
        ['Mara Vell', 0, 2],
        ['x', 2, 10],
      ],
    );
    const squeezed = timeLines(project, 0, 1.4);
    assert.ok(Math.abs(squeezed[1]!.startS - 1) < 1e-9);
    assert.equal(squeezed[1]!.endS, 1.4);
  });

  it('a line longer than its shot is a warning with its JSON path and line, and the shot still renders', () => {
    const text = `{
  "cast": [{ "id": "mara" }],
  "shots": [
    {
      "id": "s1",
      "prompt": "p",
      "duration": 2,
      "dialogue": [
        { "speaker": "mara", "text": "Tickets please" },
        { "speaker": "mara", "text": "all of them and quickly now before the bridge" }
      ]
    },
    { "id": "s2", "prompt": "p", "dialogue": [{ "speaker": "nobody", "text": "Hi" }] },
    { "id": "s3", "prompt": "p", "duration": 0 }
  ]
}`;
    const r = parseProjectText(text, 'project.json');
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.deepEqual(
      r.issues.map((i) => [i.severity, i.path, i.line, i.shots]),
      [
        ['warning', 'shots[0].dialogue[1]', 10, undefined],
        ['warning', 'shots[1].dialogue[0].speaker', 13, undefined],
        ['warning', 'shots[2].duration', 14, undefined],
      ],
    );
    assert.match(
      r.issues[0]!.message,
      /dialogue takes about 4\.4 s to say \(at 2\.5 words\/s\) but s1 lasts 2 s/,
    );
    assert.match(r.issues[1]!.message, /speaker "nobody" is not in the cast/);
    assert.match(r.issues[2]!.message, /duration 0 s is not more than 0: the animatic cannot cut it/);
  });

  it('voice cues start where their shot starts in the cut, plus their place in the shot', () => {
    const project = {
      cast: [{ id: 'mara' }],
      shots: [
        shot({ id: 'a', duration: 2 }),
        shot({
          id: 'b',
          duration: 4,
          dialogue: [
            { speaker: 'mara', text: 'one two three four five' },
            { speaker: 'mara', text: 'six' },
          ],
        }),
      ],
    } as Project;
    const timeline = buildTimeline(
      project,
      new ProjectPaths('/p/project.json'),
      animaticOptions({ fps: 24, width: 320 }),
    );
    assert.deepEqual(
      voiceCues(timeline).map((c) => [c.shotId, c.line, c.startS]),
      [
        ['b', 0, 2],
        ['b', 1, 4],
      ],
    );
  });

  it('defaults.duration counts for shots without one', () => {
    const project = {
      defaults: { duration: 1 },
      cast: [{ id: 'mara' }],
      shots: [shot({ dialogue: [{ speaker: 'mara', text: 'one two three four' }] })],
    } as Project;
    assert.equal(timingWarnings(project).length, 1);
    assert.equal(timingWarnings({ ...project, defaults: { duration: 5 } }).length, 0);
  });
});
