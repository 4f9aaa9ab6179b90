import { checkProjectFile, type ProjectCheck } from '../../core/project/check';
import { ProjectLoadError } from '../../core/project/load';
import { ProjectPaths } from '../../core/project/paths';
import { formatIssue } from '../../core/project/validate';
import { ModelRegistry } from '../../core/providers/registry';
import type { CliArgs } from '../args';
import type { CliIO } from '../main';

/** Validation needs no engine (and no keys): it must work on a broken file. Refs are checked too. */
export async function validateCommand(args: CliArgs, io: CliIO): Promise<number> {
  const registry = new ModelRegistry();
  let check: ProjectCheck;
  try {
    check = await checkProjectFile(args.projectFile, {
      modelCheck: registry.modelCheck,
      modelIds: registry.modelIds,
    });
  } catch (err) {
    if (!(err instanceof ProjectLoadError)) throw err;
    const file = new ProjectPaths(args.projectFile).projectFile;
    check = {
      file,
      valid: false,
      issues: [{ path: '(file)', line: 0, column: 0, message: err.message, severity: 'error' }],
    };
  }
  const { file, valid, issues } = check;
  if (args.json) io.stdout.write(`${JSON.stringify({ file, valid, issues })}\n`);
  else {
    for (const i of issues) io.stderr.write(`${formatIssue(file, i)}\n`);
    if (valid && !args.quiet) io.stdout.write(`${file}: valid Dailies project\n`);
    else if (!valid && !args.quiet) {
      const errors = issues.filter((i) => i.severity === 'error').length;
      io.stderr.write(`${file}: ${errors} problem${errors === 1 ? '' : 's'}\n`);
    }
  }
  return valid ? 0 : 2;
}
