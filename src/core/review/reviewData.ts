// A shot's review as every surface reads it: leniently, because a whole crew writes it through git. An
// unknown status reads as pending (and is reported at its line by review/validate.ts, never rewritten);
// a note that is not readable is skipped here and reported there.
import { isReviewStatus, type ReviewStatus } from '../../shared/review';

export interface ReviewNote {
  text: string;
  author?: string;
  /** ISO time. */
  at?: string;
  /** The status the note was written with (e.g. a request for changes). */
  status?: string;
}

export interface ReviewView {
  /** What the shot counts as: an unknown or missing status is pending. */
  status: ReviewStatus;
  /** The status as written, when it is not one Dailies knows. */
  unknownStatus?: string;
  by?: string;
  at?: string;
  /** Readable notes, oldest first. */
  notes: ReviewNote[];
}

const EMPTY: ReviewView = { status: 'pending', notes: [] };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A note as written (plain text or an object with a string `text`), or undefined when unreadable. */
export function readNote(v: unknown): ReviewNote | undefined {
  if (typeof v === 'string') return { text: v };
  if (!isRecord(v) || typeof v['text'] !== 'string') return undefined;
  const note: ReviewNote = { text: v['text'] };
  if (typeof v['author'] === 'string') note.author = v['author'];
  if (typeof v['at'] === 'string') note.at = v['at'];
  if (typeof v['status'] === 'string') note.status = v['status'];
  return note;
}

export function readReview(value: unknown): ReviewView {
  if (!isRecord(value)) return EMPTY;
  const raw = value['status'];
  const view: ReviewView = {
    status: isReviewStatus(raw) ? raw : 'pending',
    notes: [],
  };
  if (raw !== undefined && !isReviewStatus(raw)) view.unknownStatus = String(raw);
  if (typeof value['by'] === 'string') view.by = value['by'];
  if (typeof value['at'] === 'string') view.at = value['at'];
  const notes = value['notes'];
  if (Array.isArray(notes)) {
    for (const n of notes) {
      const note = readNote(n);
      if (note) view.notes.push(note);
    }
  }
  return view;
}
