// Review problems as warnings at their line: a take that names no rendered variation, a status Dailies
// does not know, a note that is not text. Warnings, never errors: review data never changes what is
// rendered, so a teammate's typo in it must not stop a batch. Nothing is rewritten: the surfaces read the
// shot as pending / variation 1 (reviewData.ts, takes.ts) until the user fixes the value.
import { REVIEW_STATUSES } from '../../shared/review';
import type { Project, Shot } from '../project/schema';
import { closest, type RawIssue } from '../project/validate';
import { isRecord } from './reviewData';

const MAX_REVIEW_ISSUES = 100;

export function reviewIssues(project: Project): RawIssue[] {
  const out: RawIssue[] = [];
  for (let i = 0; i < project.shots.length && out.length < MAX_REVIEW_ISSUES; i++) {
    const shot = project.shots[i]!;
    if (shot.take !== undefined) takeIssue(shot, i, out);
    if (shot.review !== undefined) statusAndNoteIssues(shot, i, out);
  }
  return out.slice(0, MAX_REVIEW_ISSUES);
}

function takeIssue(shot: Shot, i: number, out: RawIssue[]): void {
  const rendered = (shot.render?.outputs ?? []).map((o) => o.variation).sort((a, b) => a - b);
  if (rendered.includes(shot.take!)) return;
  const message = rendered.length
    ? `take ${shot.take} names no rendered variation (rendered: ${rendered.join(', ')}); the edit uses variation ${rendered.includes(1) ? 1 : rendered[0]} until it is rendered`
    : `take ${shot.take}: the shot has not been rendered yet; the edit uses variation 1 once it is`;
  out.push({ pointer: `/shots/${i}/take`, message, severity: 'warning', code: 'take' });
}

function statusAndNoteIssues(shot: Shot, i: number, out: RawIssue[]): void {
  const review = shot.review as Record<string, unknown>;
  const status = review['status'];
  if (typeof status === 'string' && !(REVIEW_STATUSES as readonly string[]).includes(status)) {
    const suggestions = closest(status, REVIEW_STATUSES);
    out.push({
      pointer: `/shots/${i}/review/status`,
      message: `unknown review status "${status}" (one of ${REVIEW_STATUSES.map((s) => `"${s}"`).join(', ')}); the shot counts as pending`,
      severity: 'warning',
      code: 'review-status',
      suggestions,
    });
  }
  const notes = review['notes'];
  if (!Array.isArray(notes)) return;
  notes.forEach((note, j) => {
    const at = `/shots/${i}/review/notes/${j}`;
    if (typeof note === 'string') return;
    if (!isRecord(note)) {
      out.push({
        pointer: at,
        message: `note ${j + 1} is not text (write a string, or { "text": "…" })`,
        severity: 'warning',
        code: 'review-note',
      });
      return;
    }
    for (const key of ['text', 'author', 'at', 'status'] as const) {
      const v = note[key];
      if (v === undefined ? key !== 'text' : typeof v === 'string') continue;
      out.push({
        pointer: v === undefined ? at : `${at}/${key}`,
        message: v === undefined ? `note ${j + 1} has no "text"` : `note ${j + 1}: "${key}" must be a string`,
        severity: 'warning',
        code: 'review-note',
      });
    }
  });
}
