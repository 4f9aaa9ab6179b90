// FCP 7 XML ("xmeml", version 4): what Premiere Pro, DaVinci Resolve and Final Cut Pro 7 exchange, in the
// shape the official otio-fcp-adapter reads: a top-level <sequence> with <rate> (<timebase> + <ntsc>),
// one video <track> of <clipitem>s with <start>/<end> on the sequence and <in>/<out> in the media, each
// <file> once with its `file://localhost/` <pathurl> and referred to by id after that. A shot without a
// take is a slug (<mediaSource>Slug</mediaSource>, black in Premiere and Resolve) named like the shot.
// Review notes are clip markers; the prompt and review status are the clip's comments.
import type { HandoffCut, HandoffShot } from './handoff';
import { fcpPathUrl } from './media';
import type { Rate } from './rate';
import { tc } from './rate';
import { xmlText as x } from './xml';

const rateXml = (r: Rate) =>
  `<rate><timebase>${r.timebase}</timebase><ntsc>${r.ntsc ? 'TRUE' : 'FALSE'}</ntsc></rate>`;

const timecodeXml = (r: Rate) =>
  `<timecode>${rateXml(r)}<string>${tc(0, r)}</string><frame>0</frame><displayformat>NDF</displayformat></timecode>`;

interface FileUse {
  id: string;
  /** The longest use: a still's file is as long as the longest hold of it; a video is its clip's length. */
  frames: number;
  /** The file's own rate when it is a video with a measured length (else the sequence's). */
  rate?: Rate;
  written: boolean;
}

/** The media's length counted at the clipitem's (the sequence's) rate. */
function itemFrames(use: FileUse, r: Rate): number {
  return use.rate ? Math.round((use.frames / use.rate.fps) * r.fps) : use.frames;
}

function fileXml(use: FileUse, body: () => string): string {
  if (use.written) return `<file id="${use.id}"/>`;
  use.written = true;
  return `<file id="${use.id}">${body()}</file>`;
}

function shotItem(s: HandoffShot, n: number, cut: HandoffCut, files: Map<string, FileUse>): string {
  const r = cut.rate;
  const media = s.media;
  const use = media ? files.get(media.abs)! : { id: `file-slug-${n}`, frames: s.frames, written: false };
  const file = fileXml(use, () => {
    if (!media)
      return `<name>Slug</name><mediaSource>Slug</mediaSource>${rateXml(r)}<duration>${use.frames}</duration><media><video/></media>`;
    const size =
      media.width && media.height
        ? `<samplecharacteristics><width>${media.width}</width><height>${media.height}</height></samplecharacteristics>`
        : '';
    const kinds = media.kind === 'audio' ? `<audio/>` : `<video>${size}</video>`;
    const fr = use.rate ?? r;
    return `<name>${x(media.rel.split('/').pop() ?? s.id)}</name><pathurl>${x(fcpPathUrl(media.abs))}</pathurl>${rateXml(fr)}<duration>${use.frames}</duration>${timecodeXml(fr)}<media>${kinds}</media>`;
  });
  const markers = s.review.notes
    .map(
      (note) =>
        `<marker><name>${x(note.text.split('\n')[0]!.slice(0, 120))}</name><comment>${x(note.author ? `${note.text} (${note.author})` : note.text)}</comment><in>0</in><out>-1</out></marker>`,
    )
    .join('');
  const status = [
    s.take !== undefined ? `take ${s.take}` : (s.slate ?? 'not rendered'),
    s.review.status,
  ].join(' · ');
  return [
    `<clipitem id="clipitem-${n}">`,
    `<name>${x(s.id)}</name><enabled>TRUE</enabled><duration>${itemFrames(use, r)}</duration>${rateXml(r)}`,
    `<start>${s.startFrame}</start><end>${s.startFrame + s.frames}</end><in>0</in><out>${s.frames}</out>`,
    file,
    markers,
    `<comments><mastercomment1>${x(s.prompt)}</mastercomment1><mastercomment2>${x(status)}</mastercomment2>${s.sceneTitle ? `<mastercomment3>${x(s.sceneTitle)}</mastercomment3>` : ''}</comments>`,
    '</clipitem>',
  ].join('');
}

function voiceItems(cut: HandoffCut, first: number): string[] {
  const voice = cut.voice;
  if (!voice?.clips.length) return [];
  const r = cut.rate;
  const use: FileUse = { id: 'file-voice', frames: cut.totalFrames, written: false };
  return voice.clips.map((v, i) => {
    const end = v.startFrame + v.frames;
    const file = fileXml(
      use,
      () =>
        `<name>${x(voice.rel.split('/').pop() ?? 'voice')}</name><pathurl>${x(fcpPathUrl(voice.abs))}</pathurl>${rateXml(r)}<duration>${cut.totalFrames}</duration>${timecodeXml(r)}<media><audio><channelcount>1</channelcount></audio></media>`,
    );
    return `<clipitem id="clipitem-${first + i}"><name>${x(v.name.slice(0, 200))}</name><enabled>TRUE</enabled><duration>${cut.totalFrames}</duration>${rateXml(r)}<start>${v.startFrame}</start><end>${end}</end><in>${v.startFrame}</in><out>${end}</out>${file}<sourcetrack><mediatype>audio</mediatype><trackindex>1</trackindex></sourcetrack></clipitem>`;
  });
}

/** The .xml text. Only cuttable durations may reach it (see `timelineProblems`). */
export function writeFcpXml(cut: HandoffCut): string {
  const r = cut.rate;
  const files = new Map<string, FileUse>();
  for (const s of cut.shots) {
    if (!s.media) continue;
    const use = files.get(s.media.abs);
    const clip = s.media.clip;
    if (clip && !use) files.set(s.media.abs, { id: `file-${files.size + 1}`, ...clip, written: false });
    else if (use && !use.rate) use.frames = Math.max(use.frames, s.frames);
    else if (!use) files.set(s.media.abs, { id: `file-${files.size + 1}`, frames: s.frames, written: false });
  }
  const items = cut.shots.map((s, i) => shotItem(s, i + 1, cut, files));
  const voice = voiceItems(cut, cut.shots.length + 1);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE xmeml>',
    '<xmeml version="4">',
    '<sequence id="sequence-1">',
    `<name>${x(cut.title)}</name><duration>${cut.totalFrames}</duration>${rateXml(r)}${timecodeXml(r)}`,
    '<media>',
    '<video>',
    `<format><samplecharacteristics>${rateXml(r)}<width>${cut.width}</width><height>${cut.height}</height><anamorphic>FALSE</anamorphic><pixelaspectratio>square</pixelaspectratio><fielddominance>none</fielddominance></samplecharacteristics></format>`,
    '<track>',
    ...items,
    '<enabled>TRUE</enabled><locked>FALSE</locked>',
    '</track>',
    '</video>',
    '<audio>',
    ...(voice.length
      ? ['<track>', ...voice, '<enabled>TRUE</enabled><locked>FALSE</locked>', '</track>']
      : []),
    '</audio>',
    '</media>',
    '</sequence>',
    '</xmeml>',
    '',
  ];
  return lines.join('\n');
}
