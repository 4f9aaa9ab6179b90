// The hand-off formats' structure, checked against the schemas read from OpenTimelineIO's own sources
// (OTIO 0.18 JSON, otio-fcp-adapter's xmeml reader, otio-cmx3600-adapter's EDL reader), with no OTIO
// installed: what the readers require is asserted here field by field. The real library checks the same
// exports in scripts/check-exports.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { writeCsv } from '../../src/core/cut/export/csv';
import { ReelNames, writeEdl } from '../../src/core/cut/export/edl';
import { timelineProblems } from '../../src/core/cut/export/exportCut';
import { writeFcpXml } from '../../src/core/cut/export/fcpxml';
import { buildHandoff, type HandoffCut } from '../../src/core/cut/export/handoff';
import { writeOtio } from '../../src/core/cut/export/otio';
import { panelPicture } from '../../src/core/cut/export/pdf/thumbs';
import { framesOfTimecode, rateOf, tc } from '../../src/core/cut/export/rate';
import { child, childText, parseXml, xmlText } from '../../src/core/cut/export/xml';
import { loadProject } from '../../src/core/project/load';
import { bundledFfmpeg, cutProject } from '../helpers/media';
import type { TempProject } from '../helpers/tempProject';

const projects: TempProject[] = [];
afterEach(async () => {
  while (projects.length) await projects.pop()!.cleanup();
});

async function handoff(p: TempProject, fps = 24, voice?: string): Promise<HandoffCut> {
  const doc = await loadProject(p.file);
  return buildHandoff(doc.project, doc.paths, { fps, voice });
}

/** Three shots: rendered (take 2 circled), not rendered, rendered; notes on the first. */
async function threeShots(): Promise<TempProject> {
  const p = await cutProject(
    [
      { id: 's01-010', duration: 2, variations: ['#aa2222', '#22aa22'], take: 2 },
      { id: 's01-020', duration: 1.5, color: false },
      {
        id: 's01-030',
        duration: 0.5,
        color: '#2222aa',
        dialogue: [{ speaker: 'mara', text: 'Tickets, please.' }],
      },
    ],
    { title: 'Night & <Day>' },
  );
  projects.push(p);
  const json = await p.json();
  (json.shots[0] as unknown as Record<string, unknown>).review = {
    status: 'changes-requested',
    notes: [{ text: 'Lose the "first" <second> & hold', author: 'ed' }, 'plain note'],
  };
  await p.write(JSON.stringify(json, null, 2));
  return p;
}

describe('the hand-off model', () => {
  it('holds every shot for whole frames, in order, linking the circled take; a shot without one is a slate', async () => {
    const p = await threeShots();
    const cut = await handoff(p);
    assert.deepEqual(
      cut.shots.map((s) => [
        s.id,
        s.startFrame,
        s.frames,
        s.take ?? null,
        s.media?.rel ?? null,
        s.slate ?? null,
      ]),
      [
        ['s01-010', 0, 48, 2, 'renders/s01-010/s01-010_v2.png', null],
        ['s01-020', 48, 36, null, null, 'not rendered'],
        ['s01-030', 84, 12, 1, 'renders/s01-030/s01-030_v1.png', null],
      ],
    );
    assert.equal(cut.totalFrames, 96);
    assert.equal(cut.shots[0]!.review.status, 'changes-requested');
    assert.deepEqual(
      cut.shots[0]!.review.notes.map((n) => n.text),
      ['Lose the "first" <second> & hold', 'plain note'],
    );
  });

  it('a take whose file is gone is a slate that says so, and a warning', async () => {
    const p = await threeShots();
    const { rm } = await import('node:fs/promises');
    await rm(path.join(p.dir, 'renders/s01-030/s01-030_v1.png'));
    const cut = await handoff(p);
    assert.equal(cut.shots[2]!.media, undefined);
    assert.match(cut.shots[2]!.slate!, /take 1 is missing \(renders\/s01-030\/s01-030_v1\.png\)/);
    assert.ok(cut.warnings.some((w) => w.startsWith('s01-030: take 1 is missing')));
  });

  it('a duration of 0 is named (JSON path and shot), never cut: timelines refuse, lists keep the shot', async () => {
    const p = await threeShots();
    const json = await p.json();
    (json.shots[1] as unknown as { duration: number }).duration = 0;
    await p.write(JSON.stringify(json));
    const cut = await handoff(p);
    assert.equal(cut.shots[1]!.frames, 0);
    assert.equal(cut.shots[1]!.durationProblem, 'shots[1].duration: duration 0 s is not more than 0');
    assert.equal(cut.shots[2]!.startFrame, 48, 'the next shot follows without a hole');
    assert.match(
      timelineProblems(cut)!,
      /cannot cut 1 shot\(s\) into a timeline: s01-020 \(shots\[1\]\.duration: duration 0 s/,
    );
    const csv = writeCsv(cut).split('\r\n')[2]!;
    assert.match(csv, /^s01-020,Platform 9,0,,,/, 'no timecodes for a shot that is not in the cut');
    assert.match(csv, /shots\[1\]\.duration: duration 0 s is not more than 0$/);
  });

  it('rates: whole numbers and the NTSC ones; timecode is non-drop at the timebase; drop-frame is read', () => {
    assert.deepEqual(rateOf(24), { fps: 24, timebase: 24, ntsc: false });
    assert.deepEqual(rateOf(23.976), { fps: 24000 / 1001, timebase: 24, ntsc: true });
    assert.equal(rateOf(29.97).timebase, 30);
    assert.throws(() => rateOf(23.5), /fps must be a whole number .* or an NTSC rate/);
    assert.throws(() => rateOf(0), /fps must be/);
    assert.equal(tc(24 * 3661 + 5, rateOf(24)), '01:01:01:05');
    assert.equal(tc(30, rateOf(29.97)), '00:00:01:00');
    assert.equal(framesOfTimecode('00:01:00;02', rateOf(29.97)), 1800, 'first frame after the minute drop');
    assert.equal(framesOfTimecode('00:00:02:00', rateOf(24)), 48);
    assert.equal(framesOfTimecode('00:00:02:30', rateOf(24)), undefined, 'frame beyond the timebase');
  });
});

describe('OpenTimelineIO (.otio)', () => {
  it('is an OTIO 0.18 Timeline: Stack > Track(Video) > Clip.2 with DEFAULT_MEDIA, RationalTime at the rate', async () => {
    const p = await threeShots();
    const json = await p.json();
    (json.shots[0]!.render as unknown as Record<string, unknown>).seed = 4242;
    await p.write(JSON.stringify(json, null, 2));
    const cut = await handoff(p);
    const t = JSON.parse(writeOtio(cut));
    assert.equal(t.OTIO_SCHEMA, 'Timeline.1');
    assert.equal(t.name, 'Night & <Day>');
    assert.deepEqual(t.global_start_time, { OTIO_SCHEMA: 'RationalTime.1', rate: 24, value: 0 });
    assert.equal(t.tracks.OTIO_SCHEMA, 'Stack.1');
    const [video] = t.tracks.children;
    assert.equal(t.tracks.children.length, 1, 'no audio track without a scratch-voice file');
    assert.deepEqual([video.OTIO_SCHEMA, video.kind], ['Track.1', 'Video']);
    const [a, b, c] = video.children;
    for (const clip of [a, b, c]) {
      assert.equal(clip.OTIO_SCHEMA, 'Clip.2');
      assert.equal(clip.active_media_reference_key, 'DEFAULT_MEDIA');
      assert.equal(clip.source_range.OTIO_SCHEMA, 'TimeRange.1');
      assert.equal(clip.source_range.start_time.value, 0);
      assert.equal(clip.source_range.duration.rate, 24);
      for (const k of ['metadata', 'name', 'effects', 'markers', 'enabled', 'media_references'])
        assert.ok(k in clip, k);
    }
    assert.deepEqual([a.name, a.source_range.duration.value], ['s01-010', 48]);
    const ref = a.media_references.DEFAULT_MEDIA;
    assert.equal(ref.OTIO_SCHEMA, 'ExternalReference.1');
    assert.equal(ref.target_url, pathToFileURL(path.join(p.dir, 'renders/s01-010/s01-010_v2.png')).href);
    assert.equal(a.metadata.dailies.take, 2);
    assert.equal(a.metadata.dailies.model, 'draft/storyboard');
    assert.equal(a.metadata.dailies.seed, 4242);
    assert.equal(a.metadata.dailies.reviewStatus, 'changes-requested');
    assert.equal(a.metadata.dailies.prompt, 'The prompt of s01-010, a wide frame of the platform at night');
    assert.deepEqual(
      a.markers.map((m: { OTIO_SCHEMA: string; color: string; comment: string }) => [
        m.OTIO_SCHEMA,
        m.color,
        m.comment,
      ]),
      [
        ['Marker.2', 'RED', 'Lose the "first" <second> & hold (ed)'],
        ['Marker.2', 'RED', 'plain note'],
      ],
    );
    assert.equal(
      b.media_references.DEFAULT_MEDIA.OTIO_SCHEMA,
      'GeneratorReference.1',
      'not rendered: a slate',
    );
    assert.equal(b.name, 's01-020');
    assert.equal(b.source_range.duration.value, 36);
  });

  it('lays the scratch voice on an audio track, one clip per line where the line is, when the file exists', async () => {
    const p = await threeShots();
    const { mkdir, writeFile } = await import('node:fs/promises');
    assert.equal((await handoff(p, 24, 'cut/voice.mp3')).voice, undefined, 'no file yet: no track');
    await mkdir(path.join(p.dir, 'cut'));
    await writeFile(path.join(p.dir, 'cut/voice.mp3'), 'ID3');
    const cut = await handoff(p, 24, 'cut/voice.mp3');
    const t = JSON.parse(writeOtio(cut));
    const audio = t.tracks.children[1];
    assert.equal(audio.kind, 'Audio');
    const clips = audio.children.filter((c: { OTIO_SCHEMA: string }) => c.OTIO_SCHEMA === 'Clip.2');
    assert.equal(clips.length, 1);
    const gap = audio.children[0];
    assert.deepEqual(
      [gap.OTIO_SCHEMA, gap.source_range.duration.value],
      ['Gap.1', 84],
      'the line starts with its shot',
    );
    assert.equal(clips[0].source_range.start_time.value, 84, 'source time = record time in the voice track');
    assert.equal(clips[0].source_range.duration.value, 12);
    assert.match(clips[0].name, /^s01-030 Mara: Tickets, please\.$/);
  });

  it('rates at 23.976 are written exactly (24000/1001)', async () => {
    const p = await threeShots();
    const t = JSON.parse(writeOtio(await handoff(p, 23.976)));
    assert.equal(t.tracks.children[0].children[0].source_range.duration.rate, 24000 / 1001);
    assert.equal(t.tracks.children[0].children[0].source_range.duration.value, 48);
  });
});

describe('FCP 7 XML (xmeml)', () => {
  it('has what otio-fcp-adapter reads: sequence rate with NTSC flag, clipitems with start/end/in/out and file pathurl', async () => {
    const p = await threeShots();
    const cut = await handoff(p);
    const root = parseXml(writeFcpXml(cut));
    assert.equal(root.name, 'xmeml');
    assert.equal(root.attrs.version, '4');
    const seq = child(root, 'sequence')!;
    assert.equal(childText(seq, 'name'), 'Night & <Day>', 'escaped on write, read back intact');
    assert.equal(childText(child(seq, 'rate'), 'timebase'), '24');
    assert.equal(childText(child(seq, 'rate'), 'ntsc'), 'FALSE');
    assert.equal(childText(seq, 'duration'), '96');
    const track = child(child(child(seq, 'media'), 'video'), 'track')!;
    const items = track.children.filter((c) => c.name === 'clipitem');
    assert.deepEqual(
      items.map((i) => [
        childText(i, 'name'),
        childText(i, 'start'),
        childText(i, 'end'),
        childText(i, 'in'),
        childText(i, 'out'),
      ]),
      [
        ['s01-010', '0', '48', '0', '48'],
        ['s01-020', '48', '84', '0', '36'],
        ['s01-030', '84', '96', '0', '12'],
      ],
    );
    const file = child(items[0], 'file')!;
    assert.equal(
      childText(file, 'pathurl'),
      `file://localhost${pathToFileURL(path.join(p.dir, 'renders/s01-010/s01-010_v2.png')).pathname}`,
    );
    assert.equal(childText(child(items[1], 'file'), 'mediaSource'), 'Slug', 'not rendered: a slug');
    const marker = child(items[0], 'marker')!;
    assert.equal(childText(marker, 'comment'), 'Lose the "first" <second> & hold (ed)');
    assert.equal(childText(marker, 'out'), '-1');
    const ntsc = parseXml(writeFcpXml(await handoff(p, 29.97)));
    assert.equal(childText(child(child(ntsc, 'sequence'), 'rate'), 'ntsc'), 'TRUE');
    assert.equal(childText(child(child(ntsc, 'sequence'), 'rate'), 'timebase'), '30');
  });

  it('a file used twice is written once and referred to by id', async () => {
    const p = await threeShots();
    const cut = await handoff(p);
    cut.shots[2]!.media = cut.shots[0]!.media;
    const xml = writeFcpXml(cut);
    assert.equal(xml.match(/<pathurl>/g)!.length, 1);
    assert.match(xml, /<file id="file-1"\/>/);
  });

  it('no text can break the XML: markup, quotes, control characters and lone surrogates in ids, titles, paths', async () => {
    const p = await threeShots();
    const cut = await handoff(p);
    const evil = 'a</name><x>&amp;"\'\u0001\u0007\uD800 é ß д';
    cut.title = evil;
    cut.shots[0]!.id = evil;
    cut.shots[0]!.prompt = `${evil}]]><!--`;
    cut.shots[0]!.media!.abs = path.join(p.dir, 'renders', 'take #1 & <b>%20.png');
    cut.shots[0]!.media!.rel = 'renders/take #1 & <b>%20.png';
    const root = parseXml(writeFcpXml(cut));
    const seq = child(root, 'sequence')!;
    const clean = 'a</name><x>&amp;"\' é ß д';
    assert.equal(childText(seq, 'name'), clean);
    const item = child(child(child(child(seq, 'media'), 'video'), 'track'), 'clipitem')!;
    assert.equal(childText(item, 'name'), clean);
    const url = childText(child(item, 'file'), 'pathurl')!;
    assert.ok(url.endsWith('/renders/take%20%231%20&%20%3Cb%3E%2520.png'), url);
    assert.equal(xmlText('\uDFFF<'), '&lt;');
  });
});

describe('CMX 3600 EDL', () => {
  it('events as otio-cmx3600-adapter parses them: 8 fields, unique ≤ 8-character reels, clip name and file comments', async () => {
    const p = await threeShots();
    const edl = writeEdl(await handoff(p));
    const lines = edl.trimEnd().split('\n');
    assert.equal(lines[0], 'TITLE: Night & <Day>');
    assert.equal(lines[1], 'FCM: NON-DROP FRAME');
    const events = lines.filter((l) => /^\d{3}\s/.test(l)).map((l) => l.split(/\s+/));
    assert.deepEqual(events, [
      ['001', 'S01010', 'V', 'C', '00:00:00:00', '00:00:02:00', '00:00:00:00', '00:00:02:00'],
      ['002', 'BL', 'V', 'C', '00:00:00:00', '00:00:01:12', '00:00:02:00', '00:00:03:12'],
      ['003', 'S01030', 'V', 'C', '00:00:00:00', '00:00:00:12', '00:00:03:12', '00:00:04:00'],
    ]);
    assert.ok(edl.includes('* FROM CLIP NAME:  s01-010\n'));
    assert.ok(edl.includes(`* FROM CLIP: ${path.join(p.dir, 'renders/s01-010/s01-010_v2.png')}\n`));
    assert.ok(edl.includes('* FROM CLIP NAME:  s01-020\n* SLATE: not rendered\n'));
    assert.match(edl, /\* LOC: 00:00:00:00 RED {5}Lose the "first" <second> & hold\n/);
  });

  it('reel names: letters and digits only, never a reserved name, unique even for thousands of similar ids', () => {
    const reels = new ReelNames();
    const names = [
      's 01/010 é',
      'BL',
      'AX',
      '',
      ...Array.from({ length: 3000 }, (_, i) => `sequence-shot-${i}`),
    ].map((n) => reels.for(n));
    for (const r of names) assert.match(r, /^[A-Z0-9]{1,8}$/);
    assert.equal(new Set(names).size, names.length);
    assert.equal(names[0], 'S01010');
    assert.ok(!['BL', 'AX', 'BLACK'].includes(names[1]!) && !['BL', 'AX'].includes(names[2]!));
  });

  it('no comment can start a new event: line breaks and control characters in notes become spaces', async () => {
    const p = await threeShots();
    const cut = await handoff(p);
    cut.shots[0]!.review.notes = [
      { text: 'first line\n002  EVIL V C 00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00\r\u0000x' },
    ];
    const events = writeEdl(cut)
      .split('\n')
      .filter((l) => /^\d+\s/.test(l));
    assert.equal(events.length, 3);
  });
});

describe('shot list CSV', () => {
  it('RFC 4180 with a BOM: header, CRLF, quoted fields, doubled quotes; formulas defused', async () => {
    const p = await threeShots();
    const cut = await handoff(p);
    cut.shots[2]!.prompt = '=HYPERLINK("http://x","click"), then ü and д';
    cut.shots[2]!.costUsd = 0.0125;
    const csv = writeCsv(cut);
    assert.ok(csv.startsWith('\uFEFFid,scene,duration,in,out,take,status,model,cost,prompt,notes,'));
    assert.ok(csv.endsWith('\r\n'));
    const rows = csv.slice(1).split('\r\n');
    assert.match(
      rows[1]!,
      /^s01-010,Platform 9,2,00:00:00:00,00:00:02:00,2,changes-requested,draft\/storyboard,,/,
    );
    assert.ok(rows[3]!.includes(',0.0125,"\'=HYPERLINK(""http://x"",""click""), then ü and д",'), rows[3]);
    assert.ok(
      csv.includes('"ed: Lose the ""first"" <second> & hold\nplain note"'),
      'a multi-line cell stays one field',
    );
  });
});

/**
 * One video shot (its still's poster, a real 16 fps MP4 of 40 frames = 2.5 s, its proxy) between two
 * stills; the video shot lasts `seconds` in the cut. No thumbnail: the boards must use the poster.
 */
async function videoProject(seconds = 2): Promise<TempProject> {
  const p = await cutProject([
    { id: 's01-010', duration: 1, color: '#aa2222' },
    { id: 's01-020', duration: seconds, color: '#22aa22' },
    { id: 's01-030', duration: 1, color: '#2222aa' },
  ]);
  projects.push(p);
  const clip = 'renders/s01-020/s01-020_v1.mp4';
  await promisify(execFile)(bundledFfmpeg(), [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=16', '-frames:v', '40'],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-an', path.join(p.dir, clip)],
  ]);
  const json = await p.json();
  const out = json.shots[1]!.render!.outputs[0] as unknown as Record<string, unknown>;
  Object.assign(out, {
    video: clip,
    proxy: 'renders/s01-020/s01-020_v1.proxy.mp4',
    width: 320,
    height: 180,
    seconds: 2.5,
    frames: 40,
    fps: 16,
  });
  await p.write(JSON.stringify(json, null, 2));
  return p;
}

describe('video shots in the hand-off', () => {
  it('every timeline and the list link the circled take’s clip, with its own length and rate; the boards keep its poster', async () => {
    const p = await videoProject();
    const cut = await handoff(p);
    const clipAbs = path.join(p.dir, 'renders/s01-020/s01-020_v1.mp4');
    const shot = cut.shots[1]!;
    assert.equal(shot.media?.rel, 'renders/s01-020/s01-020_v1.mp4');
    assert.equal(shot.media?.kind, 'video');
    assert.deepEqual(cut.warnings, [], 'a clip longer than its shot is trimmed, nothing to warn about');

    // OTIO: the clip is cut for the shot's 48 frames at 24, out of media 40 frames long at 16 fps.
    const otio = JSON.parse(writeOtio(cut));
    const c = otio.tracks.children[0].children[1];
    assert.deepEqual([c.source_range.duration.value, c.source_range.duration.rate], [48, 24]);
    const ref = c.media_references.DEFAULT_MEDIA;
    assert.equal(ref.target_url, pathToFileURL(clipAbs).href);
    assert.deepEqual(
      [ref.available_range.duration.value, ref.available_range.duration.rate],
      [40, 16],
      'the media is as long as the clip, at its rate',
    );
    // A still keeps being held for its shot's frames.
    const still = otio.tracks.children[0].children[0].media_references.DEFAULT_MEDIA;
    assert.deepEqual([still.available_range.duration.value, still.available_range.duration.rate], [24, 24]);

    // FCP 7 XML: the clipitem at the sequence's rate, its <file> the clip at the clip's rate and length.
    const seq = child(parseXml(writeFcpXml(cut)), 'sequence')!;
    const items = child(child(child(seq, 'media'), 'video'), 'track')!.children.filter(
      (x) => x.name === 'clipitem',
    );
    const item = items[1]!;
    assert.deepEqual(
      ['start', 'end', 'in', 'out'].map((k) => childText(item, k)),
      ['24', '72', '0', '48'],
    );
    const file = child(item, 'file')!;
    assert.equal(childText(file, 'pathurl'), `file://localhost${pathToFileURL(clipAbs).pathname}`);
    assert.equal(childText(child(file, 'rate'), 'timebase'), '16');
    assert.equal(childText(file, 'duration'), '40');
    assert.equal(
      childText(child(child(child(file, 'media'), 'video'), 'samplecharacteristics'), 'width'),
      '320',
    );

    // EDL: the clip's path in the event's FROM CLIP comment.
    const edl = writeEdl(cut);
    assert.ok(edl.includes(`* FROM CLIP: ${clipAbs.split(path.sep).join('/')}\n`), edl);
    assert.ok(!edl.includes('s01-020_v1.png'), 'never the poster');

    // CSV: the media column is the clip.
    const row = writeCsv(cut).slice(1).split('\r\n')[2]!;
    assert.ok(row.includes(',renders/s01-020/s01-020_v1.mp4,'), row);

    // PDF boards: the poster frame (no thumbnail recorded), not "no thumbnail yet".
    const doc = await loadProject(p.file);
    const picture = await panelPicture(shot, doc.paths);
    assert.ok('jpeg' in picture, `a picture, not ${JSON.stringify(picture)}`);
    assert.deepEqual([picture.jpeg.width, picture.jpeg.height], [320, 180]);
  });

  it('a clip shorter than its shot is named in the warnings (editorial must hold or extend it)', async () => {
    const cut = await handoff(await videoProject(3));
    assert.deepEqual(cut.warnings, [
      's01-020: take 1 is a 2.5 s clip in a 3 s shot: its last 0.5 s has no picture',
    ]);
  });
});
