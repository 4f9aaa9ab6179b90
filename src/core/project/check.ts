// The whole validation of a project file, without an engine or keys (it must work on a broken file):
// syntax, schema, cross-references and refs, each issue with its JSON path and line:column. The CLI's
// `validate` prints it; the engine's plan runs the same two steps (parse, then refs) before rendering.
import { RefHasher } from '../cache/refHasher';
import { parseProjectText, readProjectText } from './load';
import { ProjectPaths } from './paths';
import { refIssues } from './refs';
import type { ProjectIssue, ValidateOptions } from './validate';

export interface ProjectCheck {
  file: string;
  valid: boolean;
  issues: ProjectIssue[];
}

export async function checkProjectFile(file: string, options: ValidateOptions = {}): Promise<ProjectCheck> {
  const paths = new ProjectPaths(file);
  const text = await readProjectText(paths.projectFile);
  const outcome = parseProjectText(text, paths.projectFile, options);
  if (!outcome.ok) {
    const { error } = outcome;
    const issues = error.issues.length
      ? error.issues
      : [{ path: '(file)', line: 0, column: 0, message: error.message, severity: 'error' as const }];
    return { file: paths.projectFile, valid: false, issues };
  }
  // Reads .dailies/hashes.json to skip unchanged images, and never writes it: validating changes nothing.
  const refs = await refIssues(outcome.project, text, new RefHasher(paths).pass());
  const issues = [...outcome.issues, ...refs];
  return { file: paths.projectFile, valid: !issues.some((i) => i.severity === 'error'), issues };
}
