// `dailies versions <project.json> <shot>` lists every kept render of a shot; `dailies restore
// <project.json> <shot> <version>` brings one back — its images from the content store (no provider is
// asked anything), its record and the prompt and params it was made with into project.json (one edit).
import { envLayer, resolveConfig } from '../../core/config';
import { parseProjectText } from '../../core/project/load';
import { ProjectPaths } from '../../core/project/paths';
import { FileProjectIO, ProjectWriter } from '../../core/project/write';
import { restoreVersion } from '../../core/review/restore';
import { VersionStore } from '../../core/review/versions';
import { type CliArgs, UsageError } from '../args';
import type { CliIO } from '../main';
import { table } from '../output';

export async function versionsCommand(args: CliArgs, io: CliIO): Promise<number> {
  const [shotId, which, ...extra] = args.operands;
  if (!shotId) throw new UsageError(`missing <shot> for "${args.command}"`);
  const paths = new ProjectPaths(args.projectFile);
  if (args.command === 'versions') {
    if (which !== undefined) throw new UsageError(`unexpected argument "${which}"`);
    const list = await new VersionStore(paths).list(shotId);
    if (args.json) {
      io.stdout.write(`${JSON.stringify({ shotId, versions: list.map((v, i) => ({ n: i + 1, ...v })) })}\n`);
    } else if (list.length === 0) {
      io.stdout.write(`${shotId}: no kept versions yet (every render from now on is kept)\n`);
    } else {
      const rows = list.map((v, i) => [
        String(i + 1),
        v.id,
        v.render.renderedAt,
        v.inputs?.model ?? v.render.model,
        String(v.render.outputs.length),
        v.render.costUsd !== undefined ? `$${v.render.costUsd.toFixed(3)}` : '',
        typeof v.fields?.['prompt'] === 'string'
          ? short(String(v.fields['prompt']))
          : '(prompt not recorded)',
      ]);
      io.stdout.write(`${table(['#', 'id', 'rendered', 'model', 'takes', 'cost', 'prompt'], rows)}\n`);
    }
    return 0;
  }
  if (which === undefined)
    throw new UsageError('missing <version>: its number (see `dailies versions`) or id');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const thumbnails = resolveConfig(args.config, envLayer(io.env)).thumbnails;
  const restored = await restoreVersion(paths, shotId, which, { thumbnails });
  const writer = new ProjectWriter(new FileProjectIO(paths.projectFile), {
    validate: (text) => parseProjectText(text, paths.projectFile),
  });
  for (const [key, value] of restored.changes) writer.update(shotId, key, () => value);
  const report = await writer.flush();
  await writer.settled();
  if (report.blocked) {
    io.stderr.write(`dailies: nothing was changed in project.json: ${report.blocked}\n`);
    return 2;
  }
  if (report.missing.length) {
    io.stderr.write(`dailies: no shot "${shotId}" in ${paths.projectFile}\n`);
    return 1;
  }
  const legacy = restored.entry.legacy ? ' (its prompt was not recorded: only the images came back)' : '';
  if (args.json)
    io.stdout.write(`${JSON.stringify({ shotId, restored: restored.n, id: restored.entry.id })}\n`);
  else if (!args.quiet)
    io.stdout.write(
      `restored version ${restored.n} of ${shotId}${legacy}; nothing was rendered or uploaded\n`,
    );
  return 0;
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}
