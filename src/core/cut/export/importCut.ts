// Timing back from editorial: `dailies import-cut <project.json> <cut.otio|.xml|.edl> [--reorder]`. Each
// clip of the editor's picture track is matched to a shot (the id Dailies wrote in its metadata, else its
// name, else the take it links), its length becomes the shot's duration (seconds, exact to the frame at
// the hand-off fps) and, on request, the shots take the editor's order. The change is one minimal edit of
// project.json under the project lock (see cutEdit.ts). Shots the editor dropped are reported and kept;
// clips that match no shot are reported and ignored.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../../project/load';
import type { ProjectPaths } from '../../project/paths';
import type { Project } from '../../project/schema';
import { FileProjectIO, type ProjectIO } from '../../project/write';
import { durationProblem, framesFor, shotSeconds } from '../timing';
import { writeCutEdit } from './cutEdit';
import { rateOf } from './rate';
import { type EditorialCut, readCutFile } from './readCut';

export interface DurationChange {
  shotId: string;
  from: number;
  to: number;
  frames: number;
}

export interface ImportPlan {
  /** Clips matched to a shot, in the editor's order. */
  matched: number;
  changes: DurationChange[];
  /** The shots' new order (all of them), when reordering was asked for and it differs. */
  order?: string[];
  /** Shots in project.json that the cut does not use: kept as they are. */
  dropped: string[];
  /** Clips that match no shot. */
  unknown: string[];
  /** Shots used by more than one clip (their lengths are added up; the first use gives the position). */
  repeated: string[];
  skipped: string[];
}

/** Seconds written for a frame count: six decimals, which round back to the same frame at ≤ 120 fps. */
export function secondsFor(frames: number, fps: number): number {
  return Math.round((frames / fps) * 1e6) / 1e6;
}

function mediaPath(media: string | undefined, cutDir: string): string | undefined {
  if (!media) return undefined;
  try {
    if (/^file:/i.test(media)) return path.resolve(fileURLToPath(media));
    if (/^[a-z][a-z0-9+.-]+:/i.test(media)) return undefined;
    return path.resolve(cutDir, media);
  } catch {
    return undefined;
  }
}

export function planImport(
  project: Project,
  paths: ProjectPaths,
  cut: EditorialCut,
  options: { fps: number; reorder: boolean; cutFile: string },
): ImportPlan {
  const rate = rateOf(options.fps);
  const ids = new Set(project.shots.map((s) => s.id));
  const byMedia = new Map<string, string>();
  for (const shot of project.shots) {
    for (const o of shot.render?.outputs ?? []) {
      for (const ref of [o.image, (o as { video?: unknown }).video]) {
        if (typeof ref !== 'string') continue;
        try {
          byMedia.set(paths.resolveFile(ref).abs, shot.id);
        } catch {
          // A recorded path that leaves the project matches nothing.
        }
      }
    }
  }
  const frames = new Map<string, number>();
  const order: string[] = [];
  const unknown: string[] = [];
  const repeated = new Set<string>();
  const cutDir = path.dirname(path.resolve(options.cutFile));
  for (const clip of cut.clips) {
    const media = mediaPath(clip.media, cutDir);
    const id =
      [clip.shotId, clip.name].find((c) => c !== undefined && ids.has(c)) ??
      (media ? byMedia.get(media) : undefined);
    if (!id) {
      unknown.push(clip.name || clip.media || '(unnamed clip)');
      continue;
    }
    const f = Math.round((clip.frames / clip.rate) * rate.fps);
    if (frames.has(id)) repeated.add(id);
    else order.push(id);
    frames.set(id, (frames.get(id) ?? 0) + f);
  }
  const changes: DurationChange[] = [];
  const shots = new Map(project.shots.map((s) => [s.id, s]));
  for (const id of order) {
    const shot = shots.get(id)!;
    const { seconds } = shotSeconds(project, shot);
    const to = frames.get(id)!;
    if (to <= 0) continue;
    const same = !durationProblem(seconds) && framesFor(seconds, rate.fps) === to;
    if (!same) changes.push({ shotId: id, from: seconds, to: secondsFor(to, rate.fps), frames: to });
  }
  const used = new Set(order);
  const dropped = project.shots.map((s) => s.id).filter((id) => !used.has(id));
  const plan: ImportPlan = {
    matched: cut.clips.length - unknown.length,
    changes,
    dropped,
    unknown,
    repeated: [...repeated],
    skipped: cut.skipped,
  };
  if (options.reorder) {
    const next = reorderKeeping(
      project.shots.map((s) => s.id),
      order,
    );
    if (next.some((id, i) => project.shots[i]!.id !== id)) plan.order = next;
  }
  return plan;
}

/**
 * The editor's order, with every shot the cut does not use put back right after the shot it followed in
 * project.json (so an unused alternate stays beside its scene), or first when nothing preceded it.
 */
export function reorderKeeping(original: string[], cutOrder: string[]): string[] {
  const inCut = new Set(cutOrder);
  const after = new Map<string | undefined, string[]>();
  let anchor: string | undefined;
  for (const id of original) {
    if (inCut.has(id)) anchor = id;
    else {
      const list = after.get(anchor);
      if (list) list.push(id);
      else after.set(anchor, [id]);
    }
  }
  const out = [...(after.get(undefined) ?? [])];
  for (const id of cutOrder) out.push(id, ...(after.get(id) ?? []));
  return out;
}

export interface ImportOptions {
  /** Frames per second the durations are counted in (the hand-off's; an EDL is read at it). */
  fps?: number;
  reorder?: boolean;
  /** Where project.json is read and written (VS Code passes its editor-aware IO). */
  io?: ProjectIO;
  /** Report what would change, write nothing. */
  dryRun?: boolean;
}

export interface ImportReport extends ImportPlan {
  format: EditorialCut['format'];
  clips: number;
  written: boolean;
}

export async function importCut(
  projectFile: string,
  cutFile: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const fps = options.fps ?? 24;
  const doc = await loadProject(projectFile);
  const cut = await readCutFile(cutFile, fps);
  const plan = planImport(doc.project, doc.paths, cut, { fps, reorder: options.reorder ?? false, cutFile });
  const report: ImportReport = { ...plan, format: cut.format, clips: cut.clips.length, written: false };
  if (options.dryRun) return report;
  const io = options.io ?? new FileProjectIO(doc.paths.projectFile);
  report.written = await writeCutEdit(io, doc.paths.projectFile, {
    durations: new Map(plan.changes.map((c) => [c.shotId, c.to])),
    order: plan.order,
  });
  return report;
}
