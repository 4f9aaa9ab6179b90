// `dailies export <project.json> --format otio|fcpxml|edl|pdf|csv [--out F]`: the hand-off to editorial
// and to paper. The file goes next to project.json unless --out names another (relative to the current
// folder); the result is printed on stdout (--json: one document), warnings on stderr.
import { parseArgs } from 'node:util';
import {
  EXPORT_FORMATS,
  type ExportResult,
  exportCut,
  isExportFormat,
} from '../../core/cut/export/exportCut';
import { type Paper, parseGrid } from '../../core/cut/export/pdf/layout';
import { rateOf, tc } from '../../core/cut/export/rate';
import { ProjectLoadError } from '../../core/project/load';
import { formatIssue } from '../../core/project/validate';
import { toDailiesError } from '../../core/util/errors';
import type { CliIO } from '../main';

export const EXPORT_USAGE = `Usage: dailies export <project.json> --format otio|fcpxml|edl|pdf|csv [options]

  --format <f>     otio (OpenTimelineIO), fcpxml (FCP 7 XML for Premiere/Resolve), edl (CMX 3600),
                   pdf (boards with timings), csv (shot list)
  --out <file>     where to write (default: next to project.json, named after the title)
  --fps <n>        frames per second of the hand-off (default 24; 23.976, 29.97 and 59.94 too)
  --voice <file>   scratch-voice track (project-relative; default cut/voice.mp3 when it exists)
  --paper a4|letter, --panels 2x3   (pdf) paper and rows×columns of panels per page
  --json, --quiet`;

export class HandoffUsageError extends Error {}

export function fpsFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  try {
    return rateOf(n).fps;
  } catch (err) {
    throw new HandoffUsageError(`--fps: ${(err as Error).message}`);
  }
}

/** Exit code of a hand-off failure: 2 for input the user can fix, 1 otherwise. */
export function failure(err: unknown, io: CliIO, json: boolean, what: string): number {
  const error = toDailiesError(err);
  const lines =
    err instanceof ProjectLoadError && err.issues.length
      ? err.issues.slice(0, 20).map((i) => formatIssue(err.file, i))
      : [error.message];
  if (json) io.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
  for (const l of lines) io.stderr.write(`dailies: ${what}: ${l}\n`);
  if (error.code === 'canceled') return 130;
  const fixable = ['validation', 'path-escape', 'path-invalid', 'not-found', 'ref-missing'];
  return fixable.includes(error.code) || error.code.startsWith('project') ? 2 : 1;
}

export async function exportCommand(argv: string[], io: CliIO): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let projectFile: string;
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        out: { type: 'string', short: 'o' },
        fps: { type: 'string' },
        voice: { type: 'string' },
        paper: { type: 'string' },
        panels: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    values = parsed.values;
    if (values['help']) {
      io.stdout.write(`${EXPORT_USAGE}\n`);
      return 0;
    }
    const [file, ...rest] = parsed.positionals;
    if (!file) throw new HandoffUsageError('missing <project.json>');
    if (rest.length) throw new HandoffUsageError(`unexpected argument "${rest[0]}"`);
    projectFile = file;
    if (!isExportFormat(values['format']))
      throw new HandoffUsageError(`--format must be one of ${Object.keys(EXPORT_FORMATS).join(', ')}`);
    if (values['paper'] !== undefined && values['paper'] !== 'a4' && values['paper'] !== 'letter')
      throw new HandoffUsageError('--paper is a4 or letter');
  } catch (err) {
    io.stderr.write(`dailies export: ${(err as Error).message}\n\n${EXPORT_USAGE}\n`);
    return 2;
  }
  const json = values['json'] === true;
  const quiet = values['quiet'] === true;
  const format = values['format'] as keyof typeof EXPORT_FORMATS;
  const tty = io.stderr.isTTY === true && !json && !quiet;
  try {
    const result = await exportCut(projectFile, {
      format,
      out: typeof values['out'] === 'string' ? values['out'] : undefined,
      fps: fpsFlag(values['fps'] as string | undefined),
      voice: values['voice'] as string | undefined,
      boards: {
        ...(values['paper'] ? { paper: values['paper'] as Paper } : {}),
        ...(values['panels'] ? { grid: parseGrid(String(values['panels'])) } : {}),
      },
      onProgress: tty ? (done, total) => io.stderr.write(`\r\x1b[2Kpage ${done}/${total}`) : undefined,
    });
    if (tty) io.stderr.write('\r\x1b[2K');
    if (!quiet && !json) for (const w of result.warnings) io.stderr.write(`warning: ${w}\n`);
    if (json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else if (!quiet) io.stdout.write(`${exportText(result)}\n`);
    return 0;
  } catch (err) {
    if (tty) io.stderr.write('\r\x1b[2K');
    if (err instanceof HandoffUsageError) {
      io.stderr.write(`dailies export: ${err.message}\n`);
      return 2;
    }
    return failure(err, io, json, 'export failed (nothing written)');
  }
}

export function exportText(r: ExportResult): string {
  const rate = rateOf(r.fps);
  const slates = r.slates.length
    ? ` · ${r.slates.length} slate(s) for shots without a take: ${r.slates.slice(0, 8).join(', ')}${r.slates.length > 8 ? '…' : ''}`
    : '';
  const pages = r.pages ? ` · ${r.pages} pages` : '';
  return `${EXPORT_FORMATS[r.format].label}: ${r.file} · ${r.shots} shots · ${tc(r.frames, rate)} (${r.frames} frames at ${Number(r.fps.toFixed(3))} fps)${pages}${slates}`;
}
