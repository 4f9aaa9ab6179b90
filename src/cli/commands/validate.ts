import { ProjectLoadError, parseProjectText, readProjectText } from '../../core/project/load';
import { ProjectPaths } from '../../core/project/paths';
import { formatIssue, type ProjectIssue } from '../../core/project/validate';
import { ModelRegistry } from '../../core/providers/registry';
import type { CliArgs } from '../args';
import type { CliIO } from '../main';

/** Validation needs no engine (and no keys): it must work on a broken file. */
export async function validateCommand(args: CliArgs, io: CliIO): Promise<number> {
  const paths = new ProjectPaths(args.projectFile);
  let issues: ProjectIssue[];
  let ok: boolean;
  try {
    const text = await readProjectText(paths.projectFile);
    const outcome = parseProjectText(text, paths.projectFile, { modelCheck: new ModelRegistry().modelCheck });
    ok = outcome.ok && !outcome.issues.some((i) => i.severity === 'error');
    issues = outcome.ok
      ? outcome.issues
      : outcome.error.issues.length
        ? outcome.error.issues
        : [
            {
              path: '(file)',
              line: 0,
              column: 0,
              message: outcome.error.message,
              severity: 'error' as const,
            },
          ];
  } catch (err) {
    if (!(err instanceof ProjectLoadError)) throw err;
    ok = false;
    issues = [{ path: '(file)', line: 0, column: 0, message: err.message, severity: 'error' as const }];
  }
  if (args.json) io.stdout.write(`${JSON.stringify({ file: paths.projectFile, valid: ok, issues })}\n`);
  else {
    for (const i of issues) io.stderr.write(`${formatIssue(paths.projectFile, i)}\n`);
    if (ok && !args.quiet) io.stdout.write(`${paths.projectFile}: valid Dailies project\n`);
  }
  return ok ? 0 : 2;
}
