// The cover of the boards: the title, then the totals a producer asks for first (shots, running time,
// spend, review state) and the scenes with their shot counts and running times.
import { rgb } from 'pdf-lib';
import type { HandoffCut } from '../handoff';
import { tc } from '../rate';
import { fpsLabel, type Painter, text } from './draw';
import type { PageLayout } from './layout';

/** `1 h 02 min 05 s`, `3 min 20 s`, `45 s`. */
export function humanDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  const r = s % 60;
  if (h) return `${h} h ${String(m).padStart(2, '0')} min ${String(r).padStart(2, '0')} s`;
  if (m) return `${m} min ${String(r).padStart(2, '0')} s`;
  return `${r} s`;
}

export function coverTotals(cut: HandoffCut): [string, string][] {
  const shots = cut.shots;
  const rendered = shots.filter((s) => s.media).length;
  const priced = shots.filter((s) => s.costUsd !== undefined).length;
  const count = (st: string) => shots.filter((s) => s.review.status === st).length;
  const notCut = shots.filter((s) => s.durationProblem).length;
  const seconds = cut.totalFrames / cut.rate.fps;
  return [
    [
      'Shots',
      `${shots.length} (${rendered} with a take, ${shots.length - rendered} not rendered${notCut ? `, ${notCut} without a usable duration` : ''})`,
    ],
    [
      'Running time',
      `${humanDuration(seconds)} · ${tc(cut.totalFrames, cut.rate)} (${cut.totalFrames} frames at ${fpsLabel(cut)} fps)`,
    ],
    [
      'Spend',
      priced
        ? `$${cut.spendUsd.toFixed(2)} (recorded render costs of ${priced} shot${priced === 1 ? '' : 's'})`
        : 'no costs recorded',
    ],
    [
      'Review',
      `${count('approved')} approved · ${count('changes-requested')} changes requested · ${count('pending')} pending`,
    ],
  ];
}

export function drawCover(p: Painter, layout: PageLayout, cut: HandoffCut, date: string): void {
  const x = layout.margin + 20;
  const width = layout.width - 2 * x;
  let top = layout.margin + 70;
  text(p, cut.title, x, top, 28, { bold: true, maxWidth: width });
  top += 40;
  text(p, `Storyboard · ${date}`, x, top, 12, { color: rgb(0.42, 0.42, 0.45) });
  top += 36;
  for (const [label, value] of coverTotals(cut)) {
    text(p, label, x, top, 11, { bold: true });
    text(p, value, x + 110, top, 11, { maxWidth: width - 110 });
    top += 20;
  }
  top += 16;
  const scenes = new Map<string, { shots: number; frames: number }>();
  for (const s of cut.shots) {
    const key = s.sceneTitle ?? '(no scene)';
    const e = scenes.get(key) ?? { shots: 0, frames: 0 };
    e.shots++;
    e.frames += s.frames;
    scenes.set(key, e);
  }
  text(p, 'Scenes', x, top, 11, { bold: true });
  top += 18;
  const bottom = layout.footer.y - 12;
  const rows = [...scenes];
  for (const [i, [title, e]] of rows.entries()) {
    if (top + 14 > bottom) {
      text(p, `… and ${rows.length - i} more scenes`, x, top, 9, { color: rgb(0.42, 0.42, 0.45) });
      break;
    }
    text(p, title, x, top, 9, { maxWidth: width - 200 });
    text(
      p,
      `${e.shots} shot${e.shots === 1 ? '' : 's'} · ${humanDuration(e.frames / cut.rate.fps)}`,
      x + width,
      top,
      9,
      {
        align: 'right',
      },
    );
    top += 14;
  }
}
