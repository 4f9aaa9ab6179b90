// `dailies import-cut <project.json> <cut.otio|.xml|.edl> [--reorder] [--fps N] [--dry-run]`: the editor's
// timing (and, with --reorder, order) back into project.json as one minimal edit. Dropped shots and clips
// that match no shot are listed; nothing is ever deleted.
import { parseArgs } from 'node:util';
import { type ImportReport, importCut } from '../../core/cut/export/importCut';
import type { CliIO } from '../main';
import { failure, fpsFlag, HandoffUsageError } from './export';

export const IMPORT_USAGE = `Usage: dailies import-cut <project.json> <cut.otio|cut.xml|cut.edl> [options]

  --reorder        also take the editor's order of shots (shots the cut does not use stay, after the shot
                   they followed)
  --fps <n>        frames per second the durations are counted in (default 24; an EDL is read at it)
  --dry-run        report what would change, write nothing
  --json, --quiet`;

export async function importCutCommand(argv: string[], io: CliIO): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let files: string[];
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        reorder: { type: 'boolean' },
        fps: { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    values = parsed.values;
    if (values['help']) {
      io.stdout.write(`${IMPORT_USAGE}\n`);
      return 0;
    }
    files = parsed.positionals;
    if (files.length !== 2) throw new HandoffUsageError('expected <project.json> and the cut file');
    fpsFlag(values['fps'] as string | undefined);
  } catch (err) {
    io.stderr.write(`dailies import-cut: ${(err as Error).message}\n\n${IMPORT_USAGE}\n`);
    return 2;
  }
  const json = values['json'] === true;
  try {
    const report = await importCut(files[0]!, files[1]!, {
      fps: fpsFlag(values['fps'] as string | undefined),
      reorder: values['reorder'] === true,
      dryRun: values['dry-run'] === true,
    });
    if (json) io.stdout.write(`${JSON.stringify(report)}\n`);
    else if (values['quiet'] !== true) io.stdout.write(`${importText(report, files[1]!)}\n`);
    return 0;
  } catch (err) {
    return failure(err, io, json, 'cut not imported (project.json unchanged)');
  }
}

const list = (ids: string[], max = 12) =>
  `${ids.slice(0, max).join(', ')}${ids.length > max ? `, … (${ids.length} in all)` : ''}`;

export function importText(r: ImportReport, file: string): string {
  const out = [`Read ${r.clips} clip(s) from ${file} (${r.format}): ${r.matched} matched to shots.`];
  if (r.changes.length) {
    out.push(`Durations: ${r.changes.length} changed${r.written ? '' : ' (not written)'}:`);
    for (const c of r.changes.slice(0, 40))
      out.push(`  ${c.shotId}: ${c.from} s → ${c.to} s (${c.frames} frames)`);
    if (r.changes.length > 40) out.push(`  … and ${r.changes.length - 40} more`);
  } else out.push('Durations: all match the cut.');
  if (r.order) out.push(`Order: shots reordered as in the cut${r.written ? '' : ' (not written)'}.`);
  if (r.dropped.length) out.push(`Not in the cut (kept in project.json): ${list(r.dropped)}`);
  if (r.unknown.length) out.push(`Clips that match no shot (ignored): ${list(r.unknown)}`);
  if (r.repeated.length) out.push(`Shots used more than once (lengths added up): ${list(r.repeated)}`);
  if (r.skipped.length) out.push(`Skipped: ${list(r.skipped, 6)}`);
  out.push(r.written ? 'project.json updated (one edit).' : 'project.json unchanged.');
  return out.join('\n');
}
