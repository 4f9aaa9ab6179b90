// OpenTimelineIO (.otio): the JSON serialisation of OTIO 0.18 as its C++ core writes it (Timeline.1,
// Stack.1, Track.1, Clip.2 with `media_references` / `active_media_reference_key`, ExternalReference.1,
// GeneratorReference.1, Gap.1, Marker.2, TimeRange.1, RationalTime.1). One video track of the shots in
// order, each clip the circled take held for its frames; a shot without a take is a black slate clip
// (a generator), named like the shot, so every shot keeps its place. Review notes are markers; the
// scratch voice, when the animatic has one, is an audio track of one clip per line.
import type { HandoffCut, HandoffShot } from './handoff';
import { fileUrl } from './media';
import type { Rate } from './rate';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const time = (value: number, rate: Rate) => ({ OTIO_SCHEMA: 'RationalTime.1', rate: rate.fps, value });
const range = (start: number, duration: number, rate: Rate) => ({
  OTIO_SCHEMA: 'TimeRange.1',
  start_time: time(start, rate),
  duration: time(duration, rate),
});

function item(schema: string, name: string, metadata: Json, sourceRange: Json): Record<string, Json> {
  return {
    OTIO_SCHEMA: schema,
    metadata,
    name,
    source_range: sourceRange,
    effects: [],
    markers: [],
    enabled: true,
  };
}

function reference(schema: string, name: string, available: Json, extra: Record<string, Json>) {
  return {
    OTIO_SCHEMA: schema,
    metadata: {},
    name,
    available_range: available,
    available_image_bounds: null,
    ...extra,
  };
}

const MARKER_COLOR = { approved: 'GREEN', 'changes-requested': 'RED', pending: 'YELLOW' } as const;

/** The shot's metadata under `dailies` (what editors' tools carry along and import-cut reads back). */
export function shotMetadata(s: HandoffShot): { [k: string]: Json } {
  const m: { [k: string]: Json } = { shotId: s.id, index: s.index, prompt: s.prompt };
  const opt = (k: string, v: Json | undefined) => {
    if (v !== undefined) m[k] = v;
  };
  opt('scene', s.sceneId);
  opt('sceneTitle', s.sceneTitle);
  opt('model', s.model);
  opt('seed', s.seed);
  opt('take', s.take);
  m['reviewStatus'] = s.review.status;
  opt('reviewStatusAsWritten', s.review.unknownStatus);
  if (s.review.notes.length) m['reviewNotes'] = s.review.notes.map((n) => ({ ...n }));
  opt('notes', s.notes);
  opt('costUsd', s.costUsd);
  opt('media', s.media?.rel);
  opt('slate', s.slate);
  m['seconds'] = s.seconds;
  return m;
}

function clip(s: HandoffShot, rate: Rate): Record<string, Json> {
  // A video's media is as long as the clip, at the clip's rate; a still is held for the shot's frames.
  const clipLen = s.media?.clip;
  const available = clipLen ? range(0, clipLen.frames, clipLen.rate) : range(0, s.frames, rate);
  const c = item('Clip.2', s.id, { dailies: shotMetadata(s) }, range(0, s.frames, rate));
  c['markers'] = s.review.notes.map((n) => ({
    OTIO_SCHEMA: 'Marker.2',
    metadata: { dailies: { ...n, status: s.review.status } },
    name: n.text.split('\n')[0]!.slice(0, 120),
    color: MARKER_COLOR[s.review.status],
    marked_range: range(0, 0, rate),
    comment: n.author ? `${n.text} (${n.author})` : n.text,
  }));
  c['color'] = null;
  c['media_references'] = {
    DEFAULT_MEDIA: s.media
      ? reference('ExternalReference.1', s.media.rel.split('/').pop() ?? s.id, available, {
          target_url: fileUrl(s.media.abs),
        })
      : reference('GeneratorReference.1', 'Slate', available, {
          generator_kind: 'Slug',
          parameters: { color: 'black', reason: s.slate ?? 'not rendered' },
        }),
  };
  c['active_media_reference_key'] = 'DEFAULT_MEDIA';
  return c;
}

function voiceTrack(cut: HandoffCut): Record<string, Json> | undefined {
  const voice = cut.voice;
  if (!voice || voice.clips.length === 0) return undefined;
  const rate = cut.rate;
  const children: Json[] = [];
  let at = 0;
  for (const v of voice.clips) {
    if (v.startFrame > at) children.push(item('Gap.1', '', {}, range(0, v.startFrame - at, rate)));
    const c = item(
      'Clip.2',
      v.name,
      { dailies: { shotId: v.shotId, line: v.line } },
      range(v.startFrame, v.frames, rate),
    );
    c['color'] = null;
    c['media_references'] = {
      DEFAULT_MEDIA: reference(
        'ExternalReference.1',
        voice.rel.split('/').pop() ?? 'voice',
        range(0, cut.totalFrames, rate),
        {
          target_url: fileUrl(voice.abs),
        },
      ),
    };
    c['active_media_reference_key'] = 'DEFAULT_MEDIA';
    children.push(c);
    at = v.startFrame + v.frames;
  }
  return { ...item('Track.1', 'Scratch voice', {}, null), color: null, children, kind: 'Audio' };
}

/** The .otio text. Only cuttable durations may reach it (see `timelineProblems`). */
export function writeOtio(cut: HandoffCut): string {
  const rate = cut.rate;
  const video = {
    ...item('Track.1', 'Shots', {}, null),
    color: null,
    children: cut.shots.map((s) => clip(s, rate)),
    kind: 'Video',
  };
  const audio = voiceTrack(cut);
  const timeline = {
    OTIO_SCHEMA: 'Timeline.1',
    metadata: {
      dailies: {
        title: cut.title,
        fps: rate.fps,
        width: cut.width,
        height: cut.height,
        spendUsd: cut.spendUsd,
      },
    },
    name: cut.title,
    global_start_time: time(0, rate),
    tracks: {
      ...item('Stack.1', 'tracks', {}, null),
      color: null,
      children: audio ? [video, audio] : [video],
    },
  };
  return `${JSON.stringify(timeline, null, 2)}\n`;
}
