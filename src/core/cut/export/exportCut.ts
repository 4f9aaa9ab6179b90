// `dailies export` and "Dailies: Export…": loads the project, builds the hand-off once and writes one
// format, atomically: next to project.json by default (`<title>.otio`, `.xml`, `.edl`, `.pdf`, `.csv`),
// or where the user asks. Inside the project the usual rule holds (no folder on the way may lead out by
// a link); a path the user names outside it must be in an existing folder. project.json itself, and the
// takes the hand-off links, are never overwritten.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadProject } from '../../project/load';
import type { ProjectPaths } from '../../project/paths';
import { writeFileAtomic } from '../../util/atomicWrite';
import { isInside, safeDestination } from '../../util/contained';
import { DailiesError } from '../../util/errors';
import { CutError } from '../errors';
import { writeCsv } from './csv';
import { writeEdl } from './edl';
import { writeFcpXml } from './fcpxml';
import { defaultExportName, EXPORT_FORMATS, type ExportFormat } from './formats';
import { buildHandoff, type HandoffCut } from './handoff';
import { writeOtio } from './otio';
import { type BoardOptions, DEFAULT_BOARDS, writeBoards } from './pdf/boards';

export { defaultExportName, EXPORT_FORMATS, type ExportFormat, isExportFormat } from './formats';

export interface ExportOptions {
  format: ExportFormat;
  /** Absolute path of the file to write; default: next to project.json. */
  out?: string;
  fps?: number;
  /** Project-relative scratch-voice track (default `cut/voice.mp3`, linked when it exists). */
  voice?: string;
  boards?: Partial<Pick<BoardOptions, 'paper' | 'grid' | 'now'>>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportResult {
  format: ExportFormat;
  file: string;
  shots: number;
  frames: number;
  fps: number;
  /** Shots shown as slates (not rendered, or the take's file is missing). */
  slates: string[];
  warnings: string[];
  pages?: number;
}

/** Where the TTS scratch voice is laid as one track as long as the cut (the animatic muxes the same file). */
export const DEFAULT_VOICE_TRACK = 'cut/voice.mp3';

/** Shots whose duration cannot be cut, named: a timeline with them would be malformed. */
export function timelineProblems(cut: HandoffCut): string | undefined {
  const bad = cut.shots.filter((s) => s.durationProblem);
  if (!bad.length) return undefined;
  const list = bad.slice(0, 5).map((s) => `${s.id} (${s.durationProblem})`);
  if (bad.length > 5) list.push(`and ${bad.length - 5} more`);
  return `cannot cut ${bad.length} shot(s) into a timeline: ${list.join('; ')}. Give each a duration above 0 s`;
}

/** Resolves and checks where an export goes; creates nothing outside the project. */
export async function exportTarget(paths: ProjectPaths, file: string): Promise<string> {
  const abs = path.resolve(file);
  if (path.resolve(abs) === paths.projectFile || path.basename(abs) === '') {
    throw new DailiesError('validation', `refusing to write an export over ${abs}`);
  }
  const inside = isInside(paths.root, abs);
  let target: string;
  try {
    target = await safeDestination(abs, inside ? paths.root : path.dirname(abs));
  } catch (err) {
    if (err instanceof DailiesError) throw err;
    throw new DailiesError(
      'validation',
      `cannot write ${abs}: the folder ${path.dirname(abs)} does not exist`,
    );
  }
  const real = await fs.realpath(target).catch(() => target);
  if (real === paths.projectFile)
    throw new DailiesError('validation', `refusing to write an export over ${real}`);
  const st = await fs.stat(real).catch(() => undefined);
  if (st?.isDirectory()) throw new DailiesError('validation', `${abs} is a folder; name the file to write`);
  return target;
}

export async function exportCut(projectFile: string, options: ExportOptions): Promise<ExportResult> {
  const doc = await loadProject(projectFile);
  const cut = await buildHandoff(doc.project, doc.paths, {
    fps: options.fps ?? 24,
    voice: options.voice ?? DEFAULT_VOICE_TRACK,
  });
  const format = options.format;
  if (EXPORT_FORMATS[format].timeline) {
    const problem = timelineProblems(cut);
    if (problem) throw new CutError('validation', problem);
  }
  const target = await exportTarget(
    doc.paths,
    options.out ?? path.join(doc.paths.root, defaultExportName(cut, format)),
  );
  if (cut.shots.some((s) => s.media?.abs === target) || cut.voice?.abs === target) {
    throw new DailiesError('validation', `refusing to write an export over a take it links (${target})`);
  }
  const result: ExportResult = {
    format,
    file: target,
    shots: cut.shots.length,
    frames: cut.totalFrames,
    fps: cut.rate.fps,
    slates: cut.shots.filter((s) => !s.media).map((s) => s.id),
    warnings: cut.warnings,
  };
  const within = path.dirname(target);
  if (format === 'pdf') {
    const { pages } = await writeBoards(cut, doc.paths, target, {
      ...DEFAULT_BOARDS,
      ...options.boards,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    result.pages = pages;
  } else {
    const text =
      format === 'otio'
        ? writeOtio(cut)
        : format === 'fcpxml'
          ? writeFcpXml(cut)
          : format === 'edl'
            ? writeEdl(cut)
            : writeCsv(cut);
    if (options.signal?.aborted) throw new DailiesError('canceled', 'Canceled');
    await writeFileAtomic(target, text, { within });
  }
  return result;
}
