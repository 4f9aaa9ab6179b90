// The shot list (RFC 4180): CRLF between records, fields quoted when they hold a comma, quote or line
// break, quotes doubled; UTF-8 with a BOM so spreadsheet apps read é, ß and Cyrillic as such. A text cell
// that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe: a prompt is
// never executed on the producer's machine.
import type { HandoffCut, HandoffShot } from './handoff';
import { tc } from './rate';

export const CSV_COLUMNS = [
  'id',
  'scene',
  'duration',
  'in',
  'out',
  'take',
  'status',
  'model',
  'cost',
  'prompt',
  'notes',
  'frames',
  'media',
  'review notes',
  'problem',
] as const;

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Text from the project: defused when a spreadsheet would evaluate it. */
export function csvText(value: string | undefined): string {
  if (!value) return '';
  return csvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

const num = (n: number | undefined, digits: number) =>
  n === undefined ? '' : String(Number(n.toFixed(digits)));

function row(s: HandoffShot, cut: HandoffCut): string {
  const cuttable = s.frames > 0;
  const reviewNotes = s.review.notes.map((n) => (n.author ? `${n.author}: ${n.text}` : n.text)).join('\n');
  return [
    csvText(s.id),
    csvText(s.sceneTitle ?? s.sceneId),
    num(s.seconds, 6),
    cuttable ? tc(s.startFrame, cut.rate) : '',
    cuttable ? tc(s.startFrame + s.frames, cut.rate) : '',
    s.take === undefined ? '' : String(s.take),
    csvText(s.review.unknownStatus ?? s.review.status),
    csvText(s.model),
    num(s.costUsd, 4),
    csvText(s.prompt),
    csvText(s.notes),
    String(s.frames),
    csvText(s.media?.rel),
    csvText(reviewNotes),
    csvText(s.durationProblem ?? s.slate),
  ].join(',');
}

export function writeCsv(cut: HandoffCut): string {
  const lines = [CSV_COLUMNS.join(','), ...cut.shots.map((s) => row(s, cut))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
