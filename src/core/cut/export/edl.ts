// CMX 3600 EDL: what every NLE imports. One event per shot in record order, cut ("C") on the video
// channel, source timecode from 00:00:00:00 (a still has no timecode of its own), record timecode on the
// cut. The reel is at most 8 letters or digits (no spaces, no punctuation: readers split event lines on
// whitespace) and unique per file, so a conform never mixes two takes up; the shot id travels in
// `* FROM CLIP NAME:` and the media path in `* FROM CLIP:` (the Avid style the OTIO reader links). A shot
// without a take is a black event (reel BL). Review notes become locators.
import type { HandoffCut, HandoffShot } from './handoff';
import { plainPath } from './media';
import { tc } from './rate';

/** Reel names that readers treat as generators or "unknown", never used for a take. */
const RESERVED = new Set(['BL', 'BLK', 'BLACK', 'BARS', 'AX', 'AUX']);

/** Hands out unique ≤ 8 character reel names (letters and digits, upper case), one per media file. */
export class ReelNames {
  private readonly used = new Set<string>();
  /** Next suffix to try per 8-character prefix, so thousands of ids sharing one stay linear. */
  private readonly next = new Map<string, number>();

  for(name: string): string {
    const base = name.toUpperCase().replace(/[^A-Z0-9]/g, '') || 'SHOT';
    const free = (r: string) => !this.used.has(r) && !RESERVED.has(r);
    let reel = base.slice(0, 8);
    // Every name that shares these 8 characters tries the same candidates: one counter for all of them.
    const key = reel;
    let n = this.next.get(key) ?? 1;
    while (!free(reel)) {
      const suffix = (n++).toString(36).toUpperCase();
      reel = base.slice(0, 8 - suffix.length) + suffix;
    }
    this.next.set(key, n);
    this.used.add(reel);
    return reel;
  }
}

/** One line of comment text: no line breaks or control characters (they would start a new event). */
export function edlText(s: string, max = 200): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, max)
  );
}

interface Event {
  reel: string;
  channel: 'V' | 'A';
  srcIn: number;
  srcOut: number;
  recIn: number;
  recOut: number;
  comments: string[];
}

const LOC_COLOR = { approved: 'GREEN', 'changes-requested': 'RED', pending: 'YELLOW' } as const;

function shotEvent(s: HandoffShot, reels: ReelNames): Event {
  const comments = [`* FROM CLIP NAME:  ${edlText(s.id)}`];
  if (s.media) comments.push(`* FROM CLIP: ${edlText(plainPath(s.media.abs), 4096)}`);
  else comments.push(`* SLATE: ${edlText(s.slate ?? 'not rendered')}`);
  for (const note of s.review.notes)
    comments.push(`* LOC: 00:00:00:00 ${LOC_COLOR[s.review.status].padEnd(7)} ${edlText(note.text)}`);
  return {
    reel: s.media ? reels.for(s.id) : 'BL',
    channel: 'V',
    srcIn: 0,
    srcOut: s.frames,
    recIn: s.startFrame,
    recOut: s.startFrame + s.frames,
    comments,
  };
}

/** The .edl text. Only cuttable durations may reach it (see `timelineProblems`). */
export function writeEdl(cut: HandoffCut): string {
  const r = cut.rate;
  const reels = new ReelNames();
  const events = cut.shots.map((s) => shotEvent(s, reels));
  const voice = cut.voice;
  if (voice?.clips.length) {
    const reel = reels.for('VOICE');
    for (const v of voice.clips) {
      events.push({
        reel,
        channel: 'A',
        srcIn: v.startFrame,
        srcOut: v.startFrame + v.frames,
        recIn: v.startFrame,
        recOut: v.startFrame + v.frames,
        comments: [
          `* FROM CLIP NAME:  ${edlText(v.name)}`,
          `* FROM CLIP: ${edlText(plainPath(voice.abs), 4096)}`,
        ],
      });
    }
    // Record order, picture before sound at the same time (a stable sort keeps each channel's order).
    events.sort((a, b) => a.recIn - b.recIn || (a.channel === b.channel ? 0 : a.channel === 'V' ? -1 : 1));
  }
  const out = [`TITLE: ${edlText(cut.title, 70) || 'Dailies'}`, 'FCM: NON-DROP FRAME', ''];
  events.forEach((e, i) => {
    const num = String(i + 1).padStart(3, '0');
    out.push(
      `${num}  ${e.reel.padEnd(8)} ${e.channel.padEnd(5)} C        ${tc(e.srcIn, r)} ${tc(e.srcOut, r)} ${tc(e.recIn, r)} ${tc(e.recOut, r)}`,
      ...e.comments,
    );
  });
  return `${out.join('\n')}\n`;
}
