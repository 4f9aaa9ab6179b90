// What the exports read from a shot beyond the schema this branch knows: the circled take, the review
// status and notes, the take's media file and the spend. Review and video shots are being built in other
// parts of Dailies; every read of their fields is here, lenient (a teammate's typo never breaks a
// hand-off), so these few functions can be swapped for the review module's own at merge.
import { takeFile } from '../../../shared/takeMedia';
import type { OutputRecord, RenderRecord, Shot } from '../../project/schema';
import { circledTake } from '../takes';

export const REVIEW_STATUSES = ['pending', 'approved', 'changes-requested'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export interface ReviewNote {
  text: string;
  author?: string;
  /** ISO time. */
  at?: string;
}

export interface ShotReview {
  status: ReviewStatus;
  /** The status as written when it is not one Dailies knows (then `status` is pending). */
  unknownStatus?: string;
  notes: ReviewNote[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `review: { status, notes: [string | { text, author, at }] }`, read leniently. */
export function reviewOf(shot: Shot): ShotReview {
  const value = (shot as Shot & { review?: unknown }).review;
  if (!isRecord(value)) return { status: 'pending', notes: [] };
  const raw = value['status'];
  const known = typeof raw === 'string' && (REVIEW_STATUSES as readonly string[]).includes(raw);
  const review: ShotReview = { status: known ? (raw as ReviewStatus) : 'pending', notes: [] };
  if (raw !== undefined && !known) review.unknownStatus = String(raw);
  const notes = value['notes'];
  for (const n of Array.isArray(notes) ? notes : []) {
    if (typeof n === 'string') review.notes.push({ text: n });
    else if (isRecord(n) && typeof n['text'] === 'string') {
      const note: ReviewNote = { text: n['text'] };
      if (typeof n['author'] === 'string') note.author = n['author'];
      if (typeof n['at'] === 'string') note.at = n['at'];
      review.notes.push(note);
    }
  }
  return review;
}

export interface TakeMedia {
  /** 1-based variation. */
  take: number;
  /** The file the take is, as recorded (project-relative): a still, or a video for video shots. */
  media: string;
  /** WebP thumbnail (or poster) as recorded, when there is one. */
  thumb?: string;
  /** A video take's poster frame (its output's `image`): what the boards print when there is no thumbnail. */
  poster?: string;
  width?: number;
  height?: number;
  seed?: number;
  /** A video take's own length and rate, as its render record measured them (when it did). */
  seconds?: number;
  frames?: number;
  fps?: number;
}

/**
 * The circled take's media. A video take may record its movie beside its poster (`video`, or `media`);
 * whichever file the take is, the exports link it as it is.
 */
export function takeMedia(shot: Shot): TakeMedia | undefined {
  const circled = circledTake(shot);
  if (!circled) return undefined;
  const o = circled.output as OutputRecord & { video?: unknown; media?: unknown; poster?: unknown };
  const pick = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const video = pick(o.video) ?? pick(o.media);
  const media = takeFile({ image: o.image, video });
  const thumb = pick(o.thumb) ?? pick(o.poster);
  const positive = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
  return {
    take: circled.take,
    media,
    thumb,
    ...(video && media !== o.image ? { poster: o.image } : {}),
    width: o.width,
    height: o.height,
    seed: o.seed ?? shot.render?.seed,
    ...(video ? { seconds: positive(o.seconds), frames: positive(o.frames), fps: positive(o.fps) } : {}),
  };
}

/** What the shot's recorded render cost (USD), when the provider priced it. */
export function costOf(shot: Shot): number | undefined {
  const c = (shot.render as (RenderRecord & { costUsd?: unknown }) | undefined)?.costUsd;
  return typeof c === 'number' && Number.isFinite(c) && c >= 0 ? c : undefined;
}

/** The model that made the circled take (recorded), else the one the shot asks for. */
export function modelOf(shot: Shot, fallback?: string): string | undefined {
  return shot.render?.model ?? shot.model ?? fallback;
}
