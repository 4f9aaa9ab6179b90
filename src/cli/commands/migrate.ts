import { migrateRemoteMedia } from '../../core/media/migrate';
import { parseProjectText } from '../../core/project/load';
import { FileProjectIO } from '../../core/project/write';
import type { CliArgs } from '../args';
import type { CliContext } from '../context';
import type { CliIO } from '../main';

export async function migrateCommand(args: CliArgs, ctx: CliContext, io: CliIO): Promise<number> {
  const file = ctx.doc.file;
  const report = await migrateRemoteMedia({
    root: ctx.doc.paths.root,
    io: new FileProjectIO(file),
    validate: (text) => parseProjectText(text, file),
    config: ctx.config,
    onProgress: (done, total) => {
      if (!args.quiet && !args.json && io.stderr.isTTY)
        io.stderr.write(`\r\x1b[2KDownloading ${done}/${total}`);
    },
  });
  if (!args.quiet && !args.json && io.stderr.isTTY) io.stderr.write('\r\x1b[2K');
  if (args.json) io.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    io.stdout.write(
      `Remote images found: ${report.found} · migrated: ${report.migrated.length} · failed: ${report.failed.length}${report.written ? ' · project.json updated' : ''}\n`,
    );
    for (const m of report.migrated) io.stdout.write(`  ✓ ${m.url} → ${m.path}\n`);
    for (const f of report.failed) io.stdout.write(`  ✗ ${f.url}: ${f.error}\n`);
  }
  return report.failed.length > 0 ? 1 : 0;
}
