// Timing back from editorial: the three readers on files shaped like the NLEs' own (Premiere's
// project/children wrapper and ids, an EDL with a dissolve and sound, OTIO's older Clip.1), the matching
// rules, and the one minimal edit of project.json (comments and formatting kept, nothing deleted, a
// file the user broke left alone).
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { applyCutEdit, writeCutEdit } from '../../src/core/cut/export/cutEdit';
import { exportCut } from '../../src/core/cut/export/exportCut';
import { importCut, reorderKeeping, secondsFor } from '../../src/core/cut/export/importCut';
import { readOtio } from '../../src/core/cut/export/readCut';
import { readEdl } from '../../src/core/cut/export/readEdl';
import { readFcpXml } from '../../src/core/cut/export/readFcpXml';
import { parseXml } from '../../src/core/cut/export/xml';
import { FileProjectIO, type ProjectIO } from '../../src/core/project/write';
import { cutProject } from '../helpers/media';
import { createProject, type TempProject } from '../helpers/tempProject';

const projects: TempProject[] = [];
afterEach(async () => {
  while (projects.length) await projects.pop()!.cleanup();
});

const PREMIERE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xmeml>
<xmeml version="4">
  <project><name>Edit</name><children>
    <sequence id="sequence-7">
      <name>Night Train v3</name>
      <rate><timebase>24</timebase><ntsc>FALSE</ntsc></rate>
      <media><video><format/><track>
        <clipitem id="clipitem-1"><name>s2</name><enabled>TRUE</enabled>
          <rate><timebase>24</timebase><ntsc>FALSE</ntsc></rate>
          <start>0</start><end>30</end><in>0</in><out>30</out>
          <file id="file-1"><name>s2_v1.png</name><pathurl>file://localhost/elsewhere/s2_v1.png</pathurl></file>
        </clipitem>
        <clipitem id="clipitem-2"><name>A &amp; B</name>
          <start>30</start><end>54</end><in>0</in><out>24</out><file id="file-1"/>
        </clipitem>
        <generatoritem id="generatoritem-1"><name>s1</name>
          <start>54</start><end>-1</end><in>10</in><out>58</out>
        </generatoritem>
        <transitionitem><start>90</start><end>110</end><alignment>center</alignment></transitionitem>
        <clipitem id="clipitem-3"><name>off</name><enabled>FALSE</enabled><start>102</start><end>120</end><in>0</in><out>18</out></clipitem>
      </track></video></media>
    </sequence>
  </children></project>
</xmeml>`;

const EDL = `TITLE: CUT 4
FCM: NON-DROP FRAME

001  S2       V     C        00:00:00:00 00:00:01:06 01:00:00:00 01:00:01:06
* FROM CLIP NAME:  s2
002  S2       A     C        00:00:00:00 00:00:01:06 01:00:00:00 01:00:01:06
003  BL       V     C        00:00:00:00 00:00:00:00 01:00:01:06 01:00:01:06
003  S1       V     D 012    00:00:00:00 00:00:02:00 01:00:01:06 01:00:03:06
* FROM CLIP NAME:  s1
* FROM CLIP: /media/s1.png
`;

describe('reading editorial cuts', () => {
  it('FCP 7 XML as Premiere writes it: nested in project/children, ids for repeated files, slugs, transitions', () => {
    const cut = readFcpXml(PREMIERE);
    assert.equal(cut.name, 'Night Train v3');
    assert.deepEqual(
      cut.clips.map((c) => [c.name, c.frames, c.start, c.media ?? null]),
      [
        ['s2', 30, 0, 'file://localhost/elsewhere/s2_v1.png'],
        ['A & B', 24, 30, 'file://localhost/elsewhere/s2_v1.png'],
        ['s1', 48, 54, null],
      ],
    );
    assert.deepEqual(cut.skipped, ['clip "off" is disabled']);
  });

  it('EDL: picture events only, in record order, clip names from comments, a dissolve counted once', () => {
    const cut = readEdl(EDL, 24);
    assert.equal(cut.name, 'CUT 4');
    assert.deepEqual(
      cut.clips.map((c) => [c.name, c.frames, c.media ?? null]),
      [
        ['s2', 30, null],
        ['s1', 48, '/media/s1.png'],
      ],
    );
    assert.throws(() => readEdl('001  X V C 00:00:00:00\n', 24), /has 5 fields, expected 8 or 9/);
    assert.throws(() => readEdl('TITLE: nothing\n', 24), /no events/);
  });

  it('OTIO: Clip.2 and the older Clip.1, gaps skipped, lengths at their own rate', () => {
    const rt = (value: number, rate = 25) => ({ OTIO_SCHEMA: 'RationalTime.1', value, rate });
    const range = (d: number) => ({ OTIO_SCHEMA: 'TimeRange.1', start_time: rt(0), duration: rt(d) });
    const doc = {
      OTIO_SCHEMA: 'SerializableCollection.1',
      children: [
        {
          OTIO_SCHEMA: 'Timeline.1',
          name: 'T',
          tracks: {
            OTIO_SCHEMA: 'Stack.1',
            children: [
              { OTIO_SCHEMA: 'Track.1', kind: 'Audio', children: [] },
              {
                OTIO_SCHEMA: 'Track.1',
                kind: 'Video',
                children: [
                  { OTIO_SCHEMA: 'Gap.1', source_range: range(10) },
                  {
                    OTIO_SCHEMA: 'Clip.1',
                    name: 'x',
                    source_range: range(50),
                    media_reference: { target_url: 'file:///a.png' },
                  },
                  {
                    OTIO_SCHEMA: 'Clip.2',
                    name: 'y',
                    metadata: { dailies: { shotId: 's9' } },
                    source_range: range(25),
                  },
                ],
              },
            ],
          },
        },
      ],
    };
    const cut = readOtio(JSON.stringify(doc));
    assert.deepEqual(
      cut.clips.map((c) => [c.name, c.shotId ?? null, c.frames, c.rate, c.start, c.media ?? null]),
      [
        ['x', null, 50, 25, 10, 'file:///a.png'],
        ['y', 's9', 25, 25, 60, null],
      ],
    );
    assert.throws(() => readOtio('{"OTIO_SCHEMA":"Track.1"}'), /no OpenTimelineIO Timeline/);
    assert.throws(() => readOtio('not json'), /not an OpenTimelineIO file/);
  });

  it('hostile XML: entity definitions are not expanded, depth and structure are bounded', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><xmeml>&b;</xmeml>`;
    assert.throws(() => parseXml(bomb), /unknown entity &b; \(DTD entities are not expanded\)/);
    assert.throws(() => parseXml(`${'<a>'.repeat(200)}${'</a>'.repeat(200)}`), /nested too deep/);
    assert.throws(() => parseXml('<a><b></a>'), /<\/a> does not close <b>/);
    assert.throws(() => parseXml('<a></a><b/>'), /more than one root/);
    assert.throws(() => readFcpXml('<fcpxml version="1.9"/>'), /not an FCP 7 XML file \(root <fcpxml>/);
    assert.equal(parseXml('<a x="1 &amp; 2">&#x434;&#100;<![CDATA[<raw>]]></a>').text, 'дd<raw>');
  });
});

describe('applying the cut', () => {
  it('new order keeps shots the cut does not use right after the shot they followed', () => {
    assert.deepEqual(reorderKeeping(['a', 'b', 'c', 'd', 'e'], ['d', 'a']), ['d', 'e', 'a', 'b', 'c']);
    assert.deepEqual(reorderKeeping(['x', 'a', 'b'], ['b', 'a']), ['x', 'b', 'a']);
    assert.equal(secondsFor(100, 24), 4.166667);
    assert.equal(Math.round(secondsFor(100, 24) * 24), 100);
  });

  it('one minimal edit: durations and order change, comments, formatting and other shots stay byte for byte', async () => {
    const text = `{
  // the night train
  "title": "NT",
  "shots": [
    { "id": "a", "prompt": "A", "duration": 2.0 }, // opener
    {
      "id": "b",
      "prompt": "B" /* no duration: default */
    },
    { "id": "c", "prompt": "C", "duration": 1 }
  ]
}
`;
    const after = applyCutEdit(
      text,
      { durations: new Map([['b', 1.5]]), order: ['c', 'a', 'b'] },
      'project.json',
    );
    assert.equal(
      after,
      `{
  // the night train
  "title": "NT",
  "shots": [
    { "id": "c", "prompt": "C", "duration": 1 }, // opener
    { "id": "a", "prompt": "A", "duration": 2.0 },
    {
      "id": "b",
      "prompt": "B", /* no duration: default */
      "duration": 1.5
    }
  ]
}
`,
    );
  });

  it('refuses to touch a project.json the user left invalid, and says so', () => {
    assert.throws(
      () =>
        applyCutEdit('{ "shots": [ { "id": "a" } ] }', { durations: new Map([['a', 1]]) }, 'project.json'),
      /project\.json is not valid right now, nothing changed/,
    );
  });

  it('a save that lands between the read and the write is kept, and the cut is applied on top of it', async () => {
    const p = await createProject({
      shots: [
        { id: 'a', prompt: 'A', duration: 2 },
        { id: 'b', prompt: 'B' },
      ],
    });
    projects.push(p);
    const file = new FileProjectIO(p.file);
    let raced = false;
    const io: ProjectIO = {
      withLock: (fn) => file.withLock(fn),
      read: () => file.read(),
      async write(before, after) {
        if (!raced) {
          raced = true;
          await p.write((await p.read()).replace('"B"', '"B, re-lit"'));
        }
        return file.write(before, after);
      },
    };
    assert.equal(await writeCutEdit(io, p.file, { durations: new Map([['b', 3]]) }), true);
    const json = await p.json();
    assert.equal(json.shots[1]!.prompt, 'B, re-lit');
    assert.equal((json.shots[1] as unknown as { duration: number }).duration, 3);
  });

  it('round trip: export, the editor trims, reorders, drops a shot and adds a stranger; import reports and keeps', async () => {
    const p = await cutProject([
      { id: 's1', duration: 2, color: '#aa2222' },
      { id: 's2', duration: 1, color: '#22aa22' },
      { id: 's3', duration: 1, color: false },
      { id: 's4', duration: 1, color: '#2222aa' },
    ]);
    projects.push(p);
    const out = path.join(p.dir, 'cut.xml');
    await exportCut(p.file, { format: 'fcpxml', out });
    let xml = await fs.readFile(out, 'utf8');
    // The editor: s2 first and 1.5 s long (renamed, found by its media), s1 trimmed to 30 frames, s3 gone,
    // a B-roll clip added.
    const items = xml.match(/<clipitem id="clipitem-\d">[\s\S]*?<\/clipitem>/g)!;
    const s1 = items[0]!.replace('<end>48</end>', '<end>30</end>').replace('<out>48</out>', '<out>30</out>');
    const s2 = items[1]!
      .replace('<name>s2</name>', '<name>Shot two</name>')
      .replace('<start>48</start><end>72</end>', '<start>0</start><end>36</end>');
    const s1moved = s1.replace('<start>0</start><end>30</end>', '<start>36</start><end>66</end>');
    const s4 = items[3]!.replace(/<start>\d+<\/start><end>\d+<\/end>/, '<start>90</start><end>114</end>');
    const stranger = `<clipitem id="clipitem-9"><name>B-roll rain</name><start>66</start><end>90</end><in>0</in><out>24</out><file id="file-9"><pathurl>${pathToFileURL('/elsewhere/rain.mov').href}</pathurl></file></clipitem>`;
    xml = xml.replace(items.join('\n'), [s2, s1moved, stranger, s4].join('\n'));
    await fs.writeFile(out, xml);
    const before = await p.read();
    const dry = await importCut(p.file, out, { reorder: true, dryRun: true });
    assert.equal(await p.read(), before, 'a dry run writes nothing');
    assert.equal(dry.written, false);
    const report = await importCut(p.file, out, { reorder: true });
    assert.deepEqual(
      report.changes.map((c) => [c.shotId, c.from, c.to, c.frames]),
      [
        ['s2', 1, 1.5, 36],
        ['s1', 2, 1.25, 30],
      ],
    );
    assert.deepEqual(report.dropped, ['s3']);
    assert.deepEqual(report.unknown, ['B-roll rain']);
    assert.ok(report.written);
    const json = await p.json();
    assert.deepEqual(
      json.shots.map((s) => [s.id, (s as unknown as { duration: number }).duration]),
      [
        ['s2', 1.5],
        ['s3', 1],
        ['s1', 1.25],
        ['s4', 1],
      ],
      'the dropped shot stays, after the shot it followed (s2)',
    );
    const again = await importCut(p.file, out, { reorder: true });
    assert.equal(again.written, false, 'applying the same cut twice changes nothing');
  });
});
