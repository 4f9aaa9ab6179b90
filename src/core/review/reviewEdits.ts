// Circling, approving, sending back with notes: each a change of a shot's `take` or `review`, computed
// from what project.json holds at the moment of the write (under its lock), queued on the project's
// writer and written in one minimal, format-keeping, atomic edit for any number of shots. A value Dailies
// cannot safely extend (a `review` that is not an object, `notes` that are not a list) is refused with a
// reason, never replaced: a user's data is never reset silently.
import type { ReviewStatus } from '../../shared/review';
import { KEEP, type ProjectWriter, type PropertyUpdate } from '../project/write';
import { DailiesError } from '../util/errors';
import { isRecord } from './reviewData';

export type ReviewAction =
  /** Circle a take (undefined: uncircle). */
  | { kind: 'circle'; take: number | undefined }
  | { kind: 'status'; status: ReviewStatus; note?: string }
  | { kind: 'note'; note: string };

export interface ReviewResult {
  /** Shots whose project.json entry changed. */
  written: string[];
  /** Shots no longer in project.json. */
  missing: string[];
  /** Shots left as they were, and why. */
  refused: { shotId: string; reason: string }[];
  /** Why nothing could be written (e.g. project.json is mid-edit): nothing was, nothing will be. */
  blocked?: string;
}

export interface ReviewContext {
  /** Who reviews (git user.name or the OS user), undefined when unknown. */
  who: string | undefined;
  /** ISO time of the review. */
  at: string;
}

export const MAX_NOTE_CHARS = 20_000;

/** A note the user typed, trimmed; a clear error when it is empty or too long. */
export function checkNote(note: string): string {
  const text = note.trim();
  if (!text) throw new DailiesError('validation', 'A note cannot be empty');
  if (text.length > MAX_NOTE_CHARS)
    throw new DailiesError(
      'validation',
      `A note is limited to ${MAX_NOTE_CHARS.toLocaleString('en-US')} characters`,
    );
  return text;
}

/**
 * Applies one action to many shots in one write (the writer's batch), and reports what happened to each.
 * A write that is blocked is given up entirely: a review the user saw fail must not land later.
 */
export async function applyReview(
  writer: ProjectWriter,
  shotIds: readonly string[],
  action: ReviewAction,
  ctx: ReviewContext,
): Promise<ReviewResult> {
  if (action.kind !== 'circle') {
    const note = action.note;
    if (note !== undefined) action = { ...action, note: checkNote(note) } as ReviewAction;
  } else if (
    action.take !== undefined &&
    !(Number.isInteger(action.take) && action.take >= 1 && action.take <= 16)
  ) {
    throw new DailiesError('validation', `A take is a variation number from 1 to 16, not ${action.take}`);
  }
  const refused = new Map<string, string>();
  let live = true;
  const ids = [...new Set(shotIds)];
  for (const id of ids) {
    const refuse = (reason: string): typeof KEEP => {
      refused.set(id, reason);
      return KEEP;
    };
    const guarded =
      (fn: PropertyUpdate): PropertyUpdate =>
      (v, read) =>
        live ? fn(v, read) : KEEP;
    if (action.kind === 'circle') writer.update(id, 'take', guarded(circleUpdate(action.take, refuse)));
    else writer.update(id, 'review', guarded(reviewUpdate(action, ctx, refuse)));
  }
  const report = await writer.flush();
  if (report.blocked) live = false;
  const wanted = new Set(ids);
  return {
    written: report.written.filter((id) => wanted.has(id)),
    missing: report.missing.filter((id) => wanted.has(id)),
    refused: [...refused]
      .filter(([id]) => !report.blocked && wanted.has(id))
      .map(([shotId, reason]) => ({ shotId, reason })),
    ...(report.blocked ? { blocked: report.blocked } : {}),
  };
}

function circleUpdate(take: number | undefined, refuse: (why: string) => typeof KEEP): PropertyUpdate {
  return (_current, read) => {
    if (take === undefined) return undefined;
    const render = read('render');
    const outputs = isRecord(render) && Array.isArray(render['outputs']) ? render['outputs'] : [];
    const rendered = outputs
      .map((o) => (isRecord(o) ? o['variation'] : undefined))
      .filter((v): v is number => typeof v === 'number')
      .sort((a, b) => a - b);
    if (!rendered.includes(take)) {
      return refuse(
        rendered.length
          ? `has no rendered take ${take} (rendered: ${rendered.join(', ')})`
          : 'has not been rendered yet',
      );
    }
    return take;
  };
}

function reviewUpdate(
  action: Exclude<ReviewAction, { kind: 'circle' }>,
  ctx: ReviewContext,
  refuse: (why: string) => typeof KEEP,
): PropertyUpdate {
  return (current) => {
    if (current !== undefined && !isRecord(current))
      return refuse('has a "review" that is not an object; fix it in project.json first');
    const review: Record<string, unknown> = { ...(current ?? {}) };
    const notes = review['notes'];
    if (notes !== undefined && !Array.isArray(notes))
      return refuse('has review "notes" that are not a list; fix them in project.json first');
    if (action.kind === 'status') {
      review['status'] = action.status;
      review['by'] = ctx.who;
      review['at'] = ctx.at;
      if (ctx.who === undefined) delete review['by'];
    }
    if (action.note !== undefined) {
      const note: Record<string, unknown> = { text: action.note };
      if (ctx.who !== undefined) note['author'] = ctx.who;
      note['at'] = ctx.at;
      if (action.kind === 'status') note['status'] = action.status;
      review['notes'] = [...((notes as unknown[] | undefined) ?? []), note];
    }
    return review;
  };
}

/**
 * What a new render does to a shot's review: one that was sent back (changes requested) is pending
 * again, its notes kept as the history of what was asked for. Any other review is left as it is.
 */
export function reopenAfterRender(renderedAt: string): PropertyUpdate {
  return (current) => {
    if (!isRecord(current) || current['status'] !== 'changes-requested') return KEEP;
    const { by: _by, ...rest } = current;
    return { ...rest, status: 'pending', at: renderedAt };
  };
}
